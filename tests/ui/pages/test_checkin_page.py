"""The check-in page, and the whole job through the pages: reserve, check out, check in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from desk_data import Desk, build_desk
from sqlalchemy import func, select

from gearroom.models import AssetStatus, ReturnCondition, ServiceTicket
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    checkout_out,
    gear_lists,
    reservations,
)
from gearroom.ui.context import AppContext
from gearroom.ui.feedback import Verdict
from gearroom.ui.pages.checkin import CheckinPage
from gearroom.ui.pages.checkout import CheckoutPage
from gearroom.ui.pages.productions import ProductionsPage
from gearroom.ui.pages.service import ServicePage


def _send_out(context: AppContext, desk: Desk, tags: list[str]) -> None:
    def go(s, a):  # type: ignore[no-untyped-def]
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        for t in tags:
            cart = checkout_cart.scan_into_cart(s, cart, t).cart
        return checkout.commit_checkout(s, a, cart)

    context.perform(go, "checkout")


@pytest.fixture
def desk(context: AppContext) -> Desk:
    return build_desk(context, loose_items=5, kit_items=3)


@pytest.fixture
def page(qtbot, context: AppContext) -> CheckinPage:
    page = CheckinPage(context)
    qtbot.addWidget(page)
    return page


def test_ok_is_one_scan_and_the_rest_still_out_shows(page, context, desk) -> None:
    _send_out(context, desk, list(desk.loose[:3]))
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.OK
    assert page.feedback.message == f"{desk.loose[0]} back."
    assert [o.tag for o in page.still_out.records_model.records()] == list(desk.loose[1:3])
    assert page.still_title.text() == "Still out for Northern Line: 2 line(s)"
    status = context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status)
    assert status is AssetStatus.AVAILABLE


def test_damaged_needs_a_note_and_the_condition_returns_to_ok(page, context, desk) -> None:
    _send_out(context, desk, list(desk.loose[:3]))
    page.condition.set_condition(ReturnCondition.DAMAGED)
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.REFUSED
    assert "note" in page.feedback.message
    assert context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status) is AssetStatus.OUT
    page.condition.note.setText("Front element scratched")
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.NOTICE
    assert "service ticket" in page.feedback.message
    assert page.condition.condition() is ReturnCondition.OK
    assert page.condition.note_text() == ""
    status = context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status)
    assert status is AssetStatus.IN_SERVICE
    # The next item is back and fine: checked in as OK, not refused for want of a note.
    page.handle_scan(desk.loose[1])
    assert page.feedback.verdict is Verdict.OK
    assert context.query(lambda s: catalog.get_asset(s, desk.loose[1]).status) is (
        AssetStatus.AVAILABLE
    )


def _condition_of(context: AppContext, tag: str) -> ReturnCondition | None:
    lines = context.query(lambda s: checkout_out.out_lines(s, include_closed=True))
    found = [ln for ln in lines if ln.tag == tag]
    assert found, tag
    line = found[-1]
    return ReturnCondition.MISSING if line.missing else None


def test_missing_is_for_one_scan_only(page, context, desk) -> None:
    _send_out(context, desk, list(desk.loose[:3]))
    page.condition.set_condition(ReturnCondition.MISSING)
    page.handle_scan(desk.loose[0])
    assert context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status) is AssetStatus.LOST
    assert page.condition.condition() is ReturnCondition.OK
    page.handle_scan(desk.loose[1])
    assert context.query(lambda s: catalog.get_asset(s, desk.loose[1]).status) is (
        AssetStatus.AVAILABLE
    )
    assert _condition_of(context, desk.loose[1]) is None


def test_apply_to_every_scan_keeps_the_condition_and_says_so(qtbot, page, context, desk) -> None:
    _send_out(context, desk, list(desk.loose[:3]))
    page.show()
    selector = page.condition
    assert selector.sticky_banner.isHidden()
    selector.set_condition(ReturnCondition.MISSING)
    selector.sticky.setChecked(True)
    assert selector.sticky_banner.isVisible()
    assert "MISSING" in selector.sticky_banner.text()
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.loose[1])
    assert selector.condition() is ReturnCondition.MISSING
    for tag in desk.loose[:2]:
        assert context.query(lambda s, t=tag: catalog.get_asset(s, t).status) is AssetStatus.LOST
    selector.sticky.setChecked(False)
    assert selector.sticky_banner.isHidden()
    page.handle_scan(desk.loose[2])
    assert selector.condition() is ReturnCondition.OK


def test_a_kit_shows_which_members_are_still_out(page, context, desk) -> None:
    _send_out(context, desk, [desk.kit, *desk.kit_members])
    page.handle_scan(desk.kit_members[0])
    page.handle_scan(desk.kit)
    assert page.feedback.verdict is Verdict.NOTICE
    assert f"2 of 3 still out: {desk.kit_members[1]}, {desk.kit_members[2]}" in (
        page.kit_status.text()
    )
    page.whole_kit.setChecked(True)
    page.handle_scan(desk.kit)
    assert "all 3 back" in page.kit_status.text()
    assert page.still_title.text() == "Nothing is still out for Northern Line."


def test_an_item_that_is_not_out_is_refused(page, desk) -> None:
    page.handle_scan(desk.loose[0])
    assert page.feedback.verdict is Verdict.REFUSED
    assert page.feedback.message.startswith(f"{desk.loose[0]} is not out")


def test_a_camera_package_reserved_out_by_scan_and_back_with_a_damaged_lens(
    qtbot, context: AppContext, tmp_path
) -> None:
    """A whole job: 40+ items reserved, checked out by scanning, back with one damaged lens."""
    desk = build_desk(context, loose_items=34, kit_items=8)
    package = [*desk.loose, desk.kit]
    # Reserve on the productions page (conflicts checked first; there are none).
    productions_page = ProductionsPage(context)
    qtbot.addWidget(productions_page)
    productions_page.refresh()
    assert productions_page.select_production(desk.production_id)
    dialog = productions_page.reserve_gear()
    assert dialog is not None
    for tag in package:
        assert dialog.add_tag(tag)
    dialog.add_tag(desk.battery, 6)
    assert dialog.check is not None and dialog.check.ok
    assert dialog.check.asset_count == 42
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    booked = context.query(lambda s: reservations.list_reservations(s, desk.production))
    assert len([r for r in booked if r.item_kind == "asset"]) == 42
    assert productions_page.reserved.records_model.rowCount() == 43

    # Check it out by scanning: production sheet, badge, every item, the lens case, stock.
    out_page = CheckoutPage(context)
    qtbot.addWidget(out_page)
    out_page.handle_scan(desk.production)
    out_page.handle_scan(desk.badge)
    out_page.handle_scan(desk.kit)
    for tag in [*desk.loose, *desk.kit_members]:
        out_page.handle_scan(tag)
        assert out_page.feedback.verdict is Verdict.OK, out_page.feedback.message
    out_page.handle_scan(f"{desk.battery}:6")
    assert out_page.checklist.entry_states(desk.kit) == {t: True for t in desk.kit_members}
    assert out_page.table.cart_model.rowCount() == 43
    checkout_id = out_page.commit()
    assert checkout_id is not None
    assert context.query(lambda s: len(checkout_out.still_out(s, desk.production_id))) == 43

    # Back in: everything ok, except one lens that is damaged.
    in_page = CheckinPage(context)
    qtbot.addWidget(in_page)
    for tag in [t for t in [*desk.loose, *desk.kit_members] if t != desk.lens]:
        in_page.handle_scan(tag)
    in_page.handle_scan(desk.battery)
    in_page.condition.set_condition(ReturnCondition.DAMAGED)
    in_page.condition.note.setText("Iris ring stiff, front element scratched")
    in_page.handle_scan(desk.lens)
    assert in_page.feedback.verdict is Verdict.NOTICE
    assert in_page.still_title.text() == "Nothing is still out for Northern Line."

    # The lens is in service and unavailable; the service page lists its ticket.
    lens = context.query(lambda s: catalog.get_asset(s, desk.lens))
    assert lens.status is AssetStatus.IN_SERVICE
    tomorrow = date.today() + timedelta(days=1)
    free = context.query(
        lambda s: gear_lists.availability(s, desk.lens, tomorrow, tomorrow + timedelta(days=2))
    )
    assert not free.free
    assert any("is in service" in c.message for c in free.conflicts)
    service_page = ServicePage(context)
    qtbot.addWidget(service_page)
    service_page.refresh()
    tickets = service_page.tickets.records_model.records()
    assert [(t.tag, t.note) for t in tickets] == [
        (desk.lens, "Iris ring stiff, front element scratched")
    ]
    others = context.query(
        lambda s: [catalog.get_asset(s, t).status for t in desk.loose if t != desk.lens]
    )
    assert set(others) == {AssetStatus.AVAILABLE}
    assert context.query(lambda s: s.scalar(select(func.count()).select_from(ServiceTicket))) == 1
