"""Swap, move, cancel and close-out: each leaves availability and history right."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gearroom.errors import ConflictError
from gearroom.models import AssetStatus
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    checkout_out,
    gear_lists,
    history,
    lifecycle,
    model_bookings,
    people,
    product_models,
    productions,
    reservations,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft, production_by_key

LF = "ARRI Alexa Mini LF"


def _d(n: int) -> date:
    return date.today() + timedelta(days=n)


@pytest.fixture
def house(catalog_db, actor):
    with catalog_db.write() as s:
        for n in range(2):
            catalog.create_asset(
                s,
                actor,
                AssetDraft(name=f"LF {n}", category="Camera", make="ARRI", model="Alexa Mini LF"),
            )
        for n in range(3):
            catalog.create_asset(s, actor, AssetDraft(name=f"Prime {n}", category="Lens"))
        productions.create_production(
            s, actor, "Nightfall", days=[ShootDayDraft(_d(n)) for n in (0, 1, 2)]
        )
        productions.create_production(
            s, actor, "Daybreak", days=[ShootDayDraft(_d(n)) for n in (6, 7)]
        )
        people.add_person(s, actor, "Ana Lopez", badge="P-0042")
        reservations.reserve(s, actor, "Nightfall", ["LNS-0001", "LNS-0002"])
        reservations.reserve(s, actor, "Daybreak", ["LNS-0003"])
    return catalog_db


def _free(s, tag: str, start: int, end: int, production: str | None = None) -> bool:
    return gear_lists.availability(s, tag, _d(start), _d(end), production=production).free


def test_swap_releases_the_old_unit_and_books_the_new_one(house, actor):
    with house.write() as s:
        result = lifecycle.swap(s, actor, "Nightfall", "lns-0002", "LNS-0003")
        assert (result.old_tag, result.new_tag) == ("LNS-0002", "LNS-0003")
    with house.read() as s:
        assert _free(s, "LNS-0002", 0, 2)
        assert not _free(s, "LNS-0003", 0, 2)
        assert any(
            "swapped" in e.summary
            for e in history.events_for_tag(s, production_by_key(s, "Nightfall").tag)
        )


def test_swap_is_refused_when_the_new_unit_is_taken_and_nothing_changes(house, actor):
    with house.write() as s:
        reservations.reserve(s, actor, "Daybreak", ["LNS-0003"], start=_d(1), end=_d(7))
    with pytest.raises(ConflictError), house.write() as s:
        lifecycle.swap(s, actor, "Nightfall", "LNS-0002", "LNS-0003")
    with house.read() as s:
        assert not _free(s, "LNS-0002", 0, 2)  # still booked for Nightfall


def test_moving_dates_rechecks_conflicts_and_due_back_follows(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)])
        cart = checkout_cart.new_cart(s, "Nightfall", "P-0042")
        cart = checkout_cart.scan_into_cart(s, cart, "LNS-0001").cart
        checkout.commit_checkout(s, actor, cart)
    # a day later: free, the bookings and the due-back of what is out follow
    with house.write() as s:
        moved = lifecycle.move_dates(s, actor, "Nightfall", wrap=[_d(3)])
        assert (moved.start, moved.end) == (_d(0), _d(3))
        assert moved.checkouts_due_back == 1
        (out,) = checkout_out.out_items(s, production="Nightfall")
        assert out.due_back == _d(3)
        model = product_models.model_by_key(s, LF)
        days = product_models.model_availability(s, [model.id], _d(3), _d(3))[model.id].days
        assert days[0].free == 0
    # onto Daybreak's days, where it books one of the two bodies: short, so a reason is needed
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Daybreak", [(LF, 1)])
    with pytest.raises(ConflictError, match="override reason"), house.write() as s:
        lifecycle.move_dates(s, actor, "Nightfall", wrap=[_d(6)])
    with house.write() as s:
        moved = lifecycle.move_dates(
            s, actor, "Nightfall", wrap=[_d(6)], override_reason="client extended"
        )
        assert moved.override_reason == "client extended"
    with house.read() as s:
        events = history.events_for_tag(s, production_by_key(s, "Nightfall").tag)
        assert any("client extended" in e.summary for e in events)


def test_cancel_is_refused_while_gear_is_out_and_releases_bookings(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 1)])
        cart = checkout_cart.new_cart(s, "Nightfall", "P-0042")
        cart = checkout_cart.scan_into_cart(s, cart, "LNS-0001").cart
        checkout.commit_checkout(s, actor, cart)
    with pytest.raises(ConflictError, match="still has 1 line"), house.write() as s:
        lifecycle.cancel_production(s, actor, "Nightfall", "client pulled out")
    with house.write() as s:
        from gearroom.services import returns

        returns.checkin(s, actor, ["LNS-0001"])
        result = lifecycle.cancel_production(s, actor, "Nightfall", "client pulled out")
        assert result.released == ("LNS-0001", "LNS-0002") and result.models_released == 1
    with house.read() as s:
        assert _free(s, "LNS-0002", 0, 2)
        model = product_models.model_by_key(s, LF)
        days = product_models.model_availability(s, [model.id], _d(1), _d(1))[model.id].days
        assert days[0].free == 2
        events = history.events_for_tag(s, production_by_key(s, "Nightfall").tag)
        assert any("cancelled: client pulled out" in e.summary for e in events)
    # kept, but it takes no new bookings
    with pytest.raises(ConflictError, match="was cancelled"), house.write() as s:
        reservations.reserve(s, actor, "Nightfall", ["LNS-0002"])
    with pytest.raises(ConflictError, match="was cancelled"), house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 1)])


def test_close_out_marks_what_is_still_out_missing_in_one_step(house, actor):
    with house.write() as s:
        cart = checkout_cart.new_cart(s, "Nightfall", "P-0042")
        for tag in ("LNS-0001", "LNS-0002", "CAM-0001"):
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, actor, cart)
        from gearroom.services import returns

        returns.checkin(s, actor, ["CAM-0001"])
    with house.write() as s:
        result = lifecycle.close_out(s, actor, "Nightfall")
        assert sorted(ln.tag for ln in result.missing) == ["LNS-0001", "LNS-0002"]
    with house.read() as s:
        assert catalog.get_asset(s, "LNS-0001").status is AssetStatus.LOST
        assert catalog.get_asset(s, "CAM-0001").status is AssetStatus.AVAILABLE
        assert not _free(s, "LNS-0001", 10, 12)
        assert all(ln.missing for ln in checkout_out.out_items(s, production="Nightfall"))
    with pytest.raises(ConflictError, match="nothing out"), house.write() as s:
        lifecycle.close_out(s, actor, "Nightfall")
