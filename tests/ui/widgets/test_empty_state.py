"""An empty house says what to do next on every page, and the hints go once there is data."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    clients,
    invoicing,
    people,
    productions,
    quotes,
    rates,
    reservations,
    returns,
)
from gearroom.services.actor import Actor, Role
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.dialogs.client import ClientDialog
from gearroom.ui.dialogs.import_wizard import ImportWizard
from gearroom.ui.dialogs.person import PersonDialog
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.checkout import CheckoutPage
from gearroom.ui.pages.dashboard import DashboardPage
from gearroom.ui.pages.inventory import InventoryPage
from gearroom.ui.pages.productions import ProductionsPage
from gearroom.ui.widgets.empty_state import EmptyState
from tests.ui.pages.desk_data import build_desk

SHOTS = Path(os.environ.get("GEARROOM_SHOTS", "")) if os.environ.get("GEARROOM_SHOTS") else None


def _window(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    return window


def _states(page):
    return list(page.findChildren(EmptyState))


def test_every_page_with_a_table_says_what_to_do_next(qtbot, context):
    window = _window(qtbot, context)
    for kind in (DashboardPage, InventoryPage, ProductionsPage, CheckoutPage):
        page = next(p for p in window.pages if isinstance(p, kind))
        window.stack.setCurrentWidget(page)
        page.activated()
        qtbot.waitUntil(lambda p=page: any(s.isVisible() for s in _states(p)), timeout=3000)
        state = next(s for s in _states(page) if s.isVisible())
        assert state.text.text(), kind.__name__
        if SHOTS:
            window.grab().save(str(SHOTS / f"empty-{kind.__name__}.png"))


def test_the_hint_goes_when_gear_arrives_and_stays_away_while_searching(qtbot, context, add_asset):
    page = InventoryPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    page.activated()
    state = next(s for s in _states(page) if s.view is page.assets.table)
    qtbot.waitUntil(state.isVisible, timeout=3000)
    assert [b.text() for b in state.buttons] == ["Import a spreadsheet…", "Add an item…"]
    page.assets.search.setText("nothing like this")
    page.assets.apply_query()
    assert not state.isVisible()
    page.assets.search.setText("")
    page.assets.apply_query()
    qtbot.waitUntil(state.isVisible, timeout=3000)
    add_asset(name="Sony FX6")
    page.refresh()
    qtbot.waitUntil(lambda: not state.isVisible(), timeout=3000)


def test_the_import_button_opens_the_import_wizard(qtbot, context, monkeypatch):
    opened = []
    monkeypatch.setattr(ImportWizard, "open", lambda self: opened.append(self))
    window = _window(qtbot, context)
    page = next(p for p in window.pages if isinstance(p, InventoryPage))
    window.stack.setCurrentWidget(page)
    page.activated()
    button = page.findChild(QPushButton, "emptyState_import")
    qtbot.waitUntil(button.isVisible, timeout=3000)
    button.click()
    QApplication.processEvents()
    assert len(opened) == 1


# --------------------------------------------------------------------------- the other pages


def _open(qtbot, window, page_id):
    assert window.go_to_page(page_id)
    page = window.current_page()
    assert page is not None and page.page_id == page_id
    return page


def _shown(page):
    return [s for s in _states(page) if s.isVisible()]


def _send_out(context, desk, tags):
    def go(s, a):
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        for tag in tags:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        return checkout.commit_checkout(s, a, cart)

    context.perform(go, "checkout")


@pytest.mark.parametrize(
    ("page_id", "target"),
    [
        ("checkin", "checkout"),
        ("service", "checkin"),
        ("labels", "inventory"),
        ("invoices", "productions"),
    ],
)
def test_an_empty_page_says_what_to_do_and_its_button_goes_there(qtbot, context, page_id, target):
    window = _window(qtbot, context)
    page = _open(qtbot, window, page_id)
    qtbot.waitUntil(lambda: bool(_shown(page)), timeout=3000)
    button = page.findChild(QPushButton, f"emptyState_go_{target}")
    assert button is not None and button.isVisible()
    state = next(s for s in _shown(page) if button in s.buttons)
    assert state.title.text() and state.text.text()
    if SHOTS:
        window.grab().save(str(SHOTS / f"empty-{page_id}.png"))
    button.click()
    current = window.current_page()
    assert current is not None and current.page_id == target
    assert window.nav.currentRow() == window.pages.index(current)


def test_a_page_the_role_cannot_see_is_not_opened(qtbot, context):
    window = _window(qtbot, context)
    context.set_actor(Actor("ana", Role.ASSISTANT))
    start = window.current_page()
    assert not window.go_to_page("reports")
    assert window.current_page() is start
    assert "not open to your role" in window.statusBar().currentMessage()


def test_check_in_says_nothing_is_out_until_gear_goes_out(qtbot, context):
    window = _window(qtbot, context)
    page = _open(qtbot, window, "checkin")
    assert page.nothing_out.isVisible() and not page.scan_hint.isVisible()
    assert "Check-out page" in page.nothing_out.text.text()
    desk = build_desk(context, loose_items=3, kit_items=1)
    _send_out(context, desk, list(desk.loose))  # announced: the shown page reads again
    assert page.out_count == 3
    assert not page.nothing_out.isVisible()
    assert page.scan_hint.isVisible()
    assert "3 lines out now" in page.scan_hint.text.text()
    page.handle_scan(desk.loose[0])
    assert page.still_out.records_model.rowCount() == 2
    assert not _shown(page)


def test_service_hints_go_when_a_ticket_is_opened_and_gear_goes_missing(qtbot, context):
    window = _window(qtbot, context)
    page = _open(qtbot, window, "service")
    titles = sorted(s.title.text() for s in _shown(page))
    assert titles == ["<b>No open tickets</b>", "<b>Nothing is missing</b>"]
    desk = build_desk(context, loose_items=3, kit_items=1)
    page.handle_scan(desk.loose[0])
    page.new_note.setText("Collimation")
    assert page.open_ticket()
    _send_out(context, desk, [desk.loose[1]])
    context.perform(
        lambda s, a: returns.checkin(s, a, [desk.loose[1]], condition="missing", note="gone"),
        "checkin",
    )
    assert page.missing.records_model.rowCount() == 1
    assert not _shown(page)


def test_labels_hint_goes_when_gear_arrives_and_stays_away_while_searching(
    qtbot, context, add_asset
):
    window = _window(qtbot, context)
    page = _open(qtbot, window, "labels")
    assert page.no_gear.isVisible()
    page.search_edit.setText("nothing like this")
    assert not page.no_gear.isVisible()
    page.search_edit.setText("")
    assert page.no_gear.isVisible()
    add_asset(name="Sony FX6")
    assert page.results.count() == 1
    assert not page.no_gear.isVisible()


def test_reports_offer_to_build_then_say_there_is_no_gear_then_show_the_report(
    qtbot, context, add_asset
):
    window = _window(qtbot, context)
    page = _open(qtbot, window, "reports")
    assert page.empty.isVisible()
    visible = [b.text() for b in page.empty.buttons if b.isVisible()]
    assert visible == ["Build report"]
    page.findChild(QPushButton, "emptyState_build_report").click()
    assert page.report is not None
    assert page.empty.isVisible()
    assert "no gear yet" in page.empty.text.text()
    assert page.empty.autoFillBackground()  # the empty report beneath does not show through
    visible = [b.text() for b in page.empty.buttons if b.isVisible()]
    assert visible == ["Go to Inventory", "Import a spreadsheet…"]
    if SHOTS:
        window.grab().save(str(SHOTS / "empty-reports-built.png"))
    add_asset(name="Sony FX6")
    page.build()
    assert page.report is not None and page.report.items
    assert not page.empty.isVisible()


def test_models_people_and_clients_say_how_to_add_the_first_one(qtbot, context, monkeypatch):
    people_opened, clients_opened = [], []
    monkeypatch.setattr(PersonDialog, "exec", lambda self: people_opened.append(self) or 0)
    monkeypatch.setattr(ClientDialog, "open", lambda self: clients_opened.append(self))
    window = _window(qtbot, context)
    for page_id in ("models", "people", "clients"):
        page = _open(qtbot, window, page_id)
        assert len(_shown(page)) == 1, page_id
        if SHOTS:
            window.grab().save(str(SHOTS / f"empty-{page_id}.png"))
    window.page("people").findChild(QPushButton, "emptyState_new_person").click()
    window.page("clients").findChild(QPushButton, "emptyState_new_client").click()
    assert len(people_opened) == 1 and len(clients_opened) == 1

    def fill(s, a):
        catalog.create_asset(
            s, a, AssetDraft(name="Alexa Mini LF", category="Camera", make="ARRI", model="LF")
        )
        people.add_person(s, a, "Ana Ribeiro", role="crew")
        clients.add_client(s, a, "Northlight Films")

    context.perform(fill, ["asset", "person", "client"])
    for page_id in ("models", "people", "clients"):
        page = _open(qtbot, window, page_id)
        assert not _shown(page), page_id
    people_page = window.page("people")
    people_page.search.setText("nobody by that name")
    assert people_page.list.records_model.rowCount() == 0
    assert not _shown(people_page)


def test_invoices_hint_goes_once_there_is_an_invoice(qtbot, context):
    window = _window(qtbot, context)
    page = _open(qtbot, window, "invoices")
    assert len(_shown(page)) == 1
    page.show_state("overdue")
    assert not _shown(page)  # "no overdue invoices" is not an empty house
    page.show_state("all")

    def invoiced(s, a):
        tag = catalog.create_asset(s, a, AssetDraft(name="Camera", category="Camera")).tag
        rates.set_rate(s, a, tag=tag, day="100")
        productions.create_production(s, a, "Job", days=[ShootDayDraft(date.today())])
        reservations.reserve(s, a, "Job", [tag])
        quote = quotes.build_quote(s, a, "Job")
        quotes.accept_quote(s, a, quote.number)
        return invoicing.draft_invoice(s, a, "Job").number

    context.perform(invoiced, "invoice")
    assert page.list.records_model.rowCount() == 1
    assert not _shown(page)
