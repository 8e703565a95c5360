"""Items × days with a bar per production: who has what, this week at a glance.

Painted with QPainter from an :class:`~gearroom.services.reservations.Timeline`. Reserved bars
are blue, gear out green, overdue amber, missing red and service grey; each bar carries the
production's name. Today's column is tinted.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gearroom.services.timeline import BarKind, Timeline, TimelineBar

BAR_COLOURS: dict[BarKind, QColor] = {
    BarKind.RESERVED: QColor("#3b6fb6"),
    BarKind.OUT: QColor("#2e7d4f"),
    BarKind.OVERDUE: QColor("#c77700"),
    BarKind.MISSING: QColor("#b3261e"),
    BarKind.SERVICE: QColor("#6b7280"),
}
LABEL_W = 210
HEADER_H = 34
ROW_H = 24
MIN_DAY_W = 34
GRID = QColor("#e2e6ea")
TODAY = QColor("#fff6d6")
TEXT = QColor("#1f2937")
MUTED = QColor("#6b7280")


class AvailabilityTimeline(QWidget):
    """A painted items × days chart; :meth:`set_timeline` gives it data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("availabilityTimeline")
        self.timeline: Timeline | None = None
        self.today = date.today()
        self.highlight: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(LABEL_W + MIN_DAY_W * 7)

    def set_timeline(
        self, timeline: Timeline, today: date | None = None, highlight: int | None = None
    ) -> None:
        """Show ``timeline``; bars of production ``highlight`` are drawn bold."""
        self.timeline = timeline
        self.today = today or date.today()
        self.highlight = highlight
        self.setMinimumWidth(LABEL_W + MIN_DAY_W * max(len(timeline.days), 7))
        self.setFixedHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = len(self.timeline.rows) if self.timeline else 0
        return QSize(LABEL_W + MIN_DAY_W * 7, HEADER_H + ROW_H * max(rows, 1) + 2)

    def bars_on(self, tag: str, day: date) -> list[TimelineBar]:
        """The bars drawn on ``day`` in the row of ``tag`` (what a look at the chart tells)."""
        if self.timeline is None:
            return []
        for row in self.timeline.rows:
            if row.tag == tag:
                return [b for b in row.bars if b.start <= day <= b.end]
        return []

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), QColor("#ffffff"))
            if self.timeline is None or not self.timeline.days:
                return
            self._paint(painter, self.timeline)
        finally:
            painter.end()

    def _paint(self, p: QPainter, tl: Timeline) -> None:
        days = tl.days
        day_w = max(MIN_DAY_W, (self.width() - LABEL_W) / len(days))
        fm = QFontMetricsF(self.font())
        bold = self.font()
        bold.setBold(True)
        # Header: weekday and date; today's column tinted down the chart.
        for i, day in enumerate(days):
            x = LABEL_W + i * day_w
            if day == self.today:
                p.fillRect(QRectF(x, 0, day_w, self.height()), TODAY)
            p.setPen(TEXT if day == self.today else MUTED)
            p.setFont(bold if day == self.today else self.font())
            p.drawText(
                QRectF(x, 2, day_w, HEADER_H - 4),
                int(Qt.AlignmentFlag.AlignCenter),
                f"{day.strftime('%a')[:2]}\n{day.day}",
            )
        p.setFont(self.font())
        if not tl.rows:
            p.setPen(MUTED)
            p.drawText(
                QRectF(0, HEADER_H, LABEL_W, ROW_H),
                int(Qt.AlignmentFlag.AlignVCenter),
                "  Nothing booked in these days.",
            )
        grid = QPen(GRID)
        grid.setWidthF(1.0)
        for r, row in enumerate(tl.rows):
            y = HEADER_H + r * ROW_H
            p.setPen(grid)
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
            p.setPen(TEXT)
            label = fm.elidedText(
                f"{row.tag}  {row.name}", Qt.TextElideMode.ElideRight, LABEL_W - 8
            )
            p.drawText(QRectF(6, y, LABEL_W - 8, ROW_H), int(Qt.AlignmentFlag.AlignVCenter), label)
            for bar in row.bars:
                first = max(bar.start, tl.start)
                last = min(bar.end, tl.end)
                if last < first:
                    continue
                x0 = LABEL_W + (first - tl.start).days * day_w + 2
                x1 = LABEL_W + ((last - tl.start).days + 1) * day_w - 2
                rect = QRectF(x0, y + 4, x1 - x0, ROW_H - 8)
                colour = BAR_COLOURS[bar.kind]
                mine = self.highlight is not None and bar.production_id == self.highlight
                p.setPen(QPen(colour.darker(150), 2.0) if mine else Qt.PenStyle.NoPen)
                p.setBrush(colour if mine or self.highlight is None else colour.lighter(135))
                p.drawRoundedRect(rect, 4, 4)
                p.setPen(QColor("#ffffff"))
                counted = row.item_kind in ("stock", "model")
                # the quantity first: a short bar elides the production's name, not the count
                text = f"{bar.quantity} × {bar.production}" if counted else bar.production
                p.drawText(
                    rect.adjusted(5, 0, -3, 0),
                    int(Qt.AlignmentFlag.AlignVCenter),
                    fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 8),
                )
