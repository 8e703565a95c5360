from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from gearroom.db import open_database
from gearroom.errors import ConflictError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Event,
    Person,
    Production,
)
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    checkout_out,
    dashboard,
    model_bookings,
    reservations,
    service_tickets,
)
from gearroom.services.actor import Actor, Role
from gearroom.services.checkout_cart import Cart, ScanOutcome
from tests.unit.services._gear import asset, count, day, events, kit, person, production, stock_item


@pytest.fixture
def shop(catalog_db, actor):
    with catalog_db.write() as s:
        cams = [asset(s, actor, f"Camera {i}", "Camera") for i in range(3)]
        lenses = [asset(s, actor, f"Prime {mm}mm") for mm in (18, 25, 35, 50, 75, 100, 135)]
        batt = stock_item(s, actor, "V-mount 150Wh", 8)
        case = kit(s, actor, "Prime case", lenses[:3])
        ana = person(s, actor, "Ana Costa")
        ben = person(s, actor, "Ben Okafor")
        alpha = production(s, actor, "Alpha", 0, 4)
        bravo = production(s, actor, "Bravo", 3, 8)
    return {
        "db": catalog_db,
        "cams": cams,
        "lenses": lenses,
        "batt": batt,
        "case": case,
        "ana": ana,
        "ben": ben,
        "alpha": alpha,
        "bravo": bravo,
    }


def _scan(db, cart, *texts, **kw):
    verdicts = []
    with db.read() as s:
        for text in texts:
            result = checkout_cart.scan_into_cart(s, cart, text, today=day(0), **kw)
            cart = result.cart
            verdicts.append(result.verdict)
    return cart, verdicts


def _commit(db, actor, cart, **kw):
    with db.write() as s:
        return checkout.commit_checkout(s, actor, cart, today=day(0), **kw)


def _status(db, tag):
    with db.read() as s:
        return catalog.get_asset(s, tag).status


def test_scans_set_production_custodian_and_items(shop):
    db = shop["db"]
    cart, verdicts = _scan(
        db, Cart(), shop["alpha"].tag, shop["ana"], shop["cams"][0], shop["cams"][0], "NOPE-1"
    )
    assert [v.outcome for v in verdicts] == [
        ScanOutcome.PRODUCTION_SET,
        ScanOutcome.CUSTODIAN_SET,
        ScanOutcome.ADDED,
        ScanOutcome.ALREADY_IN_CART,
        ScanOutcome.UNKNOWN_TAG,
    ]
    assert verdicts[0].message == f"Production Alpha, due back {day(4).isoformat()}."
    assert (cart.production, cart.custodian) == ("Alpha", "Ana Costa")
    assert [ln.tag for ln in cart.lines] == [shop["cams"][0]]
    assert not verdicts[3].ok and not verdicts[4].ok
    with pytest.raises(dataclasses.FrozenInstanceError):
        cart.production = "x"  # type: ignore[misc]


def test_scan_says_why_an_item_is_not_available(shop, actor):
    db = shop["db"]
    with db.write() as s:
        reservations.reserve(s, actor, "Bravo", [shop["cams"][1]])
        service_tickets.open_ticket(s, actor, shop["cams"][2], "viewfinder flickers")
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, (reserved, in_service) = _scan(db, cart, shop["cams"][1], shop["cams"][2])
    assert reserved.outcome is ScanOutcome.UNAVAILABLE
    assert "reserved for Bravo" in reserved.message
    assert in_service.outcome is ScanOutcome.UNAVAILABLE
    assert "in service" in in_service.message and "viewfinder flickers" in in_service.message
    assert cart.lines == ()


def test_kit_scan_makes_a_checklist_ticked_as_members_are_scanned(shop):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, (kit_verdict, first) = _scan(db, cart, shop["case"], shop["lenses"][0])
    assert kit_verdict.outcome is ScanOutcome.KIT_ADDED
    assert "3 item(s) to check, 3 still to scan" in kit_verdict.message
    ticks = {e.tag: e.ticked for e in cart.checklist(shop["case"])}
    assert ticks == {shop["lenses"][0]: True, shop["lenses"][1]: False, shop["lenses"][2]: False}
    assert "2 to go" in first.message
    assert [e.tag for e in cart.unticked()] == shop["lenses"][1:3]
    # Committing a short package is refused when asked to be strict.
    with db.write() as s, pytest.raises(ValidationError, match="not scanned"):
        checkout.commit_checkout(s, Actor("x"), cart, today=day(0), allow_incomplete_kits=False)
    cart, _ = _scan(db, cart, *shop["lenses"][1:3])
    assert cart.unticked() == ()
    assert {ln.kit_tag for ln in cart.lines} == {shop["case"]}


def test_whole_kit_and_stock_quantities(shop):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, verdicts = _scan(db, cart, shop["case"], whole_kit=True)
    assert verdicts[0].outcome is ScanOutcome.KIT_ADDED
    assert sorted(ln.tag for ln in cart.lines) == sorted(shop["lenses"][:3])
    cart, (one, three, too_many) = _scan(
        db, cart, shop["batt"], f"{shop['batt']}:3", f"{shop['batt']}:5"
    )
    assert one.outcome is ScanOutcome.STOCK_ADDED and three.outcome is ScanOutcome.STOCK_ADDED
    assert cart.line(shop["batt"]).quantity == 4
    assert too_many.outcome is ScanOutcome.UNAVAILABLE
    assert "Only 8 of 8" in too_many.message or "4 of 8" in too_many.message


def test_commit_writes_everything_in_one_go(shop, actor):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, _ = _scan(db, cart, shop["cams"][0], shop["lenses"][4], f"{shop['batt']}:2")
    view = _commit(db, actor, cart)
    assert view.due_back == day(4)  # the production's return (wrap) day
    assert (view.production, view.custodian) == ("Alpha", "Ana Costa")
    assert sorted(ln.tag for ln in view.lines) == sorted(
        [shop["cams"][0], shop["lenses"][4], shop["batt"]]
    )
    assert _status(db, shop["cams"][0]) is AssetStatus.OUT
    with db.read() as s:
        actions = [
            (e.action, e.entity_tag)
            for e in s.scalars(select(Event).where(Event.action == "checkout"))
        ]
        sheet = checkout_out.checkout_sheet(s, view.id)
    assert ("checkout", shop["cams"][0]) in actions
    assert ("checkout", shop["alpha"].tag) in actions
    assert ("checkout", shop["batt"]) in actions
    assert sheet.custodian == "Ana Costa" and sheet.production == "Alpha"
    assert {(ln.tag, ln.quantity) for ln in sheet.lines} >= {(shop["batt"], 2)}


def test_one_bad_item_in_ten_writes_nothing(shop, actor):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, verdicts = _scan(db, cart, *shop["cams"], *shop["lenses"])
    assert len(cart.lines) == 10 and all(v.ok for v in verdicts)
    # Meanwhile, someone sends a lens to service.
    with db.write() as s:
        service_tickets.open_ticket(s, actor, shop["lenses"][6], "iris sticks")
    before = (count(db, Checkout), count(db, CheckoutLine), events(db))
    with pytest.raises(ConflictError, match="iris sticks"):
        _commit(db, actor, cart)
    assert (count(db, Checkout), count(db, CheckoutLine), events(db)) == before
    assert {_status(db, t) for t in shop["cams"]} == {AssetStatus.AVAILABLE}


def test_a_cancelled_production_takes_no_check_out(shop, actor):
    from gearroom.services import lifecycle

    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Bravo", shop["ben"])
    cart, _ = _scan(db, cart, shop["cams"][1])
    # Another workstation cancels the production while the cart is open.
    with db.write() as s:
        lifecycle.cancel_production(s, actor, "Bravo", "the client postponed")
    before = (count(db, Checkout), count(db, CheckoutLine), events(db))
    with pytest.raises(ConflictError, match="Bravo was cancelled"):
        _commit(db, actor, cart)
    assert (count(db, Checkout), count(db, CheckoutLine), events(db)) == before
    assert _status(db, shop["cams"][1]) is AssetStatus.AVAILABLE
    with pytest.raises(ConflictError, match="takes no new bookings"):
        _scan(db, Cart(), shop["bravo"].tag)


def test_already_out_message_names_person_production_and_date(shop, actor):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, _ = _scan(db, cart, shop["cams"][0])
    _commit(db, actor, cart)
    # A stale cart from another workstation tries to send it out again.
    with db.read() as s:
        other = checkout_cart.new_cart(s, "Bravo", shop["ben"])
    stale = dataclasses.replace(other, lines=cart.lines, due_back=day(8))
    with pytest.raises(ConflictError) as err:
        _commit(db, actor, stale, override_reason="ignore bookings")
    assert str(err.value) == (
        f"{shop['cams'][0]} is already out to Ana Costa for Alpha since "
        f"{datetime.now(UTC).date().isoformat()}."
    )


def test_reserved_elsewhere_needs_an_override(shop, actor):
    db = shop["db"]
    with db.write() as s:
        reservations.reserve(s, actor, "Bravo", [shop["cams"][1]])
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart = dataclasses.replace(
        cart,
        lines=(checkout_cart.CartLine("asset", _id(db, shop["cams"][1]), shop["cams"][1], "x"),),
    )
    with pytest.raises(ConflictError, match="override"):
        _commit(db, actor, cart)
    view = _commit(db, actor, cart, override_reason="Bravo uses the spare")
    assert [ln.tag for ln in view.lines] == [shop["cams"][1]]


def _id(db, tag):
    with db.read() as s:
        return catalog.get_asset(s, tag).id


def test_partial_unique_index_refuses_a_second_open_line(shop, actor):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, _ = _scan(db, cart, shop["cams"][0])
    view = _commit(db, actor, cart)
    asset_id = _id(db, shop["cams"][0])
    with pytest.raises(IntegrityError), db.write() as s:
        s.execute(insert(CheckoutLine).values(checkout_id=view.id, asset_id=asset_id, quantity=1))
    # A closed line does not count: once returned, a new open line is allowed.
    with db.write() as s:
        s.execute(
            CheckoutLine.__table__.update()
            .where(CheckoutLine.asset_id == asset_id)
            .values(returned_at=datetime.now(UTC))
        )
        s.execute(insert(CheckoutLine).values(checkout_id=view.id, asset_id=asset_id, quantity=1))
    assert count(db, CheckoutLine) == 2


def test_stock_never_goes_out_beyond_what_is_owned(shop, actor):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, _ = _scan(db, cart, f"{shop['batt']}:6")
    _commit(db, actor, cart)
    with db.read() as s:
        cart2 = checkout_cart.new_cart(s, "Bravo", shop["ben"], due_back=day(8))
    sid = cart.lines[0].item_id
    greedy = dataclasses.replace(
        cart2, lines=(checkout_cart.CartLine("stock", sid, shop["batt"], "V-mount", 3),)
    )
    before = (count(db, CheckoutLine), events(db))
    with pytest.raises(ConflictError, match="Only 2 of 8"):
        _commit(db, actor, greedy, override_reason="need them")
    assert (count(db, CheckoutLine), events(db)) == before


def test_commit_needs_production_custodian_and_items(shop, actor):
    db = shop["db"]
    with pytest.raises(ValidationError, match="production"):
        _commit(db, actor, Cart())
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha")
    with pytest.raises(ValidationError, match="badge"):
        _commit(db, actor, cart)
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    with pytest.raises(ValidationError, match="empty"):
        _commit(db, actor, cart)


def test_dashboard(shop, actor):
    db = shop["db"]
    with db.write() as s:
        reservations.reserve(s, actor, "Alpha", [shop["cams"][0]])
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"], due_back=day(0))
        cart = checkout_cart.scan_into_cart(s, cart, shop["lenses"][0], today=day(0)).cart
        checkout.commit_checkout(s, actor, cart, today=day(0))
        service_tickets.open_ticket(s, actor, shop["cams"][2], "rebuild")
    with db.read() as s:
        today = dashboard.dashboard(s, today=day(0))
        later = dashboard.dashboard(s, today=day(2))
    assert [r.tag for r in today.going_out_today] == [shop["cams"][0]]
    assert [o.tag for o in today.due_back_today] == [shop["lenses"][0]]
    assert today.overdue == ()
    assert [(t.tag, t.note) for t in today.in_service] == [(shop["cams"][2], "rebuild")]
    with db.write() as s:
        catalog.set_status(s, actor, shop["cams"][1], AssetStatus.IN_SERVICE, "by hand")
    with db.read() as s:
        bench = dashboard.dashboard(s, today=day(0)).in_service
    assert [(t.tag, t.ticket_id is None) for t in bench] == [
        (shop["cams"][2], False),
        (shop["cams"][1], True),
    ]
    assert [o.tag for o in later.overdue] == [shop["lenses"][0]]
    assert later.overdue[0].custodian == "Ana Costa" and later.overdue[0].production == "Alpha"
    assert shop["cams"][0] in [r.tag for r in today.this_week]


# --------------------------------------------------------------------------- the race


def _race_worker(url: str, asset_tag: str, production: str, badge: str, barrier, queue) -> None:
    db = open_database(url)
    try:
        with db.read() as s:
            cart = checkout_cart.new_cart(s, production, badge, due_back=datetime.now(UTC).date())
            cart = checkout_cart.scan_into_cart(s, cart, asset_tag).cart
        barrier.wait(timeout=30)
        try:
            with db.write() as s:
                checkout.commit_checkout(s, Actor(badge, Role.STAFF), cart)
            queue.put(("won", production))
        except ConflictError as exc:
            queue.put(("lost", str(exc)))
    finally:
        db.dispose()


@pytest.mark.sqlite_only  # tests/races runs the same race on both engines, up to 8 workers
def test_two_processes_race_for_one_asset(shop, db_url):
    db = shop["db"]
    tag = shop["cams"][0]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_race_worker, args=(db_url, tag, p, b, barrier, queue))
        for p, b in (("Alpha", shop["ana"]), ("Bravo", shop["ben"]))
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["lost", "won"]
    winner = next(r[1] for r in results if r[0] == "won")
    loser_message = next(r[1] for r in results if r[0] == "lost")
    who = "Ana Costa" if winner == "Alpha" else "Ben Okafor"
    assert loser_message == (
        f"{tag} is already out to {who} for {winner} since {datetime.now(UTC).date().isoformat()}."
    )
    assert count(db, Checkout) == 1
    assert count(db, CheckoutLine) == 1
    with db.read() as s:
        out_events = s.scalars(
            select(Event.entity_tag).where(Event.action == "checkout", Event.entity_kind == "asset")
        ).all()
        assert out_events == [tag]
        assert s.scalar(select(Asset.status).where(Asset.tag == tag)) is AssetStatus.OUT
        assert s.scalar(select(Production.name).join(Checkout)) == winner
        assert s.scalar(select(Person.name).join(Checkout)) == who


def test_the_index_backs_up_the_check_when_a_race_slips_through(shop, actor, monkeypatch):
    """If another workstation commits between our check and our insert, the unique index
    refuses our line and the user still gets the plain 'already out' message."""
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"])
    cart, _ = _scan(db, cart, shop["cams"][0])
    _commit(db, actor, cart)
    real = checkout._already_out_message
    calls = []

    def blind_first(session, ids):
        calls.append(ids)
        return None if len(calls) == 1 else real(session, ids)

    monkeypatch.setattr(checkout, "_already_out_message", blind_first)
    with db.read() as s:
        other = checkout_cart.new_cart(s, "Bravo", shop["ben"], due_back=day(8))
    stale = dataclasses.replace(other, lines=cart.lines)
    before = (count(db, Checkout), count(db, CheckoutLine), events(db))
    with pytest.raises(ConflictError) as err:
        _commit(db, actor, stale, override_reason="bookings aside")
    assert len(calls) == 2
    assert str(err.value).startswith(f"{shop['cams'][0]} is already out to Ana Costa for Alpha")
    assert (count(db, Checkout), count(db, CheckoutLine), events(db)) == before


# --------------------------------------------------------------------------- model capacity

LF = "ARRI Alexa Mini LF"


@pytest.fixture
def booked_away(shop, actor):
    """Three LF bodies; Bravo booked two of them by model, so Alpha may take one."""
    db = shop["db"]
    with db.write() as s:
        bodies = [
            asset(s, actor, f"LF {n}", "Camera", make="ARRI", model="Alexa Mini LF")
            for n in range(3)
        ]
        model_bookings.reserve_models(s, actor, "Bravo", [(LF, 2)], start=day(0), end=day(4))
    return bodies


def test_a_plain_scan_refuses_a_serial_of_a_model_booked_away(shop, actor, booked_away):
    db = shop["db"]
    with db.read() as s:
        cart = checkout_cart.new_cart(s, "Alpha", shop["ana"], due_back=day(2))
    cart, verdicts = _scan(db, cart, booked_away[0], booked_away[1])
    assert verdicts[0].ok
    assert verdicts[1].outcome is ScanOutcome.UNAVAILABLE
    assert "Only 1 of 3 ARRI Alexa Mini LF are free" in verdicts[1].message
    assert [ln.tag for ln in cart.lines] == [booked_away[0]]


def test_the_commit_refuses_serials_beyond_what_the_model_bookings_leave(shop, actor, booked_away):
    """Scanned before the production was known, the commit still counts the model bookings."""
    db = shop["db"]
    cart, verdicts = _scan(db, Cart(), *booked_away[:2], shop["ana"], shop["alpha"].tag)
    assert all(v.ok for v in verdicts)
    cart = dataclasses.replace(cart, due_back=day(2))
    before = (count(db, Checkout), count(db, CheckoutLine), events(db))
    with pytest.raises(ConflictError) as err:
        _commit(db, actor, cart, override_reason="needed")
    assert "Only 1 of 3 ARRI Alexa Mini LF are free" in str(err.value)
    assert (count(db, Checkout), count(db, CheckoutLine), events(db)) == before
    one = dataclasses.replace(cart, lines=cart.lines[:1])
    assert _commit(db, actor, one).lines[0].tag == booked_away[0]
    assert _status(db, booked_away[0]) is AssetStatus.OUT
