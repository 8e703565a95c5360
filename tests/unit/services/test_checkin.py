from __future__ import annotations

import pytest
from sqlalchemy import select

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import AssetStatus, CheckoutLine, Event, ReturnCondition, ServiceTicket
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    checkout_out,
    kits,
    reservations,
    returns,
    service_tickets,
    stock,
)
from gearroom.services.availability import BlockKind
from gearroom.services.checkout_cart import ScanOutcome
from gearroom.services.productions import get_production
from tests.unit.services._gear import asset, count, day, events, kit, person, production, stock_item


@pytest.fixture
def out(catalog_db, actor):
    """Alpha has a camera, two lenses, a lens case of three and 4 batteries out with Ana."""
    with catalog_db.write() as s:
        cam = asset(s, actor, "Alexa 35", "Camera")
        lenses = [asset(s, actor, f"Prime {mm}mm") for mm in (25, 35)]
        case_lenses = [asset(s, actor, f"Zoom {i}") for i in range(3)]
        case = kit(s, actor, "Zoom case", case_lenses)
        batt = stock_item(s, actor, "V-mount", 10)
        ana = person(s, actor, "Ana Costa")
        production(s, actor, "Alpha", 0, 4)
        production(s, actor, "Bravo", 6, 9)
        cart = checkout_cart.new_cart(s, "Alpha", ana)
        for text in [cam, *lenses, f"{batt}:4"]:
            cart = checkout_cart.scan_into_cart(s, cart, text, today=day(0)).cart
        cart = checkout_cart.scan_into_cart(s, cart, case, whole_kit=True, today=day(0)).cart
        checkout.commit_checkout(s, actor, cart, today=day(0))
    return {
        "db": catalog_db,
        "cam": cam,
        "lenses": lenses,
        "case": case,
        "case_lenses": case_lenses,
        "batt": batt,
    }


def _checkin(db, actor, tags, **kw):
    with db.write() as s:
        return returns.checkin(s, actor, tags, today=day(1), **kw)


def _status(db, tag):
    with db.read() as s:
        return catalog.get_asset(s, tag).status


def test_ok_returns_the_item_and_lists_what_is_still_out(out, actor):
    db = out["db"]
    result = _checkin(db, actor, [out["cam"]])
    (item,) = result.items
    assert (item.tag, item.condition, item.production, item.custodian) == (
        out["cam"],
        ReturnCondition.OK,
        "Alpha",
        "Ana Costa",
    )
    assert _status(db, out["cam"]) is AssetStatus.AVAILABLE
    still = {o.tag for o in result.still_out}
    assert out["cam"] not in still
    assert still == {*out["lenses"], *out["case_lenses"], out["batt"]}
    with db.read() as s:
        line = s.scalars(select(CheckoutLine).where(CheckoutLine.condition.is_not(None))).one()
        assert line.returned_at is not None


def test_damaged_opens_a_ticket_and_makes_the_item_unavailable(out, actor):
    db = out["db"]
    result = _checkin(
        db, actor, [out["lenses"][0]], condition="damaged", note="front element cracked"
    )
    (item,) = result.items
    assert item.ticket_id is not None
    assert _status(db, out["lenses"][0]) is AssetStatus.IN_SERVICE
    with db.read() as s:
        (ticket,) = service_tickets.list_open_tickets(s)
        assert ticket.tag == out["lenses"][0]
        assert ticket.note == "front element cracked"
        assert ticket.production == "Alpha"
        check = reservations.check_reservation(s, "Bravo", [out["lenses"][0]])
    assert [c.kind for c in check.conflicts] == [BlockKind.IN_SERVICE]


def test_damage_needs_a_note(out, actor):
    before = events(out["db"])
    with pytest.raises(ValidationError, match="note"):
        _checkin(out["db"], actor, [out["cam"]], condition="service")
    assert events(out["db"]) == before
    assert _status(out["db"], out["cam"]) is AssetStatus.OUT


def test_missing_stays_on_the_production_until_found(out, actor):
    db = out["db"]
    tag = out["lenses"][1]
    _checkin(db, actor, [tag], condition="missing", note="not in the case at wrap")
    assert _status(db, tag) is AssetStatus.LOST
    with db.read() as s:
        listed = {o.tag: o for o in checkout_out.out_items(s, production="Alpha")}
    assert listed[tag].missing
    with pytest.raises(ConflictError, match="missing already"):
        _checkin(db, actor, [tag], condition="missing")
    # Found in the van a week later.
    result = _checkin(db, actor, [tag])
    assert "found" in result.items[0].message
    assert _status(db, tag) is AssetStatus.AVAILABLE
    with db.read() as s:
        assert tag not in {o.tag for o in checkout_out.out_items(s, production="Alpha")}


def test_missing_written_off_as_lost(out, actor):
    db = out["db"]
    tag = out["lenses"][1]
    _checkin(db, actor, [tag], condition="missing")
    with db.write() as s:
        returns.write_off_missing(s, actor, tag, "insurance claim 4711")
    assert _status(db, tag) is AssetStatus.LOST
    with db.read() as s:
        assert tag not in {o.tag for o in checkout_out.out_items(s)}
        actions = s.scalars(select(Event.action).where(Event.entity_tag == tag)).all()
    assert "missing" in actions and "write_off" in actions
    with db.write() as s, pytest.raises(ConflictError, match="not marked missing"):
        returns.write_off_missing(s, actor, tag, "again")


def test_an_item_that_is_not_out_refuses_the_whole_checkin(out, actor, catalog_db):
    db = out["db"]
    with db.write() as s:
        spare = asset(s, actor, "Spare lens")
    before = (events(db), count(db, ServiceTicket))
    with pytest.raises(ConflictError, match=f"{spare} is not out"):
        _checkin(db, actor, [out["cam"], spare])
    assert (events(db), count(db, ServiceTicket)) == before
    assert _status(db, out["cam"]) is AssetStatus.OUT


def test_kit_scanned_in_shows_members_still_out(out, actor):
    db = out["db"]
    first = out["case_lenses"][0]
    result = _checkin(db, actor, [first, out["case"]])
    (kit_return,) = result.kits
    assert kit_return.kit_tag == out["case"]
    assert [o.tag for o in kit_return.members_out] == out["case_lenses"][1:]
    assert not kit_return.complete
    whole = _checkin(db, actor, [out["case"]], whole_kit=True)
    assert sorted(i.tag for i in whole.items) == sorted(out["case_lenses"][1:])
    assert whole.kits[0].complete


def test_stock_comes_back_by_quantity(out, actor):
    db = out["db"]
    part = _checkin(db, actor, [f"{out['batt']}:3"])
    assert part.items[0].quantity == 3
    with db.read() as s:
        left = [o for o in checkout_out.out_items(s) if o.tag == out["batt"]]
    assert [o.quantity for o in left] == [1]
    rest = _checkin(db, actor, [out["batt"]], condition="missing")
    assert rest.items[0].quantity == 1
    with db.read() as s:
        assert not [o for o in checkout_out.out_items(s) if o.tag == out["batt"]]
        assert stock.get_stock_item(s, out["batt"]).quantity == 9  # one written off


def test_checked_in_item_with_open_ticket_goes_to_service(out, actor):
    db = out["db"]
    with db.write() as s:
        service_tickets.open_ticket(s, actor, out["cam"], "firmware update due")
    assert _status(db, out["cam"]) is AssetStatus.OUT  # still out while the ticket waits
    result = _checkin(db, actor, [out["cam"]])
    assert "service ticket" in result.items[0].message
    assert _status(db, out["cam"]) is AssetStatus.IN_SERVICE


def test_camera_package_of_forty_items_out_and_back_with_one_damaged_lens(catalog_db, actor):
    with catalog_db.write() as s:
        body = asset(s, actor, "ARRI Alexa 35", "Camera")
        primes = [asset(s, actor, f"Signature Prime {mm}mm") for mm in range(12, 12 + 3 * 12, 3)]
        accessories = [asset(s, actor, f"Accessory {i}", "Grip") for i in range(20)]
        monitors = [asset(s, actor, f'SmallHD 7" #{i}', "Monitoring") for i in range(8)]
        batt = stock_item(s, actor, "V-mount 150Wh", 12)
        lens_case = kit(s, actor, "Prime case", primes)
        monitor_case = kit(s, actor, "Monitor case", monitors)
        pkg = kit(s, actor, "Alexa 35 package", [body, *accessories, f"{batt}:6"])
        kits.add_to_kit(s, actor, pkg, lens_case)
        kits.add_to_kit(s, actor, lens_case, monitor_case)
        ana = person(s, actor, "Ana Costa")
        production(s, actor, "Feature X", 0, 6)
        production(s, actor, "Commercial Y", 8, 10)
        everything = kits.get_kit(s, pkg).all_assets()
    assert len(everything) == 41
    with catalog_db.write() as s:
        reserved = reservations.reserve(s, actor, "Feature X", [pkg], today=day(0))
    assert len([v for v in reserved.reserved if v.item_kind == "asset"]) == 41

    # Prep day: the AC scans the package tag, then every item, then the badge.
    cart = checkout_cart.Cart()
    with catalog_db.read() as s:
        prod_tag = get_production(s, "Feature X").tag  # scanned off the production sheet
        for text in [prod_tag, ana, pkg, *[m.tag for m in everything], f"{batt}:6"]:
            result = checkout_cart.scan_into_cart(s, cart, text, today=day(0))
            assert result.verdict.ok, result.verdict.message
            cart = result.cart
    assert cart.unticked() == ()
    with catalog_db.write() as s:
        view = checkout.commit_checkout(s, actor, cart, today=day(0), allow_incomplete_kits=False)
    assert len(view.lines) == 42
    assert view.due_back == day(6)
    assert {_status(catalog_db, m.tag) for m in everything} == {AssetStatus.OUT}

    # Wrap: everything comes back; one lens is damaged.
    damaged = primes[4]
    with catalog_db.write() as s:
        returns.checkin(s, actor, [damaged], condition="damaged", note="mount loose")
        back = returns.checkin(s, actor, [pkg], whole_kit=True)
    assert len([i for i in back.items if i.item_kind == "asset"]) == 40
    assert [(i.tag, i.quantity) for i in back.items if i.item_kind == "stock"] == [(batt, 6)]
    assert back.kits[0].complete
    assert back.still_out == ()
    with catalog_db.read() as s:
        assert checkout_out.out_items(s, production="Feature X") == []
        (ticket,) = service_tickets.list_open_tickets(s)
        assert ticket.tag == damaged
        check = reservations.check_reservation(s, "Commercial Y", [pkg])
    assert _status(catalog_db, damaged) is AssetStatus.IN_SERVICE
    assert [(c.tag, c.kind) for c in check.conflicts] == [(damaged, BlockKind.IN_SERVICE)]
    with catalog_db.read() as s:
        verdict = checkout_cart.scan_into_cart(
            s, checkout_cart.new_cart(s, "Commercial Y", ana), damaged, today=day(8)
        ).verdict
    assert verdict.outcome is ScanOutcome.UNAVAILABLE
    assert "mount loose" in verdict.message
