from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from gearroom.config import file_places
from gearroom.services import asset_search, catalog, history, people
from gearroom.services.changes import ChangeKind
from gearroom.services.importer import MappingStore
from gearroom.ui.dialogs.import_wizard import ImportWizard, open_import_wizard

MESSY = Path(__file__).resolve().parents[2] / "data" / "import" / "snipe-it-export-messy.csv"


@pytest.fixture
def wizard(qtbot, context):
    w = ImportWizard(context)
    w.synchronous = True
    qtbot.addWidget(w)
    w.show()
    return w


def _choose(wizard, path, kind="assets", preset=""):
    page = wizard.file_page
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.path.setText(str(path))
    page.preset.setCurrentIndex(page.preset.findData(preset))


def _assets(context):
    return context.query(lambda s: [r.tag for r in asset_search.list_assets(s)])


def _import_button(wizard):
    return wizard.button(QWizard.WizardButton.CommitButton)


def test_messy_snipe_it_file_shows_every_problem_and_cannot_be_imported(wizard, context):
    _choose(wizard, MESSY, preset="snipe-it")
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert "windows-1252, separator semicolon" in wizard.mapping_page.source.text()
    assert wizard.mapping_page.mapping()["Purchased"] == "purchase_date"
    wizard.next()
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    assert [line for line, _ in preview.problem_rows()] == [7, 8, 9, 10, 13]
    problems = dict(preview.problem_rows())
    assert "Asset Name: Name is required." in problems[7]
    assert "Purchased: '13/45/2020' is not a date" in problems[7]
    assert "Category: There is no category 'Teleprompter'" in problems[10]
    assert not preview.isComplete() and not _import_button(wizard).isEnabled()
    assert not preview.banner.isHidden() and "5 row(s) have problems" in preview.banner.text()
    preview.only_problems.setChecked(True)
    shown = [i for i in range(preview.table.rowCount()) if not preview.table.isRowHidden(i)]
    assert len(shown) == 5
    assert _assets(context) == []


def test_fixing_the_mapping_and_options_then_importing(wizard, context, tmp_path, event_count):
    src = tmp_path / "gear.csv"
    src.write_text(
        "Bezeichnung;Gruppe;Seriennr;Gekauft\n"
        "Sony FX6;Camera;5012245;05.03.2021\n"
        "Autoscript EPIC;Teleprompter;AS-1;01.02.2020\n",
        encoding="cp1252",
    )
    changed = []
    context.changed.connect(changed.append)
    _choose(wizard, src)
    wizard.next()
    mapping_page = wizard.mapping_page
    assert set(mapping_page.mapping().values()) == {""}
    wizard.next()  # nothing mapped: refused with the reason
    assert wizard.currentPage() is mapping_page
    assert "No column is mapped to Name, Category" in mapping_page.banner.text()
    mapping_page.set_field("Bezeichnung", "name")
    mapping_page.set_field("Gruppe", "category")
    mapping_page.set_field("Seriennr", "serial")
    mapping_page.set_field("Gekauft", "purchase_date")
    mapping_page.create_categories.setChecked(True)
    mapping_page.date_order.setCurrentIndex(mapping_page.date_order.findData("dmy"))
    before = event_count()
    wizard.next()
    preview = wizard.preview_page
    assert preview.report is not None and preview.report.ok
    assert "new categories: Teleprompter (TEL)" in preview.summary.text()
    assert event_count() == before  # the dry run wrote nothing
    assert _import_button(wizard).isEnabled()
    wizard.next()
    result = wizard.result_page
    assert wizard.currentPage() is result and result.done
    assert "2 created" in result.message.text()
    assert [c.kinds for c in changed] == [{ChangeKind.ASSET}]
    fx6 = context.query(lambda s: catalog.get_asset(s, "CAM-0001"))
    assert (fx6.serial, fx6.purchase_date.isoformat()) == ("5012245", "2021-03-05")
    with context.read() as s:
        assert [e.action for e in history.events_for_tag(s, "TEL-0001")] == ["create"]
        assert history.verify_chain(s).ok


def test_a_field_goes_to_one_column_and_the_mapping_is_remembered(qtbot, context, tmp_path):
    src = tmp_path / "list.csv"
    src.write_text("Item,Kind,Nr\nFX6,Camera,1\n", encoding="utf-8")
    first = ImportWizard(context)
    first.synchronous = True
    qtbot.addWidget(first)
    first.show()
    _choose(first, src)
    first.next()
    page = first.mapping_page
    page.set_field("Kind", "category")
    page.set_field("Nr", "name")
    assert page.mapping() == {"Item": "", "Kind": "category", "Nr": "name"}  # Item freed
    page.set_field("Item", "name")
    page.set_field("Nr", "serial")
    first.next()
    assert first.currentPage() is first.preview_page
    again = ImportWizard(context)
    qtbot.addWidget(again)
    again.show()
    _choose(again, src)
    again.next()
    assert again.mapping_page.mapping() == {"Item": "name", "Kind": "category", "Nr": "serial"}
    assert MappingStore(file_places().import_mappings).path.exists()


def test_unreadable_file_is_reported_on_the_first_page(wizard, tmp_path):
    _choose(wizard, tmp_path / "missing.csv")
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "Cannot read" in wizard.file_page.banner.text()
    assert not wizard.file_page.banner.isHidden()


def test_dry_run_runs_in_the_background(qtbot, context, tmp_path):
    src = tmp_path / "people.csv"
    src.write_text("Name,Role\nAna,crew\nBo,client\n", encoding="utf-8")
    wizard = open_import_wizard(context, None)
    qtbot.addWidget(wizard)
    assert wizard.isVisible() and not wizard.synchronous
    _choose(wizard, src, kind="people")
    wizard.next()
    with qtbot.waitSignal(wizard.preview_page.finished, timeout=10_000):
        wizard.next()
    assert wizard.preview_page.report is not None
    assert [r.action for r in wizard.preview_page.report.rows] == ["create", "create"]
    with qtbot.waitSignal(wizard.result_page.finished, timeout=10_000):
        wizard.next()
    names = context.query(lambda s: sorted(p.name for p in people.list_people(s)))
    assert names == ["Ana", "Bo"]


SNIPE = MESSY.parent / "snipe-it-assets.csv"


def test_the_files_statuses_and_custody_are_chosen_on_the_mapping_page(wizard, context, tmp_path):
    src = tmp_path / "own.csv"
    src.write_text(
        "Name,Category,Status,Checked Out To\n"
        "Sony FX6,Camera,Ready to Deploy,\n"
        "Alexa 35,Camera,Kaputt,\n"
        "Venice 2,Camera,Deployed,Zoé Lefèvre\n",
        encoding="utf-8",
    )
    _choose(wizard, src, preset="snipe-it")
    wizard.next()
    choices = wizard.mapping_page.choices
    assert set(choices.combos) == {"Ready to Deploy", "Kaputt", "Deployed"}
    assert choices.combos["Ready to Deploy"].currentData() == "available"  # the preset's label
    assert choices.combos["Kaputt"].currentData() == ""  # the file's own: to be chosen
    assert choices.custody_box.isVisibleTo(wizard)
    wizard.resize(920, 860)
    shots = os.environ.get("GEARROOM_SHOTS")
    if shots:
        wizard.grab().save(str(Path(shots) / "import-wizard-mapping.png"))
    wizard.next()
    problems = dict(wizard.preview_page.problem_rows())
    assert "mapping page" in problems[3]
    wizard.back()
    choices.choose("Kaputt", "in_service")
    choices.custody_checkout.setChecked(True)
    wizard.next()
    assert wizard.preview_page.problem_rows() == []
    wizard.next()  # import
    statuses = context.query(
        lambda s: {a.name: a.status.value for a in asset_search.list_assets(s)}
    )
    assert statuses == {"Sony FX6": "available", "Alexa 35": "in_service", "Venice 2": "out"}
    assert [p.name for p in context.query(people.list_people)] == ["Zoé Lefèvre"]
