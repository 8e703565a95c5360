"""The utilisation chart for print: a bar per category, drawn with QPainter.

The screen chart (QtCharts, in the UI) shows the same numbers: each category's days out ÷
available days in the period, in %.
"""

from __future__ import annotations

import math
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


def axis_scale(categories: Sequence[CategoryUtilisation]) -> tuple[float, float]:
    """The axis end and tick step, in %, for these bars: a round number just above the largest
    bar (20 % for bars of 2–16 %), at most five steps, never beyond 100 %."""
    largest = max((min(max(c.ratio, 0.0), 1.0) * 100 for c in categories), default=0.0)
    if largest <= 0:
        return 10.0, 2.5
    for step in (0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0):
        top = math.ceil(largest / step - 1e-9) * step
        if top / step <= 5:
            return min(top, 100.0), step
    return 100.0, 25.0


def _percent(value: float) -> str:
    return f"{value:g}%"


def paint_utilisation_chart(
    painter: QPainter, rect: QRectF, categories: Sequence[CategoryUtilisation], font: QFont
) -> None:
    """Horizontal bars, one per category, on an axis scaled to the data, each with its
    percentage and days beside it; category names are drawn whole."""
    painter.save()
    painter.setFont(font)
    fm = QFontMetricsF(font, painter.device())
    line = fm.height()
    if not categories:
        painter.setPen(TEXT_COLOR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, "No items in the catalog.")
        painter.restore()
        return
    texts = [f"{c.ratio * 100:.1f}%  ({c.days_out} / {c.available_days} days)" for c in categories]
    pad = line * 0.4
    names_w = max(fm.horizontalAdvance(c.category) for c in categories)
    label_w = min(names_w, rect.width() * 0.4)
    value_w = max(fm.horizontalAdvance(t) for t in texts) + 2 * pad
    left = rect.left() + label_w + line * 0.6
    right = rect.right() - value_w
    width = max(right - left, line)
    row_h = line * 1.7
    top = rect.top()
    bottom = top + row_h * len(categories)
    axis_top, step = axis_scale(categories)

    grid = QPen(GRID_COLOR)
    grid.setWidthF(max(1.0, line / 40))
    ticks = round(axis_top / step)
    for n in range(ticks + 1):
        x = left + width * n / ticks
        painter.setPen(grid)
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))
        painter.setPen(TEXT_COLOR)
        label = _percent(n * step)
        tw = fm.horizontalAdvance(label)
        painter.drawText(QPointF(x - tw / 2, bottom + line * 1.1), label)

    for n, (c, text) in enumerate(zip(categories, texts, strict=True)):
        y = top + n * row_h
        painter.setPen(TEXT_COLOR)
        name_font = QFont(font)
        advance = fm.horizontalAdvance(c.category)
        if advance > label_w:
            # A long name is set smaller rather than cut.
            name_font.setPointSizeF(font.pointSizeF() * label_w / advance)
        painter.setFont(name_font)
        painter.drawText(
            QRectF(rect.left(), y, label_w, row_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            c.category,
        )
        painter.setFont(font)
        share = min(max(c.ratio * 100, 0.0), axis_top) / axis_top
        bar = QRectF(left, y + row_h * 0.2, width * share, row_h * 0.6)
        painter.fillRect(bar, BAR_COLOR)
        box = QRectF(
            bar.right() + pad * 0.5, y + row_h * 0.1, fm.horizontalAdvance(text) + pad, row_h * 0.8
        )
        painter.fillRect(box, QColor("white"))  # keep the grid lines off the figures
        painter.drawText(
            box.adjusted(pad * 0.5, 0, 0, 0),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
    painter.restore()
