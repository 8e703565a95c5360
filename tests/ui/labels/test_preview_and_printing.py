"""The labels on screen and on a printer decode to exactly their tags, each in its label."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter

from gearroom.paths import label_templates_dir
from gearroom.services import labels
from gearroom.ui.labels.preview import SheetPreview
from gearroom.ui.labels.printing import print_job
from tests.render.decode import decode, pdf_page_sizes_mm, render_pdf, to_pil
from tests.render.labels.test_output import HOUSE, LENS_SET, assert_each_tag_in_its_label


def test_printing_to_a_pdf_printer_is_at_actual_size(qapp, tmp_path: Path):
    job = labels.plan_job(
        LENS_SET[:2], labels.get_template("avery-l7160", label_templates_dir()), HOUSE, start=2
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_job(job, printer)
    assert pdf_page_sizes_mm(tmp_path / "printed.pdf") == [pytest.approx((210, 297), abs=0.2)]
    (page,) = render_pdf(tmp_path / "printed.pdf")
    assert_each_tag_in_its_label(job, decode(page, 300))


def test_the_preview_paints_the_same_labels(qtbot):
    job = labels.plan_job(
        LENS_SET[:4], labels.get_template("avery-l7163", label_templates_dir()), HOUSE, start=3
    )
    preview = SheetPreview()
    qtbot.addWidget(preview)
    preview.resize(1000, 1400)
    preview.set_job(job)
    image: QImage = preview.grab().toImage()
    area = preview.page_rect()
    px_per_mm = area.width() / 210
    found = decode(to_pil(image), px_per_mm * 25.4)
    assert sorted(f.text for f in found) == [c.tag for c in LENS_SET[:4]]
    for f in found:
        # Shift from widget to page coordinates.
        left = area.x() / px_per_mm
        top = area.y() / px_per_mm
        page_box = f.box.moved(-left, -top)
        owner = next(p for p in job.labels if p.layout.content.tag == f.text)
        assert owner.rect.contains(page_box)


def test_a_blank_preview_has_no_page():
    preview = SheetPreview()
    assert preview.page_count() == 0 and preview.page_rect().isEmpty()
