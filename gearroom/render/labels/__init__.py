"""Label output: the one painter routine and the PDF and PNGs that use it."""

from gearroom.render.gui import ensure_gui_app
from gearroom.render.labels.output import (
    job_page_layout,
    render_label_image,
    render_page_image,
    write_pdf,
    write_pngs,
)
from gearroom.render.labels.painter import begin_mm, paint_label, paint_page

__all__ = [
    "begin_mm",
    "ensure_gui_app",
    "job_page_layout",
    "paint_label",
    "paint_page",
    "render_label_image",
    "render_page_image",
    "write_pdf",
    "write_pngs",
]
