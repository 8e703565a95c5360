"""Label output at exact physical size: PDF (vector) and 1-bit PNGs for roll printers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from gearroom.errors import GearroomError
from gearroom.render.gui import ensure_gui_app
from gearroom.render.labels.painter import begin_mm, paint_label, paint_page
from gearroom.services.labels import MM_PER_INCH, LabelJob, LabelLayout, LabelPage, LabelTemplate

PDF_RESOLUTION = 1200
#: PNG resolution for sheet stocks (roll stocks use their printer's dpi).
SHEET_PNG_DPI = 600


def job_page_layout(template: LabelTemplate) -> QPageLayout:
    """The exact page of a template, without margins."""
    size = QPageSize(
        QSizeF(template.page_width, template.page_height),
        QPageSize.Unit.Millimeter,
        template.name,
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    orientation = QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def write_pdf(job: LabelJob, path: Path) -> Path:
    """All pages of ``job`` as a vector PDF at actual size."""
    ensure_gui_app()
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setCreator("Gearroom")
    writer.setTitle(f"Gearroom labels ({job.template.name})")
    writer.setPageLayout(job_page_layout(job.template))
    painter = QPainter()
    if not painter.begin(writer):
        raise GearroomError(f"Cannot write the PDF {path}; check the folder and its permissions.")
    try:
        begin_mm(painter, PDF_RESOLUTION)
        for number, page in enumerate(job.pages):
            if number:
                writer.newPage()
            paint_page(painter, page)
    finally:
        painter.end()
    return path


def _blank(width_mm: float, height_mm: float, dpi: int) -> QImage:
    width = max(1, round(width_mm / MM_PER_INCH * dpi))
    height = max(1, round(height_mm / MM_PER_INCH * dpi))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dpm = round(dpi / 0.0254)
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    return image


def _to_mono(image: QImage) -> QImage:
    flags = Qt.ImageConversionFlag.MonoOnly | Qt.ImageConversionFlag.ThresholdDither
    mono = image.convertToFormat(QImage.Format.Format_Mono, flags)
    mono.setDotsPerMeterX(image.dotsPerMeterX())
    mono.setDotsPerMeterY(image.dotsPerMeterY())
    return mono


def render_label_image(layout: LabelLayout, dpi: int) -> QImage:
    """One label as a 1-bit image at ``dpi`` (whole dots per module on roll stocks)."""
    ensure_gui_app()
    image = _blank(layout.width, layout.height, dpi)
    painter = QPainter(image)
    try:
        begin_mm(painter, dpi)
        paint_label(painter, layout)
    finally:
        painter.end()
    return _to_mono(image)


def render_page_image(
    page: LabelPage, dpi: int, *, outlines: bool = False, mono: bool = False
) -> QImage:
    """A whole page as an image (for checks and previews)."""
    ensure_gui_app()
    image = _blank(page.width, page.height, dpi)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not mono)
        begin_mm(painter, dpi)
        paint_page(painter, page, outlines=outlines)
    finally:
        painter.end()
    return _to_mono(image) if mono else image


def png_paths(job: LabelJob, out: Path) -> list[Path]:
    """Where :func:`write_pngs` puts each label: ``OUT`` for one label, else ``STEM-TAG.png``."""
    placed = job.labels
    if len(placed) == 1:
        return [out]
    seen: dict[str, int] = {}
    paths: list[Path] = []
    for item in placed:
        tag = item.layout.content.tag
        seen[tag] = seen.get(tag, 0) + 1
        suffix = f"-{seen[tag]}" if seen[tag] > 1 else ""
        paths.append(out.with_name(f"{out.stem}-{tag}{suffix}.png"))
    return paths


def write_pngs(job: LabelJob, out: Path) -> list[Path]:
    """One 1-bit PNG per label at the printer's dpi (600 dpi for sheet stocks)."""
    dpi = job.template.dpi or SHEET_PNG_DPI
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = png_paths(job, out)
    for placed, path in zip(job.labels, paths, strict=True):
        image = render_label_image(placed.layout, dpi)
        # PySide6 takes the format as str at run time; its stubs say bytes.
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
            raise GearroomError(f"Cannot write {path}; check the folder and its permissions.")
    return paths
