"""Read labels back: render PDF pages and images and decode every code with zxing-cpp."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument

from gearroom.services.labels import Rect


@dataclass(frozen=True)
class Found:
    text: str
    format: str
    #: Where the code sits on the page, mm (its bounding box).
    box: Rect


def to_pil(image: QImage) -> Image.Image:
    """A grey PIL image of ``image``; transparent areas (unprinted paper) become white."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())
    size = (rgba.width(), rgba.height())
    picture = Image.frombuffer("RGBA", size, data, "raw", "RGBA", rgba.bytesPerLine(), 1)
    paper = Image.new("RGBA", size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, picture).convert("L")


def decode(image: Image.Image, dpi: float) -> list[Found]:
    found = []
    for result in zxingcpp.read_barcodes(image):
        points = [result.position.top_left, result.position.top_right]
        points += [result.position.bottom_left, result.position.bottom_right]
        xs = [p.x * 25.4 / dpi for p in points]
        ys = [p.y * 25.4 / dpi for p in points]
        box = Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        found.append(Found(result.text, str(result.format).replace(" ", ""), box))
    return found


def render_pdf(path: Path, dpi: int = 300) -> list[Image.Image]:
    doc = QPdfDocument(None)
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    pages = []
    for index in range(doc.pageCount()):
        points = doc.pagePointSize(index)
        size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        pages.append(to_pil(doc.render(index, size)))
    doc.close()
    return pages


def pdf_page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    doc = QPdfDocument(None)
    doc.load(str(path))
    sizes = []
    for index in range(doc.pageCount()):
        points = doc.pagePointSize(index)
        sizes.append((points.width() / 72 * 25.4, points.height() / 72 * 25.4))
    doc.close()
    return sizes
