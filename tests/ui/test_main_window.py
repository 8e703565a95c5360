from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QApplication

from gearroom.services import catalog
from gearroom.ui.dialogs.asset import AssetDialog
from gearroom.ui.dialogs.settings import SettingsDialog, describe_database
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.dashboard import DashboardPage
from gearroom.ui.pages.inventory import InventoryPage
from gearroom.ui.pages.registry import page_factories
from gearroom.ui.widgets.actions import ACTIONS


class RecordingPage(Page):
    title = "Recorder"

    def __init__(self, context):
        super().__init__(context)
        self.scans = []
        self.refreshes = 0
        self.new_items = self.edits = self.finds = 0

    def handle_scan(self, text):
        self.scans.append(text)
        return True

    def refresh(self):
        self.refreshes += 1

    def new_item(self):
        self.new_items += 1

    def edit_item(self):
        self.edits += 1

    def focus_search(self):
        self.finds += 1


class DeafPage(Page):
    title = "Deaf"


def build(qtbot, context, factories=None):
    window = MainWindow(context, factories)
    qtbot.addWidget(window)
    window.show()
    return window


def test_builds_with_every_registered_page(qtbot, context):
    window = build(qtbot, context)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert len(window.pages) == len(page_factories()) == window.stack.count()
    assert titles == [
        "Dashboard",
        "Inventory",
        "Models",
        "Productions",
        "Check-out",
        "Check-in",
        "People",
        "Service",
        "Labels",
        "Clients",
        "Invoices",
        "Reports",
    ]
    assert isinstance(window.current_page(), DashboardPage)
    where = str(context.database.path or describe_database(context.database))
    assert window.database_label.text() == f"Database: {where}"
    assert window.operator_label.text() == "Operator: tester (admin)"


def test_a_server_database_is_shown_without_its_password():
    server = SimpleNamespace(path=None, url="postgresql+psycopg://gear:s3cret@db.local/gearroom")
    shown = describe_database(server)
    assert "s3cret" not in shown
    assert shown == "postgresql+psycopg://gear:***@db.local/gearroom"


def test_actions_come_from_the_registry_with_their_shortcuts(qtbot, context):
    window = build(qtbot, context, [RecordingPage])
    assert set(window.actions_by_name) == {spec.name for spec in ACTIONS}
    keys = {n: [k.toString() for k in a.shortcuts()] for n, a in window.actions_by_name.items()}
    assert keys["new_item"] == ["Ctrl+N"]
    assert keys["edit_item"] == ["Ctrl+E", "F2"]
    assert keys["find"] == ["Ctrl+F"]
    page = window.current_page()
    window.actions_by_name["new_item"].trigger()
    window.actions_by_name["edit_item"].trigger()
    window.actions_by_name["find"].trigger()
    assert (page.new_items, page.edits, page.finds) == (1, 1, 1)


def test_scans_go_to_the_open_page(qtbot, context):
    window = build(qtbot, context, [DeafPage, RecordingPage])
    assert window.dispatch_scan("CAM-0001") is False
    assert "does not take scans" in window.statusBar().currentMessage()
    window.show_page(1)
    assert window.dispatch_scan("CAM-0001") is True
    assert window.pages[1].scans == ["CAM-0001"]


def test_a_change_refreshes_the_open_page_and_the_others_when_shown(qtbot, context):
    window = build(qtbot, context, [RecordingPage, RecordingPage])
    first, second = window.pages
    assert (first.refreshes, second.refreshes) == (1, 0)
    context.perform(lambda s, a: catalog.create_location(s, a, "Truck 2"), "location")
    assert (first.refreshes, second.refreshes) == (2, 0)
    window.nav.setCurrentRow(1)
    assert second.refreshes == 1
    assert window.stack.currentWidget() is second


def test_inventory_scan_and_new_item_through_the_window(qtbot, context, small_catalog):
    window = build(qtbot, context)
    window.dispatch_scan("lns-0001")  # from the dashboard: opens the item in the inventory
    inventory = window.current_page()
    assert isinstance(inventory, InventoryPage)
    assert inventory.assets.current_asset_id() == small_catalog["vespid"].id
    window.actions_by_name["new_item"].trigger()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, AssetDialog)]
    assert any(d.isVisible() for d in dialogs)
    for d in dialogs:
        d.reject()
    window.actions_by_name["find"].trigger()
    assert inventory.assets.focusWidget() is inventory.assets.search


def test_settings_action_opens_the_settings(qtbot, context):
    window = build(qtbot, context, [RecordingPage])
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.house_name.setText("Northlight Rentals")
    dialog.accept()
    assert window.windowTitle() == "Gearroom — Northlight Rentals"
