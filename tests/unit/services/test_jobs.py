"""The dashboard by job: one row per production per section, item rows on demand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from gearroom.models import Checkout
from gearroom.services import checkout, checkout_cart, drafts, jobs, model_bookings, reservations
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
        assert [r.production for r in board.sections[JobSection.THIS_WEEK]] == [
            "Today Job",
            "Later Job",
        ]
        items = jobs.job_items(s, "Today Job", JobSection.GOING_OUT_TODAY)
        assert len(items.pick) == 41 and sum(ln.done for ln in items.pick) == 4
        overdue = jobs.job_items(s, "Late Job", "overdue")
        assert [o.tag for o in overdue.out] == [lenses[40]]
