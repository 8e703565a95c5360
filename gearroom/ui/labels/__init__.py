"""Label output: the one painter routine and the PDF, PNG, printer and preview that use it."""

from gearroom.ui.labels.output import (
    job_page_layout,
    print_job,
    render_label_image,
    render_page_image,
    write_pdf,
    write_pngs,
)
from gearroom.ui.labels.painter import ensure_gui_app, paint_label, paint_page

__all__ = [
    "ensure_gui_app",
    "job_page_layout",
    "paint_label",
    "paint_page",
    "print_job",
    "render_label_image",
    "render_page_image",
    "write_pdf",
    "write_pngs",
]
