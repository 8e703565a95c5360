"""The utilisation chart for print: a bar per category, drawn with QPainter.

The screen chart (QtCharts, in the UI) shows the same numbers: each category's days out ÷
available days in the period, in %.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from gearroom.services.report import CategoryUtilisation

BAR_COLOR = QColor("#2f6f9f")
GRID_COLOR = QColor("#c8ccd0")
TEXT_COLOR = QColor("#1d232a")


def chart_height(count: int, line: float) -> float:
    """Height the chart of ``count`` categories needs (``line``: the text height)."""
    return line * (1.7 * max(count, 1) + 1.6)


def paint_utilisation_chart(
    painter: QPainter, rect: QRectF, categories: Sequence[CategoryUtilisation], font: QFont
) -> None:
    """Horizontal bars, 0–100 %, one per category, with its percentage and days."""
    painter.save()
    painter.setFont(font)
    fm = QFontMetricsF(font, painter.device())
    line = fm.height()
    if not categories:
        painter.setPen(TEXT_COLOR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, "No items in the catalog.")
        painter.restore()
        return
    label_w = min(rect.width() * 0.3, max(fm.horizontalAdvance(c.category) for c in categories))
    value_w = fm.horizontalAdvance("100.0%  (9999 / 9999 days)")
    left = rect.left() + label_w + line * 0.6
    right = rect.right() - value_w - line * 0.4
    width = max(right - left, line)
    row_h = line * 1.7
    top = rect.top()
    bottom = top + row_h * len(categories)

    grid = QPen(GRID_COLOR)
    grid.setWidthF(max(1.0, line / 40))
    for step in range(5):
        x = left + width * step / 4
        painter.setPen(grid)
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))
        painter.setPen(TEXT_COLOR)
        label = f"{step * 25}%"
        tw = fm.horizontalAdvance(label)
        painter.drawText(QPointF(x - tw / 2, bottom + line * 1.1), label)

    for n, c in enumerate(categories):
        y = top + n * row_h
        painter.setPen(TEXT_COLOR)
        name = fm.elidedText(c.category, Qt.TextElideMode.ElideRight, label_w)
        painter.drawText(
            QRectF(rect.left(), y, label_w, row_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            name,
        )
        bar = QRectF(left, y + row_h * 0.2, width * min(max(c.ratio, 0.0), 1.0), row_h * 0.6)
        painter.fillRect(bar, BAR_COLOR)
        text = f"{c.ratio * 100:.1f}%  ({c.days_out} / {c.available_days} days)"
        box = QRectF(bar.right() + line * 0.3, y + row_h * 0.15, 0, row_h * 0.7)
        box.setWidth(fm.horizontalAdvance(text) + line * 0.4)
        painter.fillRect(box, QColor("white"))  # keep the grid lines off the figures
        painter.drawText(
            box,
            int(Qt.AlignmentFlag.AlignCenter),
            text,
        )
    painter.restore()
