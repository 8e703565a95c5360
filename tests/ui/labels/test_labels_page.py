"""The Labels page: picking items, stock and options; live preview; PDF; the one-item print."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from gearroom.paths import label_templates_dir
from gearroom.services import kits, labels
from gearroom.ui.pages.labels import LabelsPage, print_label_for_tag
from tests.render.decode import decode, render_pdf

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def page(qtbot, context, small_catalog):
    page = LabelsPage(context)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.refresh()
    return page


def queue_tags(page):
    return [c.tag for c in page.contents]


def choose_template(page, name):
    page.template_combo.setCurrentIndex(page.template_combo.findData(name))


def test_search_results_are_added_to_the_queue(page):
    page.search_edit.setText("vespid")
    assert page.results.count() >= 1
    page.results.item(0).setSelected(True)
    page.add_selected()
    assert queue_tags(page) == [page.results.item(0).data(256)]
    assert page.job is not None and len(page.job.labels) == 1


def test_scans_add_tags_and_unknown_scans_say_so(page):
    assert page.handle_scan("cam-0001\n")
    assert queue_tags(page) == ["CAM-0001"]
    assert page.handle_scan("NOPE-9999")
    assert queue_tags(page) == ["CAM-0001"]
    assert "Unknown tag" in page.message.text()


def test_a_kit_adds_its_case_and_contents(page, context):
    tag = page.kit_combo.currentData()
    assert tag
    kit = context.query(lambda s: kits.get_kit(s, tag))
    page.add_kit()
    assert queue_tags(page)[0] == kit.tag
    assert set(queue_tags(page)[1:]) >= {m.tag for m in kit.all_assets()}


def test_a_category_and_gear_added_since_a_date(page):
    page.category_combo.setCurrentText("Lens")
    page.add_category()
    lenses = queue_tags(page)
    assert lenses and all(t.startswith("LNS-") for t in lenses)
    page.clear()
    today = date.today()
    page.since_edit.setDate(QDate(today.year, today.month, today.day))
    page.add_since()
    assert set(lenses) <= set(queue_tags(page))


def test_removing_from_the_queue_updates_the_preview(page):
    for tag in ("CAM-0001", "CAM-0002", "LNS-0001"):
        page.handle_scan(tag)
    page.queue.item(1).setSelected(True)
    page.remove_selected()
    assert queue_tags(page) == ["CAM-0001", "LNS-0001"]
    assert [p.layout.content.tag for p in page.preview.job.labels] == ["CAM-0001", "LNS-0001"]


def test_template_start_offset_and_options_drive_the_preview(page):
    page.handle_scan("CAM-0001")
    choose_template(page, "avery-l7651")
    page.start_spin.setValue(7)
    page.offset_x.setValue(0.5)
    page.offset_y.setValue(-0.3)
    page.option_boxes["compact"].setChecked(True)
    job = page.preview.job
    assert job.template.name == "avery-l7651"
    cell = labels.get_template("avery-l7651", label_templates_dir()).label_rects(0.5, -0.3)[6]
    assert job.labels[0].rect == cell
    assert [line.text for line in job.labels[0].layout.lines] == ["CAM-0001"]
    assert page.start_spin.maximum() == 65


def test_start_and_offset_are_remembered_between_runs(page, context, qtbot):
    choose_template(page, "avery-l7160")
    page.start_spin.setValue(4)
    page.offset_x.setValue(1.2)
    again = LabelsPage(context)
    qtbot.addWidget(again)
    assert again.template_combo.currentData() == "avery-l7160"
    assert again.start_spin.value() == 4
    assert again.offset_x.value() == pytest.approx(1.2)
    # Each template keeps its own.
    choose_template(again, "avery-l7163")
    assert again.start_spin.value() == 1


def test_pages_of_the_preview_can_be_turned(page):
    choose_template(page, "brother-dk22205")
    for tag in ("CAM-0001", "CAM-0002"):
        page.handle_scan(tag)
    assert page.page_label.text() == "Page 1 of 2"
    page.next_btn.click()
    assert page.preview.page_index == 1 and page.page_label.text() == "Page 2 of 2"


def test_save_pdf_writes_labels_that_decode(page, tmp_path: Path):
    choose_template(page, "avery-l7163")
    page.start_spin.setValue(3)
    for tag in ("CAM-0001", "LNS-0001"):
        page.handle_scan(tag)
    written = page.save_pdf(tmp_path / "page.pdf")
    assert written is not None
    (image,) = render_pdf(written)
    found = decode(image, 300)
    assert sorted(f.text for f in found) == ["CAM-0001", "LNS-0001"]
    cells = labels.get_template("avery-l7163", label_templates_dir()).label_rects()
    assert any(cells[2].contains(f.box) for f in found)


def test_nothing_to_print_is_said(page, tmp_path: Path):
    assert page.save_pdf(tmp_path / "empty.pdf") is None
    assert not (tmp_path / "empty.pdf").exists()
    assert not page.print_btn.isEnabled()


def test_print_label_for_tag_prints_one_item_at_the_remembered_place(
    context, small_catalog, tmp_path
):
    labels.save_label_settings(
        labels.LabelSettings().with_template("avery-l7163", labels.TemplateSettings(4, 0, 0)),
        context.places.label_settings,
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "one.pdf"))
    assert print_label_for_tag(context, "lns-0001", None, printer)
    (image,) = render_pdf(tmp_path / "one.pdf")
    (found,) = decode(image, 300)
    assert found.text == "LNS-0001"
    assert (
        labels.get_template("avery-l7163", label_templates_dir())
        .label_rects()[3]
        .contains(found.box)
    )
