"""Writing a PDF document safely: paper sizes, a QPdfWriter set up in millimetres, and a file
that appears only when it is complete (written beside it, then moved in place)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from gearroom.errors import GearroomError, ValidationError
from gearroom.render.gui import ensure_gui_app

PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "a4": QPageSize.PageSizeId.A4,
    "letter": QPageSize.PageSizeId.Letter,
}
RESOLUTION = 300
#: Where US Letter is the usual paper.
LETTER_TERRITORIES = {"US", "CA", "MX", "CL", "CO", "PH"}


def default_page_size() -> str:
    """US Letter where it is the usual paper, A4 elsewhere (from the system locale)."""
    return "letter" if QLocale().name().rpartition("_")[2] in LETTER_TERRITORIES else "a4"


#: Given the writer, lays the document out and returns what paints it.
LayOut = Callable[[QPdfWriter], Callable[[QPainter], object]]


def write_pdf_document(
    path: Path,
    *,
    title: str,
    page_size: str,
    orientation: QPageLayout.Orientation,
    margin_mm: float,
    lay_out: LayOut,
) -> Path:
    """Lay out and paint a document into the PDF ``path``; returns the path written."""
    size = PAGE_SIZES.get(page_size.lower())
    if size is None:
        raise ValidationError(
            f"Unknown paper size {page_size!r}: use {' or '.join(PAGE_SIZES)}.", field="page_size"
        )
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.", field="output")
    ensure_gui_app()
    tmp = target.with_name(f".{target.name}.tmp")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(RESOLUTION)
    writer.setCreator("Gearroom")
    writer.setTitle(title)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(size),
            orientation,
            QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm),
            QPageLayout.Unit.Millimeter,
        )
    )
    paint = lay_out(writer)
    painter = QPainter()
    if not painter.begin(writer):
        raise GearroomError(f"Cannot write the PDF {target}; check the folder and its permissions.")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint(painter)
    finally:
        painter.end()
    try:
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GearroomError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return target
