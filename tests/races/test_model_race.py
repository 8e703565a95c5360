"""Two workstations book the last free unit of a model at the same moment: one wins.

Each workstation is a spawned process with its own :class:`Database` on the same URL; they
wait on a barrier and then book. The database decides (``SELECT … FOR UPDATE`` on the model's
row on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite); the loser is told how many are free.
"""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from sqlalchemy import func, select

from gearroom.db import open_database
from gearroom.errors import GearroomError
from gearroom.models import Checkout, CheckoutLine, ModelReservation
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    model_bookings,
    people,
    product_models,
    productions,
)
from gearroom.services.actor import Actor, Role
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft

MODEL = "ARRI Alexa Mini LF"
TIMEOUT = 60


def _book(url: str, production: str, barrier: Barrier, results: Queue[Any]) -> None:
    db = open_database(url)
    try:
        barrier.wait(timeout=TIMEOUT)
        try:
            with db.write() as s:
                model_bookings.reserve_models(
                    s, Actor(f"desk-{production}", Role.STAFF), production, [(MODEL, 1)]
                )
            results.put((production, "won", ""))
        except GearroomError as exc:
            results.put((production, "lost", str(exc)))
        except Exception as exc:
            results.put((production, "error", repr(exc)))
    finally:
        db.dispose()


def test_two_workstations_booking_the_last_unit_of_a_model_one_wins(catalog_db, db_url, actor):
    today = date.today()
    with catalog_db.write() as s:
        for n in range(2):
            catalog.create_asset(
                s,
                actor,
                AssetDraft(name=f"LF {n}", category="Camera", make="ARRI", model="Alexa Mini LF"),
            )
        for name in ("Holder", "Job A", "Job B"):
            days = [ShootDayDraft(today + timedelta(days=n)) for n in (2, 3, 4)]
            productions.create_production(s, actor, name, days=days)
        model_bookings.reserve_models(s, actor, "Holder", [(MODEL, 1)])
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results: Queue[Any] = ctx.Queue()
    procs = [
        ctx.Process(target=_book, args=(db_url, p, barrier, results)) for p in ("Job A", "Job B")
    ]
    for p in procs:
        p.start()
    found = sorted(results.get(timeout=TIMEOUT) for _ in procs)
    for p in procs:
        p.join(timeout=TIMEOUT)
    outcomes = sorted(o for _p, o, _m in found)
    assert outcomes == ["lost", "won"], found
    loser = next(m for _p, o, m in found if o == "lost")
    assert "Only 0 of 2 ARRI Alexa Mini LF are free" in loser
    with catalog_db.read() as s:
        assert s.scalar(select(func.sum(ModelReservation.quantity))) == 2
        model = product_models.model_by_key(s, MODEL)
        start = today + timedelta(days=2)
        days = product_models.model_availability(s, [model.id], start, start)[model.id].days
        assert days[0].free == 0


def _check_out(url: str, production: str, tag: str, barrier: Barrier, results: Queue[Any]) -> None:
    db = open_database(url)
    try:
        badge = f"P-{production[-1]}"
        with db.read() as s:
            cart = checkout_cart.new_cart(
                s, production, badge, due_back=date.today() + timedelta(days=1)
            )
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        barrier.wait(timeout=TIMEOUT)
        try:
            with db.write() as s:
                checkout.commit_checkout(s, Actor(f"desk-{production}", Role.STAFF), cart)
            results.put((production, "won", ""))
        except GearroomError as exc:
            results.put((production, "lost", str(exc)))
        except Exception as exc:
            results.put((production, "error", repr(exc)))
    finally:
        db.dispose()


def test_two_check_outs_of_the_last_unit_of_a_model_one_wins(catalog_db, db_url, actor):
    """Each desk scans a different serial while one unit is left; the model's row decides."""
    today = date.today()
    with catalog_db.write() as s:
        tags = [
            catalog.create_asset(
                s,
                actor,
                AssetDraft(name=f"LF {n}", category="Camera", make="ARRI", model="Alexa Mini LF"),
            ).tag
            for n in range(3)
        ]
        for name in ("Holder", "Job A", "Job B"):
            days = [ShootDayDraft(today + timedelta(days=n)) for n in (0, 1, 2)]
            productions.create_production(s, actor, name, days=days)
        for badge in ("P-A", "P-B"):
            people.add_person(s, actor, f"Crew {badge}", badge=badge)
        model_bookings.reserve_models(s, actor, "Holder", [(MODEL, 2)])
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results: Queue[Any] = ctx.Queue()
    procs = [
        ctx.Process(target=_check_out, args=(db_url, p, t, barrier, results))
        for p, t in (("Job A", tags[0]), ("Job B", tags[1]))
    ]
    for p in procs:
        p.start()
    found = sorted(results.get(timeout=TIMEOUT) for _ in procs)
    for p in procs:
        p.join(timeout=TIMEOUT)
    outcomes = sorted(o for _p, o, _m in found)
    assert outcomes == ["lost", "won"], found
    loser = next(m for _p, o, m in found if o == "lost")
    assert "Only 0 of 3 ARRI Alexa Mini LF are free" in loser
    with catalog_db.read() as s:
        assert s.scalar(select(func.count(CheckoutLine.id))) == 1
        assert s.scalar(select(func.count(Checkout.id))) == 1
