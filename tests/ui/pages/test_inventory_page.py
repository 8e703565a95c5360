from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gearroom.models import AssetStatus
from gearroom.services import catalog
from gearroom.ui.dialogs.asset import AssetDialog
from gearroom.ui.pages.inventory import InventoryPage


@pytest.fixture
def page(qtbot, context, small_catalog):
    page = InventoryPage(context)
    context.changed.connect(page.data_changed)  # what the main window wires
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.activated()
    return page


def shown_tags(page):
    model = page.assets.model
    return [model.row_data(r).tag for r in range(model.rowCount())]


def select_tag(page, tag):
    row = shown_tags(page).index(tag)
    page.assets.table.selectRow(row)


def test_lists_assets_in_inventory_with_a_count(page, small_catalog):
    assert shown_tags(page) == ["CAM-0001", "CAM-0002", "LNS-0001", "LNS-0002"]
    assert page.assets.count.text() == "4 assets"


def test_search_as_you_type_filters_after_a_pause(qtbot, page):
    qtbot.keyClicks(page.assets.search, "vespid 75")
    # Nothing is searched while typing; the search runs once typing pauses.
    assert page.assets.model.rowCount() == 4
    qtbot.waitUntil(lambda: page.assets.model.rowCount() == 1, timeout=2000)
    assert shown_tags(page) == ["LNS-0002"]
    assert page.assets.count.text() == "1 asset"


def test_search_matches_make_model_and_serial(qtbot, page):
    for text, expected in (("arri", ["CAM-0001"]), ("ilme", ["CAM-0002"]), ("vsp-0", ["LNS-0001"])):
        page.assets.search.setText(text)
        qtbot.waitUntil(lambda e=expected: shown_tags(page) == e, timeout=2000)


def test_escape_clears_the_search(qtbot, page):
    page.assets.search.setText("fx6")
    page.assets.apply_query()
    assert shown_tags(page) == ["CAM-0002"]
    page.assets.search.setFocus()
    qtbot.keyClick(page.assets.search, Qt.Key.Key_Escape)
    assert page.assets.search.text() == ""
    assert len(shown_tags(page)) == 4


def test_category_status_and_location_filters(page):
    assets = page.assets
    assets.category.setCurrentIndex(assets.category.findText("Lens"))
    assert shown_tags(page) == ["LNS-0001", "LNS-0002"]
    assets.location.setCurrentIndex(assets.location.findText("Prep Bay 1"))
    assert shown_tags(page) == ["LNS-0001"]
    assets.category.setCurrentIndex(0)
    assets.location.setCurrentIndex(0)
    assets.status.setCurrentIndex(assets.status.findData(AssetStatus.IN_SERVICE.value))
    assert shown_tags(page) == ["CAM-0002"]
    assert page.assets.count.text() == "1 asset"


def test_retired_assets_show_only_when_asked(page, context, small_catalog):
    tag = small_catalog["vespid75"].tag
    context.perform(lambda s, a: catalog.retire_asset(s, a, tag, "sold"), "asset")
    page.refresh()
    assert tag not in shown_tags(page)
    page.assets.status.setCurrentIndex(page.assets.status.findData("everything"))
    assert tag in shown_tags(page)


def test_selecting_a_row_shows_details_fields_kit_and_history(page, context, small_catalog):
    alexa = small_catalog["alexa"]
    context.perform(
        lambda s, a: catalog.update_asset(s, a, alexa.tag, {"location": "Prep Bay 1"}), "asset"
    )
    page.refresh()
    select_tag(page, alexa.tag)
    detail = page.assets.detail
    assert detail.title.text() == "CAM-0001 · ARRI Alexa Mini LF"
    values = detail.values()
    assert values["Serial"] == "AML-2201"
    assert values["Location"] == "Prep Bay 1"
    assert values["Lens mount"] == "LPL"
    assert values["Sensor hours"] == "1200 h"
    assert values["Kit"] == "—"
    text = detail.history.toPlainText()
    assert "Location: Shelf A1 → Prep Bay 1" in text
    assert "tester" in text
    assert text.index("Edited") < text.index("Added")  # newest first

    select_tag(page, small_catalog["vespid"].tag)
    assert detail.values()["Kit"] == f"{small_catalog['kit'].tag} · Vespid lens case"
    assert detail.values()["Focal length"] == "50 mm"


def test_status_change_from_the_detail_panel_is_recorded(page, small_catalog):
    select_tag(page, small_catalog["fx6"].tag)
    page.assets.detail.status_actions[AssetStatus.AVAILABLE].trigger()
    assert page.assets.detail.details.asset.status is AssetStatus.AVAILABLE
    assert "Status: In service → Available" in page.assets.detail.history.toPlainText()


def test_scan_selects_the_asset_and_clears_filters_that_hide_it(page, small_catalog):
    page.assets.search.setText("vespid")
    page.assets.apply_query()
    assert page.handle_scan("  cam-0001\r\n")
    assert page.tabs.currentWidget() is page.assets
    assert page.assets.current_asset_id() == small_catalog["alexa"].id
    assert page.assets.search.text() == ""
    assert page.assets.detail.title.text().startswith("CAM-0001")
    assert "CAM-0001" in page.message.text()


def test_scan_of_an_unknown_tag_says_so_in_the_page(page):
    page.assets.table.selectRow(0)
    assert page.handle_scan("NOPE-9999")
    assert page.message.isVisible()
    assert "Unknown tag 'NOPE-9999'" in page.message.text()
    assert page.assets.current_asset_id() is not None  # the selection stays


def test_scan_of_a_kit_or_stock_tag_opens_its_tab(page, small_catalog):
    page.handle_scan(small_catalog["kit"].tag)
    assert page.tabs.currentWidget() is page.kits
    assert page.kits.current_id() == small_catalog["kit"].id
    assert "LNS-0001" in [
        page.kits.contents.topLevelItem(i).text(0)
        for i in range(page.kits.contents.topLevelItemCount())
    ]
    page.handle_scan(small_catalog["battery"].tag)
    assert page.tabs.currentWidget() is page.stock
    assert page.stock.quantity.text() == "12 pcs"


def test_enter_on_a_row_opens_the_edit_dialog(qtbot, page, small_catalog):
    select_tag(page, small_catalog["fx6"].tag)
    page.assets.table.setFocus()
    qtbot.keyClick(page.assets.table, Qt.Key.Key_Return)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, AssetDialog)]
    visible = [d for d in dialogs if d.isVisible()]
    assert len(visible) == 1
    assert visible[0].name.text() == "Sony FX6"
    visible[0].reject()


def test_a_saved_new_item_is_selected(qtbot, page):
    page.new_item()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, AssetDialog) and w.isVisible()
    )
    dialog.name.setText("Tilta Nucleus-M")
    dialog.category.setCurrentIndex(dialog.category.findText("Grip"))
    dialog.accept()
    assert page.assets.detail.title.text() == "GRP-0001 · Tilta Nucleus-M"
    assert "GRP-0001" in shown_tags(page)


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("Angénieux Optimo 24-290", "angenieux"),
        ("Angénieux Optimo 15-40", "ANGÉNIEUX"),
        ("Straßen-Kran STRASSE", "straße"),
        ("İstanbul Işık kiti", "istanbul"),
        ("Ærø Øresund", "oresund"),
        ("Φακός Αθήνα", "ΦΑΚΟΣ"),
        ("撮影用 ズーム", "ズーム"),
        ("عدسة القاهرة", "عَدَسَة"),
    ],
)
def test_search_as_you_type_forgives_case_and_accents(qtbot, page, add_asset, name, typed):
    tag = add_asset(name=name, category="Lens").tag
    page.refresh()
    if typed.isascii():
        qtbot.keyClicks(page.assets.search, typed)
    else:  # QTest types Latin-1 only; an input method delivers the rest as one text change
        page.assets.search.setText(typed)
    qtbot.waitUntil(lambda: shown_tags(page) == [tag], timeout=3000)
