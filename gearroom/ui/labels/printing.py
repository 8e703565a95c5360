"""Printing labels on a desktop printer at actual size (the print dialog's QPrinter)."""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from gearroom.errors import GearroomError
from gearroom.render.gui import ensure_gui_app
from gearroom.render.labels import begin_mm, job_page_layout, paint_page
from gearroom.services.labels import LabelJob


def print_job(job: LabelJob, printer: QPrinter) -> None:
    """Print ``job`` at actual size on the full page (no scaling, no printer margins)."""
    ensure_gui_app()
    printer.setFullPage(True)
    printer.setPageLayout(job_page_layout(job.template))
    painter = QPainter()
    if not painter.begin(printer):
        raise GearroomError("The printer could not be opened; check that it is ready.")
    try:
        begin_mm(painter, printer.resolution())
        for number, page in enumerate(job.pages):
            if number:
                printer.newPage()
            paint_page(painter, page)
    finally:
        painter.end()
