"""The one routine that draws a label: the preview, the PDF, the printer and PNGs all call it.

The painter is expected in millimetre units (one unit = 1 mm, origin at the page's top-left);
:func:`begin_mm` sets that up for a device of known resolution. Codes are painted as 1-bit
images (a square of pixels per module) without smoothing, so every renderer, anti-aliasing or
not, scales them down with an area filter (see :func:`paint_label`). A code's corner is put on
the layout's grid (a roll printer's dot, 1/50 inch on sheets) and its modules are whole grid
steps, so on a printer's dot grid and in a raster at any multiple of 50 dpi every module is the
same whole number of pixels.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from gearroom.render.text import FAMILIES, one_line
from gearroom.services.labels import (
    MIN_LINE_TEXT_MM,
    MM_PER_INCH,
    LabelLayout,
    LabelPage,
    Rect,
    TextLine,
)

#: Fonts are set at this pixel size and scaled to the wanted size in mm.
_BASE_PX = 100
_PREFERRED_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")


@lru_cache(maxsize=1)
def _family() -> str:
    families = set(QFontDatabase.families())
    for name in _PREFERRED_FAMILIES:
        if name in families:
            return name
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


def label_font(bold: bool) -> QFont:
    font = QFont()
    font.setFamilies([_family(), *FAMILIES])
    font.setPixelSize(_BASE_PX)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(True)
    return font


class _Fonts:
    """The label fonts and their metrics, made once per drawing call (Qt objects are not kept
    beyond the application's life)."""

    def __init__(self) -> None:
        self.fonts = {bold: label_font(bold) for bold in (False, True)}
        self.metrics = {bold: QFontMetricsF(font) for bold, font in self.fonts.items()}


def _qrect(rect: Rect, x: float, y: float) -> QRectF:
    return QRectF(x + rect.x, y + rect.y, rect.w, rect.h)


#: Image pixels per module when a module is not a whole number of 1/1200 inch. Viewers scale an
#: image down with an area (box) filter, the ideal anti-aliasing, but scale it up by less than 4x
#: with bilinear smoothing that blurs modules.
_PIXELS_PER_MODULE = 16
#: A module on the 1/50-inch grid is drawn with one image pixel per 1/1200 inch: a raster at
#: 600, 400, 300, 200 or 150 dpi scales it down by a whole 2, 3, 4, 6 or 8, pixel for pixel.
_IMAGE_DPI = 1200


def pixels_per_module(module_mm: float) -> int:
    """Image pixels per module: one per 1/1200 inch where that is whole (modules on the grid)."""
    exact = module_mm / MM_PER_INCH * _IMAGE_DPI
    if abs(exact - round(exact)) < 1e-6 and round(exact) >= _PIXELS_PER_MODULE:
        return round(exact)
    return _PIXELS_PER_MODULE


def snapped(value: float, grid: float | None) -> float:
    """``value`` (mm) on the nearest step of ``grid`` (unchanged without a grid)."""
    return round(value / grid) * grid if grid else value


def _mono(width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_Mono)
    image.setColorTable([QColor(Qt.GlobalColor.white).rgb(), QColor(Qt.GlobalColor.black).rgb()])
    image.fill(0)
    return image


def _module_image(matrix: tuple[tuple[bool, ...], ...], k: int) -> QImage:
    """A QR matrix as a 1-bit image, a square of ``k`` pixels per module (dark = black)."""
    image = _mono(len(matrix) * k, len(matrix) * k)
    painter = QPainter(image)
    try:
        for row_index, row in enumerate(matrix):
            for col_index, dark in enumerate(row):
                if dark:
                    painter.fillRect(col_index * k, row_index * k, k, k, Qt.GlobalColor.black)
    finally:
        painter.end()
    return image


def _bar_image(pattern: str) -> QImage:
    """A Code128 pattern as a 1-bit image one pixel high, a run of pixels per module."""
    k = _PIXELS_PER_MODULE
    image = _mono(len(pattern) * k, 1)
    for index, module in enumerate(pattern):
        if module == "1":
            for x in range(index * k, (index + 1) * k):
                image.setPixel(x, 0, 1)
    return image


def begin_mm(painter: QPainter, dots_per_inch: float) -> None:
    """Scale ``painter`` so that one unit is one millimetre on a device of this resolution."""
    scale = dots_per_inch / MM_PER_INCH
    painter.scale(scale, scale)


def fitted_text(line: TextLine, fonts: _Fonts | None = None) -> tuple[str, float]:
    """The text and size (mm) that fit the line's box: smaller first, then elided."""
    metrics = (fonts or _Fonts()).metrics[line.bold]
    text = one_line(line.text)
    natural = metrics.horizontalAdvance(text) / _BASE_PX  # width at 1 mm
    size = line.size
    if natural * size > line.rect.w:
        size = max(MIN_LINE_TEXT_MM, min(size, line.rect.w / natural))
    if natural * size > line.rect.w:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, line.rect.w / size * _BASE_PX)
    return text, size


def _paint_text(painter: QPainter, line: TextLine, x0: float, y0: float, fonts: _Fonts) -> None:
    text, size = fitted_text(line, fonts)
    metrics = fonts.metrics[line.bold]
    ascent = metrics.ascent() / _BASE_PX * size
    height = (metrics.ascent() + metrics.descent()) / _BASE_PX * size
    width = metrics.horizontalAdvance(text) / _BASE_PX * size
    x = x0 + line.rect.x
    if line.center:
        x += (line.rect.w - width) / 2
    baseline = y0 + line.rect.y + (line.rect.h - height) / 2 + ascent
    painter.save()
    painter.translate(x, baseline)
    painter.scale(size / _BASE_PX, size / _BASE_PX)
    painter.setFont(fonts.fonts[line.bold])
    painter.drawText(0, 0, text)
    painter.restore()


def paint_label(
    painter: QPainter,
    layout: LabelLayout,
    x: float = 0.0,
    y: float = 0.0,
    *,
    outline: bool = False,
    background: bool = False,
    fonts: _Fonts | None = None,
) -> None:
    """Draw one label with its top-left corner at (``x``, ``y``) mm."""
    fonts = fonts or _Fonts()
    painter.save()
    black = QColor(Qt.GlobalColor.black)
    if background or outline:
        frame = QPainterPath()
        frame.addRoundedRect(
            QRectF(x, y, layout.width, layout.height), layout.corner_radius, layout.corner_radius
        )
        if background:
            painter.fillPath(frame, QBrush(QColor(Qt.GlobalColor.white)))
        if outline:
            pen = QPen(QColor(150, 160, 175))
            pen.setCosmetic(True)
            pen.setWidthF(1.0)
            painter.strokePath(frame, pen)
    painter.setPen(Qt.PenStyle.NoPen)

    # Each code is one 1-bit image drawn without smoothing: a renderer box-filters it down to
    # its pixels, so a module edge is never the dilated, seamed anti-aliasing of a filled path's
    # outline, and on a printer's dot grid each module is a whole number of dots.
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    qr = layout.qr
    # The code's corner on the page's grid (the layout keeps room for the move).
    corner_x = snapped(x + qr.rect.x, layout.dot) - x
    corner_y = snapped(y + qr.rect.y, layout.dot) - y
    code = Rect(corner_x, corner_y, qr.rect.w, qr.rect.h)
    image = _module_image(qr.matrix, pixels_per_module(qr.module))
    painter.drawImage(_qrect(code, x, y), image)
    if layout.code128 is not None:
        bars = layout.code128
        painter.drawImage(_qrect(bars.rect, x, y), _bar_image(bars.pattern))
    painter.setPen(QPen(black))
    for line in layout.lines:
        _paint_text(painter, line, x, y, fonts)
    painter.restore()


def paint_page(
    painter: QPainter, page: LabelPage, *, outlines: bool = False, background: bool = False
) -> None:
    """Draw every label of a page (and, for the preview, the outlines of all cells)."""
    if outlines:
        painter.save()
        pen = QPen(QColor(200, 205, 215))
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        used = {(p.rect.x, p.rect.y) for p in page.labels}
        for cell in page.cells:
            if (cell.x, cell.y) not in used:
                painter.drawRect(QRectF(cell.x, cell.y, cell.w, cell.h))
        painter.restore()
    fonts = _Fonts()
    for placed in page.labels:
        paint_label(
            painter,
            placed.layout,
            placed.rect.x,
            placed.rect.y,
            outline=outlines,
            background=background,
            fonts=fonts,
        )
