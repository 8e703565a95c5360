"""Booking a quantity of a model: free count per day with the turnaround buffer, conflicts,
overrides, serial reservations beside model bookings, and releasing."""

from __future__ import annotations

from datetime import date

import pytest

from gearroom.errors import ConflictError, NotFoundError
from gearroom.services import (
    availability,
    catalog,
    history,
    model_bookings,
    people,
    product_models,
    productions,
    reservations,
    service_tickets,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft

TODAY = date(2026, 12, 1)
LF = "ARRI Alexa Mini LF"


def _days(*days: int) -> list[ShootDayDraft]:
    return [ShootDayDraft(date(2026, 12, d)) for d in days]


@pytest.fixture
def house(catalog_db, actor):
    with catalog_db.write() as s:
        for n in range(3):
            catalog.create_asset(
                s,
                actor,
                AssetDraft(
                    name=f"Alexa Mini LF body {n + 1}",
                    category="Camera",
                    make="ARRI",
                    model="Alexa Mini LF",
                    serial=f"LF-{n}",
                    location="Shelf A1",
                ),
            )
        productions.create_production(s, actor, "Nightfall", days=_days(3, 4, 5))
        productions.create_production(s, actor, "Daybreak", days=_days(6, 7))
        productions.create_production(s, actor, "Later", days=_days(10, 11))
        people.add_person(s, actor, "Ana Lopez", badge="P-0042")
    return catalog_db


def _free(s, start: int, end: int, production: str | None = None) -> list[int]:
    model = product_models.model_by_key(s, LF)
    pid = productions.production_by_key(s, production).id if production else None
    found = product_models.model_availability(
        s, [model.id], date(2026, 12, start), date(2026, 12, end), production_id=pid, today=TODAY
    )[model.id]
    return [d.free for d in found.days]


def test_assets_share_one_model_and_its_page_lists_them(house):
    with house.read() as s:
        (summary,) = product_models.list_models(s)
        assert (summary.name, summary.serials, summary.bookable) == (LF, 3, 3)
        detail = product_models.show_model(s, "arri alexa mini lf", today=TODAY)
        assert [x.serial for x in detail.serials] == ["LF-0", "LF-1", "LF-2"]
        assert len(detail.strip.days) == 14


def test_model_free_count_per_day_with_the_turnaround_buffer(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)], today=TODAY)
    with house.read() as s:
        # booked 3rd..5th; the 1-day buffer keeps the 2nd and the 6th short too
        assert _free(s, 1, 8) == [3, 1, 1, 1, 1, 1, 3, 3]
        assert _free(s, 3, 5, "Nightfall") == [3, 3, 3]
    with house.write() as s:
        availability.set_turnaround_days(s, actor, 0)
    with house.read() as s:
        assert _free(s, 1, 8) == [3, 3, 1, 1, 1, 3, 3, 3]


def test_a_shortage_is_refused_unless_overridden_and_history_says_why(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)], today=TODAY)
    short = "Only 1 of 3 ARRI Alexa Mini LF are free"
    with pytest.raises(ConflictError, match=short), house.write() as s:
        model_bookings.reserve_models(s, actor, "Daybreak", [(LF, 2)], today=TODAY)
    with house.write() as s:
        result = model_bookings.reserve_models(
            s, actor, "Daybreak", [(LF, 2)], override_reason="sub-rental arriving", today=TODAY
        )
        assert result.override_reason == "sub-rental arriving"
        events = history.events_for(s, "model", result.booked[0].model_id)
        assert any("sub-rental arriving" in e.summary for e in events)


def test_booking_again_asks_for_that_many_in_all(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)], today=TODAY)
        again = model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)], today=TODAY)
        assert again.booked == ()
        pid = productions.production_by_key(s, "Nightfall").id
        assert [ln.quantity for ln in model_bookings.model_lines(s, pid)] == [2]


def test_serials_in_service_or_retired_are_not_counted(house, actor):
    with house.write() as s:
        service_tickets.open_ticket(s, actor, "CAM-0001", "sensor")
        catalog.retire_asset(s, actor, "CAM-0002", "sold")
    with house.read() as s:
        assert _free(s, 3, 3) == [1]
    with pytest.raises(ConflictError), house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)], today=TODAY)


def test_a_serial_reserved_by_tag_must_fit_beside_model_bookings(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 3)], today=TODAY)
    with pytest.raises(ConflictError, match="Only 0 of 3"), house.write() as s:
        reservations.reserve(s, actor, "Daybreak", ["CAM-0001"], today=TODAY)
    with house.write() as s:
        # far enough away, it is free
        reservations.reserve(s, actor, "Later", ["CAM-0001"], today=TODAY)
    with house.read() as s:
        assert _free(s, 10, 11) == [2, 2]


def test_release_part_of_a_model_booking(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 3)], today=TODAY)
        assert model_bookings.unreserve_models(s, actor, "Nightfall", [(LF, 2)]) == 2
    with house.read() as s:
        assert _free(s, 4, 4) == [2]
    with pytest.raises(ConflictError, match="Only 1"), house.write() as s:
        model_bookings.unreserve_models(s, actor, "Nightfall", [(LF, 2)])
    with pytest.raises(NotFoundError, match="Did you mean"), house.read() as s:
        product_models.model_by_key(s, "Alexa Mini")


def test_release_one_model_line_whole_or_part(house, actor):
    with house.write() as s:
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 1)], today=TODAY)
        model_bookings.reserve_models(s, actor, "Daybreak", [(LF, 1)], today=TODAY)
        nightfall = productions.production_by_key(s, "Nightfall").id
        # A second line of the same model, over a shorter span of the window.
        model_bookings.reserve_models(
            s,
            actor,
            "Nightfall",
            [(LF, 2)],
            start=date(2026, 12, 3),
            end=date(2026, 12, 3),
            today=TODAY,
        )
        lines = model_bookings.model_lines(s, nightfall)
        assert [(ln.quantity, ln.start.day, ln.end.day) for ln in lines] == [(1, 3, 5), (1, 3, 3)]
        long_line = lines[0]
        before = _free(s, 4, 4)[0]
    with pytest.raises(ConflictError, match="Only 1"), house.write() as s:
        model_bookings.release_model_line(s, actor, "Nightfall", long_line.id, 2)
    with house.write() as s:
        assert model_bookings.release_model_line(s, actor, "Nightfall", long_line.id) == 1
    with house.read() as s:
        left = model_bookings.model_lines(s, nightfall)
        assert [(ln.quantity, ln.start.day, ln.end.day) for ln in left] == [(1, 3, 3)]
        assert _free(s, 4, 4) == [before + 1]
        said = [e.summary for e in history.events_for(s, "model", long_line.model_id)]
        assert any("1 × ARRI Alexa Mini LF no longer reserved for Nightfall" in t for t in said)
    # Another production's line is not this production's to release.
    with house.read() as s:
        daybreak = productions.production_by_key(s, "Daybreak").id
        (other,) = model_bookings.model_lines(s, daybreak)
    with pytest.raises(NotFoundError, match="no longer held"), house.write() as s:
        model_bookings.release_model_line(s, actor, "Nightfall", other.id)
