from __future__ import annotations

import pytest
from sqlalchemy import select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import AssetStatus, Event, ServiceTicket
from gearroom.services import catalog, checkout, checkout_cart, service_tickets
from gearroom.services.actor import Actor, PermissionDenied, Role
from tests.unit.services._gear import asset, count, day, events, person, production


@pytest.fixture
def lens(catalog_db, actor):
    with catalog_db.write() as s:
        return asset(s, actor, "Cooke S4 32mm")


def _status(db, tag):
    with db.read() as s:
        return catalog.get_asset(s, tag).status


def _actions(db, tag):
    with db.read() as s:
        return list(
            s.scalars(select(Event.action).where(Event.entity_tag == tag).order_by(Event.id))
        )


def test_open_note_close_with_history(catalog_db, actor, lens):
    with catalog_db.write() as s:
        ticket = service_tickets.open_ticket(s, actor, lens, "collimation")
    assert ticket.open and ticket.note == "collimation"
    assert _status(catalog_db, lens) is AssetStatus.IN_SERVICE
    with catalog_db.write() as s:
        noted = service_tickets.add_note(s, actor, lens, "back focus off by 0.02mm")
        assert [n.text for n in noted.notes] == ["back focus off by 0.02mm"]
        service_tickets.add_note(s, actor, f"#{ticket.id}", "shimmed")
    with catalog_db.read() as s:
        assert [t.tag for t in service_tickets.list_open_tickets(s)] == [lens]
    with catalog_db.write() as s:
        closed = service_tickets.close_ticket(s, actor, lens, "checked on the projector")
    assert not closed.open and closed.closed_by == "tester"
    assert [n.text for n in closed.notes][-1] == "checked on the projector"
    assert _status(catalog_db, lens) is AssetStatus.AVAILABLE
    with catalog_db.read() as s:
        assert service_tickets.list_open_tickets(s) == []
        assert [t.id for t in service_tickets.tickets_of(s, lens)] == [ticket.id]
    acts = _actions(catalog_db, lens)
    assert acts[-6:] == [
        "service_open",
        "status",
        "service_note",
        "service_note",
        "service_close",
        "status",
    ]


def test_one_open_ticket_per_asset(catalog_db, actor, lens):
    with catalog_db.write() as s:
        service_tickets.open_ticket(s, actor, lens, "first")
    before = (events(catalog_db), count(catalog_db, ServiceTicket))
    with pytest.raises(ConflictError, match="open already"), catalog_db.write() as s:
        service_tickets.open_ticket(s, actor, lens, "second")
    assert (events(catalog_db), count(catalog_db, ServiceTicket)) == before


def test_refusals(catalog_db, actor, lens):
    with pytest.raises(ValidationError), catalog_db.write() as s:
        service_tickets.open_ticket(s, actor, lens, "  ")
    with pytest.raises(NotFoundError, match="no open service ticket"), catalog_db.write() as s:
        service_tickets.close_ticket(s, actor, lens)
    with pytest.raises(PermissionDenied), catalog_db.write() as s:
        service_tickets.open_ticket(s, Actor("ac", Role.ASSISTANT), lens, "scratch")
    with catalog_db.write() as s:
        catalog.retire_asset(s, actor, lens, "sold")
    with pytest.raises(ConflictError, match="retired"), catalog_db.write() as s:
        service_tickets.open_ticket(s, actor, lens, "scratch")


def test_closing_while_out_keeps_it_out(catalog_db, actor, lens):
    with catalog_db.write() as s:
        badge = person(s, actor)
        production(s, actor, "Alpha", 0, 3)
        cart = checkout_cart.new_cart(s, "Alpha", badge)
        cart = checkout_cart.scan_into_cart(s, cart, lens, today=day(0)).cart
        checkout.commit_checkout(s, actor, cart, today=day(0))
        service_tickets.open_ticket(s, actor, lens, "check iris on return")
    assert _status(catalog_db, lens) is AssetStatus.OUT
    with catalog_db.write() as s:
        service_tickets.close_ticket(s, actor, lens, "not needed")
    assert _status(catalog_db, lens) is AssetStatus.OUT
