"""The service page: open a ticket, add a note, close it; write off missing gear."""

from __future__ import annotations

from desk_data import build_desk

from gearroom.models import AssetStatus
from gearroom.services import catalog, checkout, checkout_cart, returns, service_tickets
from gearroom.ui.feedback import Verdict
from gearroom.ui.pages.service import ServicePage


def test_open_note_close(qtbot, context) -> None:
    desk = build_desk(context, loose_items=2, kit_items=1)
    page = ServicePage(context)
    qtbot.addWidget(page)
    page.refresh()
    page.handle_scan(desk.loose[0].lower())
    assert page.new_tag.text() == desk.loose[0]
    page.new_note.setText("Collimation")
    assert page.open_ticket()
    status = lambda: context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status)  # noqa: E731
    assert status() is AssetStatus.IN_SERVICE
    assert [t.tag for t in page.tickets.records_model.records()] == [desk.loose[0]]
    page.handle_scan(desk.loose[0])
    page.note.setText("Back focus off by 0.02 mm, shimmed")
    assert page.add_note()
    assert any("shimmed" in page.history.item(i).text() for i in range(page.history.count()))
    page.note.setText("Checked on the projector")
    assert page.close_ticket()
    assert page.feedback.verdict is Verdict.OK
    assert status() is AssetStatus.AVAILABLE
    assert page.tickets.records_model.records() == []
    ticket = context.query(lambda s: service_tickets.tickets_of(s, desk.loose[0]))[0]
    assert [n.text for n in ticket.notes] == [
        "Back focus off by 0.02 mm, shimmed",
        "Checked on the projector",
    ]


def test_missing_gear_is_written_off(qtbot, context) -> None:
    desk = build_desk(context, loose_items=2, kit_items=1)

    def lose(s, a):  # type: ignore[no-untyped-def]
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        cart = checkout_cart.scan_into_cart(s, cart, desk.loose[1]).cart
        checkout.commit_checkout(s, a, cart)
        returns.checkin(s, a, [desk.loose[1]], condition="missing", note="Not in the case")

    context.perform(lose, "checkin")
    page = ServicePage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert [o.tag for o in page.missing.records_model.records()] == [desk.loose[1]]
    assert not page.write_off()  # nothing chosen
    page.missing.setCurrentIndex(page.missing.records_model.index(0, 0))
    assert not page.write_off()  # no reason
    assert page.feedback.verdict is Verdict.REFUSED
    page.reason.setText("Stolen from the truck, police report 4471")
    assert page.write_off()
    assert page.missing.records_model.records() == []
    status = context.query(lambda s: catalog.get_asset(s, desk.loose[1]).status)
    assert status is AssetStatus.LOST
