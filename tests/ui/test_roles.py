"""The window shows each role only what it may do, and the services refuse the rest."""

from __future__ import annotations

import pytest

from gearroom.models import Role
from gearroom.services import operators, people
from gearroom.services.actor import Actor, PermissionDenied
from gearroom.ui.dialogs.import_wizard import ImportWizard
from gearroom.ui.dialogs.operators import OperatorDialog, PinDialog
from gearroom.ui.dialogs.settings import SettingsDialog
from gearroom.ui.dialogs.sign_in import BadgeSignInDialog, FirstAdminDialog, SignInDialog
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.inventory import InventoryPage

PIN = "482193"  # an admin PIN is at least 6 characters
ADMIN = Actor("robin", Role.ADMIN)
STAFF = Actor("kai", Role.STAFF)
ASSISTANT = Actor("ash", Role.ASSISTANT)
CATALOG_ACTIONS = ("new_item", "edit_item", "import")
ADMIN_ACTIONS = ("settings", "operators")
EVERYONE = ("find", "switch_operator", "sign_out", "quit")


@pytest.fixture
def staffed(context):
    def add(s, a):
        operators.create_operator(s, a, "robin", Role.ADMIN, PIN)
        people.add_person(s, ADMIN, "Kai Staff", badge="P-0777")
        people.add_person(s, ADMIN, "Ash Assistant", badge="P-0778")
        operators.create_operator(s, ADMIN, "kai", Role.STAFF, PIN, badge="P-0777")
        operators.create_operator(s, ADMIN, "ash", Role.ASSISTANT, PIN, badge="P-0778")

    context.perform(add, "operator")
    context.set_actor(ADMIN)
    return context


@pytest.fixture
def window(qtbot, staffed):
    win = MainWindow(staffed)
    qtbot.addWidget(win)
    win.show()
    return win


def shown(window, name):
    action = window.actions_by_name[name]
    return action.isVisible() and action.isEnabled()


def visible_pages(window):
    return [
        page.title for row, page in enumerate(window.pages) if not window.nav.item(row).isHidden()
    ]


def inventory(window):
    row, page = next((r, p) for r, p in enumerate(window.pages) if isinstance(p, InventoryPage))
    window.show_page(row)
    return page


def test_admin_sees_everything(window):
    for name in (*CATALOG_ACTIONS, *ADMIN_ACTIONS, *EVERYONE, "print_label", "export_catalog"):
        assert shown(window, name), name
    assert len(visible_pages(window)) == len(window.pages)


def test_assistant_sees_only_the_desk(window, staffed, small_catalog):
    staffed.set_actor(ASSISTANT)
    for name in (*CATALOG_ACTIONS, *ADMIN_ACTIONS, "print_label", "export_catalog"):
        assert not shown(window, name), name
    for name in EVERYONE:
        assert shown(window, name), name
    pages = visible_pages(window)
    assert "Check-out" in pages and "Check-in" in pages and "Inventory" in pages
    assert not {"Service", "Labels", "Reports"} & set(pages)
    page = inventory(window)
    assert page.assets.select_asset(small_catalog["alexa"].id)
    detail = page.assets.detail
    assert detail.details is not None
    for button in (page.assets.new_button, detail.edit_button, detail.retire_button):
        assert button.isHidden()
    # The page showing its buttons again (a new selection) does not bring them back.
    detail.edit_button.setVisible(True)
    assert detail.edit_button.isHidden()
    assert "Operator: ash (assistant)" in window.operator_label.text()


def test_staff_has_no_catalog_edits_operators_or_settings(window, staffed):
    staffed.set_actor(STAFF)
    for name in (*CATALOG_ACTIONS, *ADMIN_ACTIONS):
        assert not shown(window, name), name
    for name in ("print_label", "export_catalog", *EVERYONE):
        assert shown(window, name), name
    assert len(visible_pages(window)) == len(window.pages)
    assert inventory(window).assets.new_button.isHidden()
    staffed.set_actor(ADMIN)
    assert shown(window, "settings") and shown(window, "new_item")
    assert not inventory(window).assets.new_button.isHidden()


def test_a_page_the_new_role_cannot_see_is_left(window, staffed):
    reports = next(r for r, p in enumerate(window.pages) if p.title == "Reports")
    window.show_page(reports)
    staffed.set_actor(ASSISTANT)
    assert window.nav.currentItem() is not None
    assert not window.nav.currentItem().isHidden()
    assert window.current_page().title != "Reports"


def test_staff_cannot_reach_admin_actions_and_the_service_refuses_anyway(
    qtbot, window, staffed, event_count
):
    staffed.set_actor(STAFF)
    # Hidden and disabled: triggering them does nothing.
    for name in ADMIN_ACTIONS:
        window.actions_by_name[name].trigger()
    assert not window.findChildren(SettingsDialog)
    assert not [d for d in window.findChildren(OperatorDialog) if d.isVisible()]
    # A dialog reached anyway: its accept calls the service, which refuses with a message.
    events = event_count()
    dialog = OperatorDialog(staffed, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("mallory")
    dialog.role.setCurrentIndex(dialog.role.findData("admin"))
    dialog.pin.setText("5555")
    dialog.pin_again.setText("5555")
    dialog.accept()
    with pytest.raises(PermissionDenied) as refused:
        staffed.perform(
            lambda s, a: operators.create_operator(s, a, "mallory", Role.ADMIN, "5555"),
            "operator",
        )
    assert dialog.isVisible()
    assert dialog.banner_text() == str(refused.value)
    assert "kai (staff) may not manage operators" in dialog.banner_text()
    assert "mallory" not in [o.name for o in staffed.query(operators.list_operators)]
    assert event_count() == events


def test_scanning_another_operators_badge_asks_for_their_pin(qtbot, window, staffed):
    dashboard = next(r for r, p in enumerate(window.pages) if p.title == "Dashboard")
    window.show_page(dashboard)
    assert window.dispatch_scan("P-0778") is True
    dialog = window.controls.badge_dialog
    assert isinstance(dialog, BadgeSignInDialog) and dialog.isVisible()
    assert dialog.name == "ash"
    dialog.pin.setText("0000")
    dialog.accept()
    assert staffed.actor == ADMIN
    dialog.pin.setText(PIN)
    dialog.accept()
    assert staffed.actor == ASSISTANT
    assert not shown(window, "new_item")
    assert "Operator: ash (assistant)" in window.operator_label.text()
    # One's own badge, and a badge on the check-out page (the custodian), go to the page.
    assert window.controls.handle_badge("P-0778") is False
    checkout = next(r for r, p in enumerate(window.pages) if p.title == "Check-out")
    window.show_page(checkout)
    assert window.controls.handle_badge("P-0777") is False
    assert window.controls.handle_badge("CAM-0001") is False


def test_switch_and_sign_out(qtbot, window, staffed):
    switch = window.controls.switch_operator()
    assert isinstance(switch, SignInDialog)
    switch.choose("kai")
    switch.pin.setText(PIN)
    switch.accept()
    assert staffed.actor == STAFF
    out = window.controls.sign_out()
    assert {b.text() for b in out.buttons.buttons()} == {"Sign in", "Quit"}
    out.reject()
    assert not window.isVisible()


def test_switch_on_a_database_without_operators_creates_the_first_admin(qtbot, context):
    win = MainWindow(context)
    qtbot.addWidget(win)
    dialog = win.controls.switch_operator()
    assert isinstance(dialog, FirstAdminDialog)
    dialog.close()


def test_export_catalog_and_its_refusal(window, staffed, small_catalog, tmp_path, monkeypatch):
    result = window.controls.export_catalog_to(tmp_path / "catalog.xlsx")
    assert result is not None and (tmp_path / "catalog.xlsx").stat().st_size > 0
    assert result.counts["assets"] == 4
    warnings = []
    monkeypatch.setattr(window.controls, "warn", lambda title, text: warnings.append(text))
    staffed.set_actor(ASSISTANT)
    assert window.controls.export_catalog_to(tmp_path / "again.xlsx") is None
    assert "may not export the catalog" in warnings[0]
    assert not (tmp_path / "again.xlsx").exists()


def test_print_label_prints_the_selected_item(window, staffed, small_catalog, monkeypatch):
    printed = []
    from gearroom.ui.pages import labels as labels_page

    monkeypatch.setattr(
        labels_page,
        "print_label_for_tag",
        lambda context, tag, parent, **_options: printed.append(tag) or True,
    )
    page = inventory(window)
    assert window.controls.print_label() is False
    assert "Select an item" in window.statusBar().currentMessage()
    page.assets.select_asset(small_catalog["vespid"].id)
    window.actions_by_name["print_label"].trigger()
    page.tabs.setCurrentWidget(page.kits)
    page.kits.select_id(small_catalog["kit"].id)
    window.actions_by_name["print_label"].trigger()
    page.tabs.setCurrentWidget(page.stock)
    page.stock.select_id(small_catalog["battery"].id)
    window.controls.print_label()
    assert printed == [
        small_catalog["vespid"].tag,
        small_catalog["kit"].tag,
        small_catalog["battery"].tag,
    ]


def test_import_action_opens_the_wizard(qtbot, window):
    window.actions_by_name["import"].trigger()
    wizards = window.findChildren(ImportWizard)
    assert len(wizards) == 1 and wizards[0].isVisible()
    wizards[0].close()


def test_every_operator_can_change_their_own_pin_from_the_menu(qtbot, window, staffed):
    staffed.set_actor(Actor("ash", Role.ASSISTANT))
    assert shown(window, "change_pin")
    window.actions_by_name["change_pin"].trigger()
    dialog = window.findChild(PinDialog, "pinDialog")
    assert dialog is not None and dialog.operator_name == "ash"
    dialog.pin.setText("2468")
    dialog.pin_again.setText("2468")
    dialog.accept()
    result = staffed.perform(lambda s, _a: operators.sign_in(s, "ash", "2468"), "operator")
    assert result.actor == Actor("ash", Role.ASSISTANT)
