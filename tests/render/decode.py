"""Read labels back: render PDF pages and images and decode every code.

zxing-cpp gives positions and formats; zbar and OpenCV are independent second and third readers.
"""

from __future__ import annotations

import math
import subprocess
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


# --------------------------------------------------------------------------- several decoders

#: The resolutions every printed code must read at, and the two anti-aliasing settings.
DPIS = (150, 200, 300, 400, 600)
ANTIALIAS = (True, False)


def read_zxing(image: Image.Image) -> set[str]:
    """QR texts zxing-cpp reads in ``image``."""
    return {r.text for r in zxingcpp.read_barcodes(image) if "QR" in str(r.format)}


def read_zbar(image: Image.Image) -> set[str]:
    """QR texts zbar (an independent decoder, not zxing) reads in ``image``."""
    from pyzbar import pyzbar

    return {s.data.decode() for s in pyzbar.decode(image) if s.type == "QRCODE"}


def read_opencv(image: Image.Image) -> set[str]:
    """QR texts OpenCV's detector reads in ``image`` (a third, independent decoder)."""
    import cv2
    import numpy

    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(numpy.asarray(image))
    return {text} if text else set()


def read_opencv_multi(image: Image.Image) -> set[str]:
    """QR texts OpenCV's multi-code detector reads in ``image`` (a whole page)."""
    import cv2
    import numpy

    found, texts, _points, _codes = cv2.QRCodeDetector().detectAndDecodeMulti(numpy.asarray(image))
    return {text for text in texts if text} if found else set()


DECODERS = {"zxing-cpp": read_zxing, "zbar": read_zbar, "opencv": read_opencv}
#: What must find every code of a whole page in one pass.
PAGE_DECODERS = {"zxing-cpp": read_zxing, "zbar": read_zbar}


def pdftoppm(path: Path, dpi: int, antialias: bool, folder: Path) -> list[Image.Image]:
    """The PDF's pages as grey images, rendered by poppler's pdftoppm (anti-aliasing on/off)."""
    aa = "yes" if antialias else "no"
    stem = folder / f"page-{dpi}-{aa}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-aa", aa, "-aaVector", aa, "-png", str(path), stem],
        check=True,
        capture_output=True,
    )
    pages = []
    for page in sorted(folder.glob(f"{stem.name}-*.png")):
        with Image.open(page) as image:
            pages.append(image.convert("L"))
        page.unlink()
    return pages


def crop_mm(image: Image.Image, rect: Rect, dpi: float) -> Image.Image:
    """The part of ``image`` (at ``dpi``) inside ``rect`` (mm)."""
    s = dpi / 25.4
    box = (
        math.floor(rect.x * s),
        math.floor(rect.y * s),
        math.ceil(rect.right * s),
        math.ceil(rect.bottom * s),
    )
    return image.crop(box)


def unread(image: Image.Image, rect: Rect, dpi: float, tag: str) -> list[str]:
    """The decoders that do not read ``tag`` inside ``rect`` of ``image`` (at least zxing-cpp
    and zbar must read every code; OpenCV is reported as well)."""
    crop = crop_mm(image, rect, dpi)
    return [name for name, read in DECODERS.items() if tag not in read(crop)]
