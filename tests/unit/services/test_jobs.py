"""The dashboard by job: one row per production per section, item rows on demand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from gearroom.models import Checkout, Production, ShootDayKind
from gearroom.services import (
    checkout,
    checkout_cart,
    drafts,
    jobs,
    model_bookings,
    productions,
    reservations,
)
from gearroom.services.jobs import JobSection
from tests.unit.services._gear import D0, asset, day, person, production


def test_jobs_are_grouped_by_production_with_picked_of_booked(catalog_db, actor):
    with catalog_db.write() as s:
        bodies = [
            asset(s, actor, f"LF {n}", "Camera", make="ARRI", model="Alexa Mini LF")
            for n in range(3)
        ]
        lenses = [asset(s, actor, f"Prime {n}") for n in range(41)]
        ana = person(s, actor, "Ana Lopez")
        production(s, actor, "Today Job", 0, 3)
        production(s, actor, "Late Job", -5, -2)
        production(s, actor, "Later Job", 4, 6)
        reservations.reserve(s, actor, "Today Job", lenses[:40])
        model_bookings.reserve_models(s, actor, "Today Job", [("ARRI Alexa Mini LF", 1)])
        reservations.reserve(s, actor, "Later Job", [bodies[2]])
        draft = drafts.start_draft(s, actor, "Today Job", custodian=ana)
        for tag in (*lenses[:3], bodies[0]):
            assert drafts.scan_draft(s, actor, draft.id, tag).ok
        cart = checkout_cart.new_cart(s, "Late Job", ana, due_back=day(5))
        cart = checkout_cart.scan_into_cart(s, cart, lenses[40]).cart
        view = checkout.commit_checkout(s, actor, cart)
        s.execute(
            update(Checkout).where(Checkout.id == view.id).values(due_back=D0 - timedelta(days=1))
        )
    with catalog_db.read() as s:
        board = jobs.job_board(s)
        (going,) = board.sections[JobSection.GOING_OUT_TODAY]
        assert (going.production, going.items, going.picked, going.booked) == (
            "Today Job",
            41,
            4,
            41,
        )
        assert going.custodians == ("Ana Lopez",)
        (late,) = board.sections[JobSection.OVERDUE]
        assert (late.production, late.items) == ("Late Job", 1)
        assert board.sections[JobSection.DUE_BACK_TODAY] == ()
        # "This week" is the calendar week: Later Job (from day 4) is in it unless the week
        # ends before then.
        _monday, sunday = jobs.calendar_week(D0)
        assert [r.production for r in board.sections[JobSection.THIS_WEEK]] == [
            "Today Job",
            *(["Later Job"] if day(4) <= sunday else []),
        ]
        items = jobs.job_items(s, "Today Job", JobSection.GOING_OUT_TODAY)
        assert len(items.pick) == 41 and sum(ln.done for ln in items.pick) == 4
        overdue = jobs.job_items(s, "Late Job", "overdue")
        assert [o.tag for o in overdue.out] == [lenses[40]]


SATURDAY = date(2026, 12, 5)


def _job(s, actor, name: str, first: date, last: date) -> None:  # type: ignore[no-untyped-def]
    days = [productions.ShootDayDraft(first, ShootDayKind.PREP)]
    if last > first:
        days.append(productions.ShootDayDraft(last, ShootDayKind.WRAP))
    productions.create_production(s, actor, name, days=days)


def test_this_week_is_the_calendar_week_monday_to_sunday(catalog_db, actor):
    """On a Saturday "this week" runs from the Monday before to the next day, Sunday: not
    the next seven days."""
    assert SATURDAY.weekday() == 5
    assert jobs.calendar_week(SATURDAY) == (date(2026, 11, 30), date(2026, 12, 6))
    assert jobs.calendar_week(date(2026, 11, 30)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert jobs.calendar_week(date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 6))
    with catalog_db.write() as s:
        lenses = [asset(s, actor, f"Prime {n}") for n in range(5)]
        weeks = {
            "Monday Job": (date(2026, 11, 30), date(2026, 12, 1)),  # earlier this week
            "Sunday Job": (date(2026, 12, 6), date(2026, 12, 6)),  # the week's last day
            "Next Monday Job": (date(2026, 12, 7), date(2026, 12, 9)),  # within 7 days
            "Last Sunday Job": (date(2026, 11, 28), date(2026, 11, 29)),  # the week before
            "Called Off Job": (date(2026, 12, 3), date(2026, 12, 4)),
        }
        for (name, (first, last)), tag in zip(weeks.items(), lenses, strict=True):
            _job(s, actor, name, first, last)
            reservations.reserve(s, actor, name, [tag])
        # A cancelled production is not a job, even when something still names it.
        s.execute(
            update(Production)
            .where(Production.name == "Called Off Job")
            .values(
                cancelled_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
                cancel_reason="client pulled it",
            )
        )
    with catalog_db.read() as s:
        board = jobs.job_board(s, today=SATURDAY)
    assert [r.production for r in board.sections[JobSection.THIS_WEEK]] == [
        "Monday Job",
        "Sunday Job",
    ]
    assert board.sections[JobSection.GOING_OUT_TODAY] == ()
    with catalog_db.read() as s:
        sunday = jobs.job_board(s, today=date(2026, 12, 6))
        next_monday = jobs.job_board(s, today=date(2026, 12, 7))
    assert [r.production for r in sunday.sections[JobSection.GOING_OUT_TODAY]] == ["Sunday Job"]
    assert [r.production for r in next_monday.sections[JobSection.THIS_WEEK]] == ["Next Monday Job"]
