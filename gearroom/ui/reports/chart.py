"""The utilisation chart on screen (QtCharts): the same numbers as the printed chart."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import Qt

from gearroom.render.reports.chart import BAR_COLOR, axis_scale
from gearroom.services.report import CategoryUtilisation


def utilisation_chart(categories: Sequence[CategoryUtilisation]) -> QChart:
    """The same chart for the screen: a QtCharts bar series, one bar per category."""
    chart = QChart()
    chart.setTitle("Utilisation by category")
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    bars = QBarSet("Utilisation %")
    bars.setColor(BAR_COLOR)
    for c in categories:
        bars.append(round(c.ratio * 100, 1))
    series = QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value%")
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([c.category for c in categories])
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = QValueAxis()
    axis_top, step = axis_scale(categories)
    axis_y.setRange(0, axis_top)
    axis_y.setLabelFormat("%g%%")
    axis_y.setTickCount(round(axis_top / step) + 1)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return chart
