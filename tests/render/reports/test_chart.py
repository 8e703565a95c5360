"""The printed utilisation chart: an axis scaled to the data, figures and names drawn whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPageLayout, QPainter, QPdfWriter

from gearroom.render.pdf_file import write_pdf_document
from gearroom.render.reports.chart import (
    BAR_COLOR,
    axis_scale,
    chart_height,
    paint_utilisation_chart,
)
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


class RecordingPainter(QPainter):
    """A painter that keeps where each text and bar of the chart went (device units)."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[tuple[str, QRectF, QRectF | None]] = []
        self.fills: list[tuple[QRectF, QColor]] = []

    def drawText(self, *args):  # type: ignore[no-untyped-def]
        fm = QFontMetricsF(self.font(), self.device())
        if isinstance(args[0], QRectF):
            box, flags, text = args[0], args[1], args[2]
            ink = fm.boundingRect(box, flags, text)
            self.texts.append((text, ink, box))
        else:
            point, text = args[0], args[1]
            ink = fm.boundingRect(text).translated(point)
            self.texts.append((text, ink, None))
        return super().drawText(*args)

    def fillRect(self, *args):  # type: ignore[no-untyped-def]
        if isinstance(args[0], QRectF):
            self.fills.append((QRectF(args[0]), QColor(args[1])))
        return super().fillRect(*args)


WIDE = (
    CategoryUtilisation("Audio", 25, 775, 0),
    CategoryUtilisation("Camera", 28, 868, 21),
    CategoryUtilisation("Wireless Video Transmitters and Receivers", 14, 434, 71),
    CategoryUtilisation("Lens", 61, 1891, 108),
    CategoryUtilisation("Grip", 32, 992, 992),
)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("categories", [SMALL, WIDE], ids=["2-16%", "0-100%"])
def test_every_label_lies_whole_inside_the_chart(qapp, paper: str, categories) -> None:
    """Each name, figure and tick is drawn in full inside the chart's rectangle, none on top of
    another or of a bar: a clipped or cut label fails here."""
    # The report's chart: 75 % of the printable width at 300 dpi, 12 mm margins, landscape.
    page_mm = {"a4": 297.0, "letter": 279.4}[paper]
    width = (page_mm - 24) / 25.4 * 300 * 0.75
    line = 40.0
    rect = QRectF(20, 20, width, chart_height(len(categories), line))
    image = QImage(round(rect.right() + 40), round(rect.bottom() + 40), QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(300 / 0.0254))
    image.setDotsPerMeterY(round(300 / 0.0254))
    image.fill(QColor("white"))
    painter = RecordingPainter(image)
    try:
        paint_utilisation_chart(painter, rect, categories, _font(7.5))
    finally:
        painter.end()
    drawn = [text for text, _ink, _box in painter.texts]
    for c in categories:
        assert c.category in drawn  # whole, never elided
        assert any(t.startswith(f"{c.ratio * 100:.1f}%") for t in drawn)
    bars = [fill for fill, color in painter.fills if color == BAR_COLOR and fill.width() > 0]
    assert len(bars) == sum(1 for c in categories if c.days_out)
    for text, ink, box in painter.texts:
        assert rect.contains(ink), (text, ink, rect)
        if box is not None:
            # Drawn in a box: the box holds the whole text (nothing cut at its edge).
            assert box.adjusted(-1, -1, 1, 1).contains(ink), (text, ink, box)
    inks = [ink for _t, ink, _b in painter.texts]
    for i, a in enumerate(inks):
        for b in inks[i + 1 :]:
            assert not a.adjusted(1, 1, -1, -1).intersects(b), (a, b)
    for ink in inks:
        for bar in bars:
            assert not ink.adjusted(1, 1, -1, -1).intersects(bar), (ink, bar)
    # No ink outside the chart's rectangle.
    for y in range(image.height()):
        for x in (*range(0, int(rect.left()) - 1), *range(int(rect.right()) + 2, image.width())):
            assert image.pixelColor(x, y).lightness() > 250, (x, y)
