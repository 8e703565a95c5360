"""The scan's one-statement answer: the same verdict as the detailed path for every kind of tag
and every reason an item may not be free, and a free asset answered in one statement."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import event

from gearroom.models import AssetStatus, Tag
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    model_bookings,
    reservations,
    returns,
    service_tickets,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.checkout_cart import Cart, ScanOutcome
from gearroom.services.scan_lookup import lookup_scan
from tests.unit.services._gear import asset, day, kit, person, production, stock_item


def _camera(s, actor, n: int) -> str:
    draft = AssetDraft(
        name=f"Mini LF {n}", category="Camera", make="ARRI", model="Alexa Mini LF", serial=f"LF{n}"
    )
    return catalog.create_asset(s, actor, draft).tag


@pytest.fixture
def house(catalog_db, actor):
    """Gear in every state a scan can meet, for the production Alpha (days 0–4)."""
    with catalog_db.write() as s:
        tags = {
            "free": asset(s, actor, "Prime 25mm"),
            "booked_elsewhere": asset(s, actor, "Prime 35mm"),
            "booked_turnaround": asset(s, actor, "Prime 40mm"),
            "booked_own": asset(s, actor, "Prime 50mm"),
            "out_elsewhere": asset(s, actor, "Prime 75mm"),
            "out_own": asset(s, actor, "Prime 85mm"),
            "back_in": asset(s, actor, "Prime 100mm"),
            "ticket": asset(s, actor, "Prime 135mm"),
            "lost": asset(s, actor, "Zoom 24-70"),
            "in_service_by_hand": asset(s, actor, "Zoom 70-200"),
            "retired": asset(s, actor, "Zoom 18-35"),
            "in_kit": asset(s, actor, "Prime 18mm"),
            "lf_1": _camera(s, actor, 1),
            "lf_2": _camera(s, actor, 2),
        }
        tags["kit"] = kit(s, actor, "Prime case", [tags["in_kit"]])
        tags["stock"] = stock_item(s, actor, "V-mount 150Wh", 4)
        tags["badge"] = person(s, actor, "Ana Costa")
        alpha = production(s, actor, "Alpha", 0, 4)
        bravo = production(s, actor, "Bravo", 2, 6)
        carol = production(s, actor, "Carol", 5, 7)  # starts the day after Alpha's wrap
        tags["alpha"], tags["bravo"] = alpha.tag, bravo.tag
        reservations.reserve(s, actor, "Bravo", [tags["booked_elsewhere"]])
        reservations.reserve(s, actor, "Carol", [tags["booked_turnaround"]])
        reservations.reserve(s, actor, "Alpha", [tags["booked_own"]])
        for name, tag in (("Bravo", "out_elsewhere"), ("Alpha", "out_own"), ("Bravo", "back_in")):
            cart = checkout_cart.new_cart(s, name, tags["badge"])
            cart = checkout_cart.scan_into_cart(s, cart, tags[tag], today=day(0)).cart
            checkout.commit_checkout(s, actor, cart, today=day(0))
        returns.checkin(s, actor, [tags["back_in"]], today=day(0))
        service_tickets.open_ticket(s, actor, tags["ticket"], "focus ring stiff")
        catalog.set_status(s, actor, tags["lost"], AssetStatus.LOST, "not found at stocktake")
        catalog.set_status(s, actor, tags["in_service_by_hand"], AssetStatus.IN_SERVICE, "clean")
        catalog.retire_asset(s, actor, tags["retired"], "sold")
        del carol
    return catalog_db, tags


def _detailed_lookup(session, _cart, tag, _today):
    return session.get(Tag, tag)


def _scan_both(db, cart, text, monkeypatch, **kw):
    """(verdict and cart by the one-statement path, the same by the detailed path); the first
    the same on the quick reader (as the check-out page scans) and in a read session."""
    fast = db.quick_read(lambda s: checkout_cart.scan_into_cart(s, cart, text, today=day(0), **kw))
    with db.read() as s:
        in_session = checkout_cart.scan_into_cart(s, cart, text, today=day(0), **kw)
    assert fast == in_session
    with monkeypatch.context() as m:
        m.setattr(checkout_cart, "_lookup", _detailed_lookup)
        with db.read() as s:
            slow = checkout_cart.scan_into_cart(s, cart, text, today=day(0), **kw)
    return fast, slow


def _cart(db, production_tag: str, *tags: str) -> Cart:
    with db.read() as s:
        cart = checkout_cart.new_cart(s, production_tag)
        for tag in tags:
            cart = checkout_cart.scan_into_cart(s, cart, tag, today=day(0)).cart
    return cart


def test_every_tag_gets_the_detailed_paths_verdict(house, monkeypatch):
    db, tags = house
    carts = {
        "empty": Cart(),
        "alpha": _cart(db, tags["alpha"]),
        "alpha with a lens": _cart(db, tags["alpha"], tags["free"]),
        "bravo": _cart(db, tags["bravo"]),
        "alpha, due later": _cart(db, tags["alpha"]),
    }
    carts["alpha, due later"] = dataclasses.replace(carts["alpha, due later"], due_back=day(9))
    texts = [*tags.values(), "NOPE-0001", "", " lns-0001 "]
    outcomes = set()
    for name, cart in carts.items():
        for text in texts:
            fast, slow = _scan_both(db, cart, text, monkeypatch)
            assert fast == slow, (name, text)
            outcomes.add(fast.verdict.outcome)
        fast, slow = _scan_both(db, cart, tags["kit"], monkeypatch, whole_kit=True)
        assert fast == slow, (name, "whole kit")
    assert {ScanOutcome.ADDED, ScanOutcome.UNAVAILABLE, ScanOutcome.ALREADY_IN_CART} <= outcomes
    assert {ScanOutcome.UNKNOWN_TAG, ScanOutcome.KIT_ADDED, ScanOutcome.STOCK_ADDED} <= outcomes


def test_a_model_booked_elsewhere_takes_the_detailed_path(house, actor, monkeypatch):
    db, tags = house
    with db.write() as s:
        model_bookings.reserve_models(s, actor, "Bravo", [("ARRI Alexa Mini LF", 1)])
    cart = _cart(db, tags["alpha"])
    fast, slow = _scan_both(db, cart, tags["lf_1"], monkeypatch)
    assert fast == slow and fast.verdict.outcome is ScanOutcome.ADDED
    second, second_slow = _scan_both(db, fast.cart, tags["lf_2"], monkeypatch)
    assert second == second_slow
    assert second.verdict.outcome is ScanOutcome.UNAVAILABLE
    assert "booked elsewhere" in second.verdict.message
    with db.read() as s:
        found = lookup_scan(
            s,
            tags["free"],
            day(0),
            day(4),
            gap=1,
            production_id=cart.production_id,
            cart_asset_ids=fast.cart.asset_ids,
        )
    assert found is not None and found.models_booked and not found.free


@pytest.mark.parametrize(
    ("state", "flag"),
    [
        ("booked_elsewhere", "booked"),
        ("booked_turnaround", "booked"),
        ("out_elsewhere", "open_line"),
        ("out_own", "open_line"),
        ("ticket", "open_ticket"),
    ],
)
def test_each_reason_is_seen_by_the_statement(house, state, flag):
    db, tags = house
    cart = _cart(db, tags["alpha"])
    with db.read() as s:
        found = lookup_scan(
            s, tags[state], day(0), day(4), gap=1, production_id=cart.production_id,
            cart_asset_ids=(),
        )  # fmt: skip
    assert found is not None and getattr(found, flag) and not found.free


def test_own_booking_and_a_returned_line_leave_it_free(house):
    db, tags = house
    cart = _cart(db, tags["alpha"])
    with db.read() as s:
        for state in ("booked_own", "back_in", "free"):
            found = lookup_scan(
                s, tags[state], day(0), day(4), gap=1, production_id=cart.production_id,
                cart_asset_ids=(),
            )  # fmt: skip
            assert found is not None and found.free, state
        kit_member = lookup_scan(
            s, tags["in_kit"], day(0), day(4), gap=0, production_id=None, cart_asset_ids=()
        )
        gone = lookup_scan(s, "NOPE-0001", day(0), day(4), gap=0, production_id=None,
                           cart_asset_ids=())  # fmt: skip
    assert kit_member is not None and kit_member.kit_tag == tags["kit"]
    assert gone is None
    # The turnaround: Carol's booking starts the day after the window, outside a 0-day buffer.
    with db.read() as s:
        found = lookup_scan(
            s, tags["booked_turnaround"], day(0), day(4) - timedelta(days=1), gap=0,
            production_id=cart.production_id, cart_asset_ids=(),
        )  # fmt: skip
    assert found is not None and found.free


def test_a_free_asset_is_answered_in_one_statement(house):
    db, tags = house
    cart = _cart(db, tags["alpha"], tags["in_kit"])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    before = db.quick.statements
    try:
        result = db.quick_read(
            lambda s: checkout_cart.scan_into_cart(s, cart, tags["free"], today=day(0))
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert result.verdict.outcome is ScanOutcome.ADDED
    # One statement on the quick reader's connection; no BEGIN, no ROLLBACK, nothing else.
    assert db.quick.statements - before == 1
    assert statements == []


@pytest.mark.parametrize("state", ["booked_elsewhere", "out_elsewhere", "ticket"])
def test_an_item_that_is_not_free_reads_only_its_details(house, state):
    """The scan's statement already read the flags: the refusal reads its reasons (bookings,
    open lines, tickets) in one more statement."""
    db, tags = house
    cart = _cart(db, tags["alpha"])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    before = db.quick.statements
    try:
        result = db.quick_read(
            lambda s: checkout_cart.scan_into_cart(s, cart, tags[state], today=day(0))
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert result.verdict.outcome is ScanOutcome.UNAVAILABLE
    assert db.quick.statements - before == 1
    assert len(statements) == 1, statements
    assert "UNION ALL" in statements[0], statements
