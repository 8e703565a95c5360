"""The printed utilisation chart: an axis scaled to the data, figures and names drawn whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageLayout, QPainter, QPdfWriter

from gearroom.render.pdf_file import write_pdf_document
from gearroom.render.reports.chart import axis_scale, chart_height, paint_utilisation_chart
from gearroom.render.reports.pdf import _font
from gearroom.services.report import CategoryUtilisation

SMALL = (
    CategoryUtilisation("Camera", 4, 100, 2),
    CategoryUtilisation("Wireless Video Transmitters and Receivers", 3, 1000, 164),
    CategoryUtilisation("Lens", 9, 500, 40),
)


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ((0.02, 0.164, 0.08), (20.0, 5.0)),
        ((0.0, 0.0), (10.0, 2.5)),
        ((0.06,), (6.0, 2.0)),
        ((0.55, 0.9), (100.0, 20.0)),
        ((1.0,), (100.0, 20.0)),
        ((0.004,), (0.5, 0.5)),
    ],
)
def test_the_axis_ends_on_a_round_number_just_above_the_largest_bar(ratios, expected):
    categories = [
        CategoryUtilisation(str(i), 1, 1000, round(r * 1000)) for i, r in enumerate(ratios)
    ]
    assert axis_scale(categories) == expected


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_figures_axis_and_long_names_are_drawn_whole(qapp, tmp_path: Path, paper: str):
    def lay_out(writer: QPdfWriter):
        body = _font(7.5)

        def paint(painter: QPainter) -> None:
            line = 40.0
            rect = QRectF(0, 0, writer.width() * 0.75, chart_height(len(SMALL), line))
            paint_utilisation_chart(painter, rect, SMALL, body)

        return paint

    path = write_pdf_document(
        tmp_path / "chart.pdf",
        title="chart",
        page_size=paper,
        orientation=QPageLayout.Orientation.Landscape,
        margin_mm=12,
        lay_out=lay_out,
    )
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "16.4% (164 / 1000 days)" in text
    assert "Wireless Video Transmitters and Receivers" in text
    assert "…" not in text
    # Axis ticks up to 20 %, not 100 %.
    assert text.startswith("0% 5% 10% 15% 20% Camera 2.0%")
    assert "100%" not in text and "25%" not in text
