from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, select

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import AssetStatus, Event, Reservation
from gearroom.services import (
    availability,
    catalog,
    checkout,
    checkout_cart,
    gear_lists,
    kits,
    reservations,
    service_tickets,
    timeline,
)
from gearroom.services.availability import BlockKind
from gearroom.services.productions import production_by_key
from gearroom.services.timeline import BarKind
from tests.unit.services._gear import asset, count, day, events, kit, person, production, stock_item


@pytest.fixture
def house(catalog_db, actor):
    """Two cameras, a lens and three productions: A on days 0-4, B on 5-8, C on 6-9."""
    with catalog_db.write() as s:
        cam1 = asset(s, actor, "ARRI Alexa 35", "Camera")
        cam2 = asset(s, actor, "Sony Venice 2", "Camera")
        lens = asset(s, actor, "Signature Prime 35mm")
        production(s, actor, "Alpha", 0, 4)
        production(s, actor, "Bravo", 5, 8)
        production(s, actor, "Charlie", 6, 9)
    return {"db": catalog_db, "cam1": cam1, "cam2": cam2, "lens": lens}


def _buffer(db, actor, days):
    with db.write() as s:
        availability.set_turnaround_days(s, actor, days)


def _reserve(db, actor, prod, tags, **kw):
    with db.write() as s:
        return reservations.reserve(s, actor, prod, tags, today=day(-10), **kw)


def _check(db, prod, tags, **kw):
    with db.read() as s:
        return reservations.check_reservation(s, prod, tags, today=day(-10), **kw)


def test_turnaround_defaults_to_one_day_and_is_stored(catalog_db, actor):
    with catalog_db.read() as s:
        assert availability.turnaround_days(s) == 1
    _buffer(catalog_db, actor, 0)
    with catalog_db.read() as s:
        assert availability.turnaround_days(s) == 0
    with pytest.raises(ValidationError):
        _buffer(catalog_db, actor, -1)


def test_touching_windows_with_buffer_zero_are_free(house, actor):
    db = house["db"]
    _buffer(db, actor, 0)
    _reserve(db, actor, "Alpha", [house["cam1"]])  # days 0..4
    # Bravo starts on day 5, the day after Alpha's wrap: free without a buffer.
    assert _check(db, "Bravo", [house["cam1"]]).ok
    # A window sharing day 4 always clashes.
    clash = _check(db, "Bravo", [house["cam1"]], start=day(4), end=day(6))
    assert [c.kind for c in clash.conflicts] == [BlockKind.RESERVED]


def test_touching_windows_with_one_day_buffer_clash(house, actor):
    db = house["db"]
    _buffer(db, actor, 1)
    _reserve(db, actor, "Alpha", [house["cam1"]])  # days 0..4
    check = _check(db, "Bravo", [house["cam1"]])  # days 5..8
    assert not check.ok
    (conflict,) = check.conflicts
    assert conflict.kind is BlockKind.RESERVED
    assert conflict.production == "Alpha"
    assert (conflict.start, conflict.end) == (day(0), day(4))
    assert "turnaround" in conflict.message
    # One free day between the two windows is enough.
    assert _check(db, "Bravo", [house["cam1"]], start=day(6), end=day(8)).ok


def test_conflict_results_are_frozen(house, actor):
    db = house["db"]
    _reserve(db, actor, "Alpha", [house["cam1"]])
    check = _check(db, "Bravo", [house["cam1"]], start=day(2), end=day(3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.conflicts[0].message = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.ok = True  # type: ignore[misc]


def test_conflicting_reservation_is_refused_and_nothing_is_written(house, actor):
    db = house["db"]
    _reserve(db, actor, "Bravo", [house["cam1"]])
    before = (count(db, Reservation), events(db))
    expected = f"reserved for Bravo from {day(5).isoformat()} to {day(8).isoformat()}"
    with pytest.raises(ConflictError, match=expected):
        _reserve(db, actor, "Charlie", [house["cam2"], house["cam1"]])
    assert (count(db, Reservation), events(db)) == before


def test_override_saves_and_records_the_reason(house, actor):
    db = house["db"]
    _reserve(db, actor, "Bravo", [house["cam1"]])
    result = _reserve(
        db, actor, "Charlie", [house["cam1"], house["lens"]], override_reason="Bravo wraps early"
    )
    assert result.override_reason == "Bravo wraps early"
    assert {v.tag for v in result.reserved} == {house["cam1"], house["lens"]}
    by_tag = {v.tag: v for v in result.reserved}
    assert by_tag[house["cam1"]].override_reason == "Bravo wraps early"
    assert by_tag[house["lens"]].override_reason == ""
    with db.read() as s:
        evs = [
            (e.entity_kind, e.entity_tag, e.after)
            for e in s.scalars(select(Event).where(Event.action == "reserve_override"))
        ]
    assert {kind for kind, _, _ in evs} == {"asset", "production"}
    (asset_event,) = [e for e in evs if e[0] == "asset"]
    _, tag, after = asset_event
    assert tag == house["cam1"]
    assert after["override_reason"] == "Bravo wraps early"
    assert "reserved for Bravo" in after["conflicts"][0]


def test_reserving_twice_for_the_same_production_is_a_no_op(house, actor):
    db = house["db"]
    _reserve(db, actor, "Alpha", [house["cam1"]])
    again = _reserve(db, actor, "Alpha", [house["cam1"], house["cam2"]])
    assert [v.tag for v in again.reserved] == [house["cam2"]]
    assert again.check.already_reserved == (house["cam1"],)
    assert count(db, Reservation) == 2


def test_retired_lost_and_in_service(house, actor):
    db = house["db"]
    with db.write() as s:
        catalog.retire_asset(s, actor, house["cam1"], "sold")
        catalog.set_status(s, actor, house["cam2"], AssetStatus.LOST, "not found at stock-take")
        service_tickets.open_ticket(s, actor, house["lens"], "front element scratched")
    with db.read() as s:
        found = availability.asset_conflicts(
            s,
            [catalog.get_asset(s, t).id for t in (house["cam1"], house["cam2"], house["lens"])],
            day(20),
            day(25),
        )
    kinds = {a.tag: [c.kind for c in a.conflicts] for a in found.values()}
    assert kinds == {
        house["cam1"]: [BlockKind.RETIRED],
        house["cam2"]: [BlockKind.LOST],
        house["lens"]: [BlockKind.IN_SERVICE],
    }
    assert (
        "front element scratched"
        in found[next(i for i, a in found.items() if a.tag == house["lens"])].conflicts[0].message
    )
    # Retired can never be overridden.
    with pytest.raises(ConflictError, match="retired"):
        _reserve(db, actor, "Alpha", [house["cam1"]], override_reason="please")


def test_out_and_due_back_later(house, actor):
    db = house["db"]
    with db.write() as s:
        badge = person(s, actor, "Ana Costa")
        cart = checkout_cart.new_cart(s, "Alpha", badge)
        cart = checkout_cart.scan_into_cart(s, cart, house["cam1"], today=day(0)).cart
        checkout.commit_checkout(s, actor, cart, today=day(0))  # due back day 4
    with db.read() as s:
        cam = catalog.get_asset(s, house["cam1"])
        busy = availability.asset_conflicts(s, [cam.id], day(3), day(3), today=day(0))[cam.id]
        assert [c.kind for c in busy.conflicts] == [BlockKind.OUT]
        assert busy.conflicts[0].custodian == "Ana Costa"
        assert f"due back {day(4).isoformat()}" in busy.conflicts[0].message
        # Free after the due-back day plus the 1-day buffer.
        assert availability.asset_conflicts(s, [cam.id], day(6), day(8), today=day(0))[cam.id].free
        assert not availability.asset_conflicts(s, [cam.id], day(5), day(8), today=day(0))[
            cam.id
        ].free
        # Overdue: busy until today at least.
        late = availability.asset_conflicts(s, [cam.id], day(9), day(9), today=day(9))[cam.id]
        assert "overdue" in late.conflicts[0].message


def test_kits_within_kits_reserve_every_member(catalog_db, actor):
    with catalog_db.write() as s:
        lenses = [asset(s, actor, f"Prime {mm}mm") for mm in (25, 35, 50)]
        body = asset(s, actor, "Alexa Mini LF", "Camera")
        batt = stock_item(s, actor, "V-mount 150Wh", 10)
        case = kit(s, actor, "Prime case", [*lenses, f"{batt}:2"])
        pkg = kit(s, actor, "Camera package A", [body, f"{batt}:4"])
        kits.add_to_kit(s, actor, pkg, case)
        production(s, actor, "Alpha", 0, 4)
        production(s, actor, "Bravo", 2, 6)
        expected = kits.get_kit(s, pkg)
    result = _reserve(catalog_db, actor, "Alpha", [pkg])
    reserved_assets = {v.tag for v in result.reserved if v.item_kind == "asset"}
    assert reserved_assets == {m.tag for m in expected.all_assets()}
    stock_rows = [v for v in result.reserved if v.item_kind == "stock"]
    assert [(v.tag, v.quantity) for v in stock_rows] == list(expected.all_stock().items())
    # The inner case is booked too, so Bravo cannot have one of its lenses.
    check = _check(catalog_db, "Bravo", [lenses[1]])
    assert [c.production for c in check.conflicts] == ["Alpha"]
    # But Bravo can have the remaining 4 batteries, not 5.
    assert _check(catalog_db, "Bravo", [f"{batt}:4"]).ok
    short = _check(catalog_db, "Bravo", [f"{batt}:5"])
    assert [c.kind for c in short.conflicts] == [BlockKind.SHORT]
    assert short.conflicts[0].quantity == 4


def test_stock_free_per_day(catalog_db, actor):
    with catalog_db.write() as s:
        cable = stock_item(s, actor, "SDI cable 10m", 10, "Grip")
        production(s, actor, "Alpha", 0, 2)
        production(s, actor, "Bravo", 4, 5)
        production(s, actor, "Charlie", 0, 9)
    _buffer(catalog_db, actor, 0)
    _reserve(catalog_db, actor, "Alpha", [f"{cable}:3"])
    _reserve(catalog_db, actor, "Bravo", [f"{cable}:6"])
    with catalog_db.read() as s:
        result = gear_lists.availability(s, cable, day(0), day(6), today=day(-5))
        (avail,) = result.stock
        assert [d.free for d in avail.days] == [7, 7, 7, 10, 4, 4, 10]
        assert avail.free_on(day(4)) == 4
        assert avail.min_free == 4
        # Charlie's view: its own reservation does not count against it.
    _reserve(catalog_db, actor, "Charlie", [f"{cable}:1"])
    with catalog_db.read() as s:
        pid = production_by_key(s, "Charlie").id
        sid = avail.stock_item_id
        mine = availability.stock_availability(s, [sid], day(0), day(6), production_id=pid)[sid]
        assert [d.free for d in mine.days] == [7, 7, 7, 10, 4, 4, 10]
        others = availability.stock_availability(s, [sid], day(0), day(6))[sid]
        assert [d.free for d in others.days] == [6, 6, 6, 9, 3, 3, 9]


def _statements(db, fn):
    seen: list[str] = []

    def count_statement(*args):
        seen.append(args[2])

    with db.read() as s:
        event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            result = fn(s)
        finally:
            event.remove(db.engine, "before_cursor_execute", count_statement)
    return result, seen


def test_availability_of_a_whole_kit_takes_a_handful_of_queries(catalog_db, actor):
    with catalog_db.write() as s:
        members = [asset(s, actor, f"Item {i}") for i in range(34)]
        inner = kit(s, actor, "Inner", members[:10])
        outer = kit(s, actor, "Outer", [*members[10:], stock_item(s, actor, "Batt", 20) + ":6"])
        kits.add_to_kit(s, actor, outer, inner)
        deep = kit(s, actor, "Deep", [asset(s, actor, f"Deep {i}") for i in range(6)])
        kits.add_to_kit(s, actor, inner, deep)
        small = kit(s, actor, "Small", [asset(s, actor, f"Small {i}") for i in range(2)])
        tiny = kit(s, actor, "Tiny", [asset(s, actor, "Tiny 1"), stock_item(s, actor, "X", 3)])
        kits.add_to_kit(s, actor, small, tiny)
        kits.add_to_kit(s, actor, tiny, kit(s, actor, "Dot", [asset(s, actor, "Dot 1")]))
        production(s, actor, "Alpha", 0, 9)
        production(s, actor, "Bravo", 3, 12)
    _reserve(catalog_db, actor, "Bravo", [members[5]])

    def ask(tag):
        return lambda s: gear_lists.availability(s, tag, day(0), day(9), production="Alpha")

    big, big_statements = _statements(catalog_db, ask(outer))
    assert not big.free
    assert [c.tag for c in big.conflicts] == [members[5]]
    # BEGIN, production, tags, one per kit level (4), kit members (2), buffer, assets (4), stock (3)
    assert len(big_statements) <= 16, big_statements
    # 40 items or 4, nested three deep either way: no statement per item (a free kit skips the
    # detail queries that only a booked, out or ticketed item needs).
    little, little_statements = _statements(catalog_db, ask(small))
    assert little.free
    assert len(little_statements) <= len(big_statements)
    assert len(big_statements) - len(little_statements) <= 3


def test_window_must_be_in_order(house):
    with house["db"].read() as s, pytest.raises(ValidationError, match="before it starts"):
        gear_lists.availability(s, house["cam1"], day(5), day(2))


def test_cancel_reservation(house, actor):
    db = house["db"]
    _reserve(db, actor, "Alpha", [house["cam1"], house["cam2"]])
    with db.write() as s:
        assert reservations.cancel_reservations(s, actor, "Alpha", [house["cam1"]]) == 1
    with db.read() as s:
        assert [v.tag for v in reservations.list_reservations(s, "Alpha")] == [house["cam2"]]
    assert _check(db, "Bravo", [house["cam1"]], start=day(1), end=day(2)).ok


def test_timeline_rows_and_bars(house, actor):
    db = house["db"]
    _reserve(db, actor, "Alpha", [house["cam1"]])
    _reserve(db, actor, "Charlie", [house["cam1"], house["lens"]])
    with db.write() as s:
        service_tickets.open_ticket(s, actor, house["cam2"], "sensor clean")
    with db.read() as s:
        tl = timeline.timeline(s, day(0), day(9), today=day(0))
    assert len(tl.days) == 10
    rows = {r.tag: r for r in tl.rows}
    assert set(rows) == {house["cam1"], house["cam2"], house["lens"]}
    assert [(b.production, b.start, b.end, b.kind) for b in rows[house["cam1"]].bars] == [
        ("Alpha", day(0), day(4), BarKind.RESERVED),
        ("Charlie", day(6), day(9), BarKind.RESERVED),
    ]
    assert [b.kind for b in rows[house["cam2"]].bars] == [BarKind.SERVICE]
    with db.read() as s:
        only = timeline.timeline(
            s, day(0), day(3), production="Charlie", asset_ids=[rows[house["lens"]].item_id]
        )
    assert [r.tag for r in only.rows] == [house["lens"]]


def test_reserving_more_stock_adds_only_the_difference(catalog_db, actor):
    with catalog_db.write() as s:
        batt = stock_item(s, actor, "V-mount", 10)
        production(s, actor, "Alpha", 0, 3)
    _reserve(catalog_db, actor, "Alpha", [f"{batt}:2"])
    again = _reserve(catalog_db, actor, "Alpha", [f"{batt}:5"])
    assert [v.quantity for v in again.reserved] == [3]
    assert _reserve(catalog_db, actor, "Alpha", [f"{batt}:4"]).reserved == ()
    with catalog_db.read() as s:
        held = sum(v.quantity for v in reservations.list_reservations(s, "Alpha"))
        (avail,) = gear_lists.availability(s, batt, day(0), day(3)).stock
    assert held == 5
    assert avail.min_free == 5


def test_gear_in_service_cannot_be_booked_even_with_an_override(catalog_db, actor):
    with catalog_db.write() as s:
        lens = asset(s, actor, "Cooke S4/i 50mm")
        production(s, actor, "Nightfall", 2, 6)
        service_tickets.open_ticket(s, actor, lens, "front element scratched")
    with pytest.raises(ConflictError, match="in service"), catalog_db.write() as s:
        reservations.reserve(s, actor, "Nightfall", [lens], override_reason="we need it")
    with catalog_db.read() as s:
        assert s.scalars(select(Reservation)).all() == []
    with catalog_db.write() as s:
        service_tickets.close_ticket(s, actor, lens, "polished")
        reservations.reserve(s, actor, "Nightfall", [lens])
    with catalog_db.read() as s:
        assert len(s.scalars(select(Reservation)).all()) == 1
