"""The check-out page: production, badge, items by scan; kit checklists; refusals; commit."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from desk_data import Desk, build_desk
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from gearroom.models import AssetStatus, Checkout, CheckoutLine
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    checkout_out,
    reservations,
    service_tickets,
)
from gearroom.ui.context import AppContext
from gearroom.ui.feedback import Verdict
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.checkout import CheckoutPage
from gearroom.ui.pages.dashboard import DashboardPage
from gearroom.ui.pages.inventory import InventoryPage


@pytest.fixture
def desk(context: AppContext) -> Desk:
    return build_desk(context, loose_items=6, kit_items=3)


@pytest.fixture
def page(qtbot, context: AppContext, desk: Desk) -> CheckoutPage:
    page = CheckoutPage(context)
    qtbot.addWidget(page)
    page.refresh()
    return page


def _ready(page: CheckoutPage, desk: Desk) -> None:
    page.handle_scan(desk.production)
    page.handle_scan(desk.badge.lower())


def test_production_then_badge_then_items(page: CheckoutPage, desk: Desk) -> None:
    page.handle_scan(desk.production)
    assert page.feedback.verdict is Verdict.OK
    assert desk.production_name in page.feedback.message
    assert page.due.date().toPython() == desk.return_day
    assert page.production.currentData() == desk.production
    page.handle_scan(desk.badge)
    assert page.feedback.message == f"Signed for by {desk.custodian}."
    assert page.custodian.currentData() == desk.badge
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.OK
    assert page.table.cart_model.tags() == [desk.loose[0]]
    assert page.feedback.sound.last_played is Verdict.OK


def test_items_need_the_production_first(page: CheckoutPage, desk: Desk) -> None:
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.REFUSED
    assert "production" in page.feedback.message
    assert page.cart.lines == ()


def test_refusals_say_why_and_leave_the_cart(page: CheckoutPage, context, desk: Desk) -> None:
    _ready(page, desk)
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.NOTICE
    assert page.feedback.message == f"{desk.loose[0]} is in the cart already."
    page.handle_scan("NOPE-0001")
    assert page.feedback.verdict is Verdict.REFUSED
    assert page.feedback.message == "Unknown tag 'NOPE-0001'."
    context.perform(lambda s, a: reservations.reserve(s, a, desk.other, [desk.loose[1]]), "r")
    page.handle_scan(desk.loose[1])
    assert page.feedback.verdict is Verdict.REFUSED
    assert f"{desk.loose[1]} is reserved for Salt Flats" in page.feedback.message
    context.perform(
        lambda s, a: service_tickets.open_ticket(s, a, desk.loose[2], "Back focus"), "service"
    )
    page.handle_scan(desk.loose[2])
    assert page.feedback.verdict is Verdict.REFUSED
    assert "is in service" in page.feedback.message
    assert page.table.cart_model.tags() == [desk.loose[0]]


def test_a_kit_brings_its_checklist(page: CheckoutPage, desk: Desk) -> None:
    _ready(page, desk)
    page.handle_scan(desk.kit)
    assert page.feedback.verdict is Verdict.NOTICE  # members still to scan
    assert "3 still to scan" in page.feedback.message
    assert page.checklist.isVisibleTo(page)
    assert page.checklist.entry_states(desk.kit) == {t: False for t in desk.kit_members}
    page.handle_scan(desk.kit_members[0])
    states = page.checklist.entry_states(desk.kit)
    assert states[desk.kit_members[0]] is True
    assert [t for t, ok in states.items() if not ok] == list(desk.kit_members[1:])
    assert "2 kit member(s) not scanned" in page.summary.text()


def test_stock_quantity_in_a_spin_box(page: CheckoutPage, desk: Desk) -> None:
    _ready(page, desk)
    page.handle_scan(desk.battery)
    box = page.table.quantity_editor(desk.battery)
    assert box is not None and box.value() == 1
    box.setValue(6)
    assert page.cart.line(desk.battery).quantity == 6
    assert "6 stock piece(s)" in page.summary.text()


def test_due_back_is_editable(page: CheckoutPage, desk: Desk) -> None:
    _ready(page, desk)
    page.due.setDate(page.due.date().addDays(2))
    assert page.cart.due_back == date.fromordinal(desk.return_day.toordinal() + 2)


def test_commit_writes_everything_and_prints_the_sheet(
    page: CheckoutPage, context, desk: Desk, tmp_path: Path
) -> None:
    _ready(page, desk)
    for tag in desk.loose[:3]:
        page.handle_scan(tag)
    page.handle_scan(desk.battery)
    page.table.quantity_editor(desk.battery).setValue(4)
    checkout_id = page.commit()
    assert checkout_id is not None
    assert page.cart.lines == ()
    sheet = context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id))
    assert {ln.tag: ln.quantity for ln in sheet.lines} == {
        **{t: 1 for t in desk.loose[:3]},
        desk.battery: 4,
    }
    assert sheet.custodian == desk.custodian
    status = context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status)
    assert status is AssetStatus.OUT
    assert page.print_button.isEnabled()
    path = page.print_sheet(tmp_path / "out.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    assert desk.custodian in text and desk.loose[0] in text and "ZSP-000" in text


def test_a_failed_commit_keeps_the_cart(page: CheckoutPage, context, desk: Desk) -> None:
    _ready(page, desk)
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.loose[1])
    page.handle_scan(desk.battery)
    page.table.quantity_editor(desk.battery).setValue(3)
    before = page.cart
    # Meanwhile another workstation sends one of them out.
    context.perform(lambda s, a: _send_out(s, a, desk), "checkout")
    assert page.commit() is None
    assert page.feedback.verdict is Verdict.REFUSED
    assert f"{desk.loose[1]} is already out" in page.feedback.message
    assert page.cart == before
    assert page.table.cart_model.tags() == [desk.loose[0], desk.loose[1], desk.battery]
    count = context.query(lambda s: s.scalar(select(func.count()).select_from(Checkout)))
    assert count == 1  # only the other workstation's
    lines = context.query(lambda s: s.scalar(select(func.count()).select_from(CheckoutLine)))
    assert lines == 1


def _send_out(s, a, desk: Desk):  # type: ignore[no-untyped-def]
    cart = checkout_cart.new_cart(s, desk.other, desk.badge)
    cart = checkout_cart.scan_into_cart(s, cart, desk.loose[1]).cart
    return checkout.commit_checkout(s, a, cart)


def test_the_scan_field_takes_typed_tags(qtbot, page: CheckoutPage, desk: Desk) -> None:
    _ready(page, desk)
    page.scan.setText(desk.loose[0].lower())
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert page.table.cart_model.tags() == [desk.loose[0]]
    assert page.scan.text() == ""


def test_a_scan_at_scanner_speed_reaches_the_cart_from_any_widget(
    qtbot, context: AppContext, desk: Desk
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    row = next(i for i, p in enumerate(window.pages) if isinstance(p, CheckoutPage))
    window.show_page(row)
    page = window.pages[row]
    assert isinstance(page, CheckoutPage)
    page.handle_scan(desk.production)
    page.handle_scan(desk.badge)
    # The focus is in the due-back date field, not in the scan field.
    other = page.due
    window.activateWindow()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    before = other.date()
    qtbot.keyClicks(other, desk.loose[0])
    qtbot.keyClick(other, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.table.cart_model.rowCount() == 1)
    assert page.table.cart_model.tags() == [desk.loose[0]]
    assert other.date() == before  # the burst did not land in the date field


def test_dashboard_rows_open_their_item_in_the_inventory(
    qtbot, context: AppContext, desk: Desk
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    dashboard = window.current_page()
    assert isinstance(dashboard, DashboardPage)
    asset = context.query(lambda s: catalog.get_asset(s, desk.loose[3]))
    dashboard.open_item.emit("asset", asset.id)
    inventory = window.current_page()
    assert isinstance(inventory, InventoryPage)
    assert inventory.assets.current_asset_id() == asset.id


def _answer(button_text: str, seen: list[str]) -> None:
    """Press ``button_text`` in the next message box, once it is open (its text into ``seen``)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


def _checkouts(context: AppContext) -> int:
    return int(context.query(lambda s: s.scalar(select(func.count()).select_from(Checkout))))


def test_a_partial_kit_goes_out_only_after_a_confirmation_naming_the_missing(
    page: CheckoutPage, context, desk: Desk, tmp_path: Path
) -> None:
    _ready(page, desk)
    page.handle_scan(desk.kit)
    page.handle_scan(desk.kit_members[0])
    seen: list[str] = []
    _answer("Cancel", seen)
    assert page.commit() is None
    assert all(tag in seen[0] for tag in desk.kit_members[1:])
    assert desk.kit_members[0] not in seen[0]
    assert _checkouts(context) == 0
    assert page.cart.line(desk.kit_members[0]) is not None  # the cart is as it was
    _answer("Check out without them", seen)
    checkout_id = page.commit()
    assert checkout_id is not None
    sheet = context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id))
    assert [m.tag for m in sheet.not_taken] == list(desk.kit_members[1:])
    assert {m.kit_tag for m in sheet.not_taken} == {desk.kit}
    path = page.print_sheet(tmp_path / "partial.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    assert "Not taken" in text
    assert all(tag in text for tag in desk.kit_members[1:])


def test_a_complete_kit_goes_out_without_a_question(
    page: CheckoutPage, context, desk: Desk
) -> None:
    _ready(page, desk)
    page.handle_scan(desk.kit)
    for tag in desk.kit_members:
        page.handle_scan(tag)
    checkout_id = page.commit()  # a question would block here: no one answers it
    assert checkout_id is not None
    assert context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id)).not_taken == ()


def test_empty_cart_asks_when_the_cart_is_not_empty(page: CheckoutPage, desk: Desk) -> None:
    assert page.clear_cart() is True  # nothing to lose: no question
    _ready(page, desk)
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.loose[1])
    seen: list[str] = []
    _answer("Cancel", seen)
    assert page.clear_cart() is False
    assert "2 line(s)" in seen[0]
    assert [ln.tag for ln in page.cart.lines] == list(desk.loose[:2])
    _answer("Empty the cart", seen)
    assert page.clear_cart() is True
    assert page.cart.lines == ()


def test_after_a_commit_focus_returns_to_the_scan_field(
    qtbot, page: CheckoutPage, desk: Desk
) -> None:
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    _ready(page, desk)
    page.handle_scan(desk.loose[0])
    page.commit_button.setFocus()
    qtbot.waitUntil(page.commit_button.hasFocus)
    assert page.commit() is not None
    qtbot.waitUntil(page.scan.hasFocus)


def test_through_the_threaded_door_scans_queue_and_the_commit_runs_off_the_ui_thread(
    qtbot, page: CheckoutPage, context: AppContext, desk: Desk
) -> None:
    context.operations.inline = False
    _ready(page, desk)
    for tag in desk.loose[:4]:
        page.handle_scan(tag)  # faster than they are checked: each waits for the one before
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.table.cart_model.tags() == list(desk.loose[:4])
    with qtbot.waitSignal(page.committed, timeout=10_000) as blocker:
        assert page.commit() is None  # not written yet when commit() returns
        assert page.committing and not page.commit_button.isEnabled()
        page.handle_scan(desk.loose[4])  # scanned while the commit runs: waits for it
        assert page.cart.line(desk.loose[4]) is None
    checkout_id = blocker.args[0]
    sheet = context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id))
    assert sorted(ln.tag for ln in sheet.lines) == sorted(desk.loose[:4])
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    # Checked against the new, empty cart: gear needs the production first.
    assert page.feedback.verdict is Verdict.REFUSED and "production" in page.feedback.message
    assert page.cart.lines == ()


def test_a_commit_refused_off_the_ui_thread_keeps_the_cart(
    qtbot, page: CheckoutPage, context: AppContext, desk: Desk
) -> None:
    context.operations.inline = False
    _ready(page, desk)
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.loose[1])
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    before = page.cart
    context.perform(lambda s, a: _send_out(s, a, desk), "checkout")
    page.commit()
    qtbot.waitUntil(lambda: not page.committing, timeout=10_000)
    assert page.feedback.verdict is Verdict.REFUSED
    assert f"{desk.loose[1]} is already out" in page.feedback.message
    assert page.cart == before
    assert page.commit_button.isEnabled()


def test_a_cancelled_production_is_not_offered_in_the_picker(
    qtbot, context: AppContext, desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    from gearroom.services import lifecycle

    context.perform(
        lambda s, a: lifecycle.cancel_production(s, a, desk.other, "the client postponed"),
        "production",
    )
    page = CheckoutPage(context)
    qtbot.addWidget(page)
    page.refresh()
    offered = [page.production.itemData(i) for i in range(page.production.count())]
    assert desk.production in offered
    assert desk.other not in offered
    page.handle_scan(desk.other)  # its sheet scanned anyway: refused, with the reason
    assert page.feedback.verdict is Verdict.REFUSED
    assert "cancelled" in page.feedback.message
