"""Several workstations racing for the same gear, on both engines.

Two and then eight worker processes (spawned, each with its own :class:`Database` on the same
URL) wait on a barrier and then commit at the same moment: a check-out of one asset, a
reservation of one kit for overlapping windows, check-outs of more stock than is owned, and
check-ins of an asset while others check it out. The database's own guarantees decide (the
unique index on open lines, ``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite); no lock in this process helps.

After each race the database is searched for what must never happen (an asset on two open
lines, overlapping reservations of two productions for one asset, stock out or booked beyond
what is owned, a status that disagrees with the lines, a broken history chain), and every
loser must have been told why in plain words. ``pytest -s`` prints one summary line per race.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from gearroom.db import Database, open_database
from gearroom.errors import GearroomError
from gearroom.models import Asset, AssetStatus, CheckoutLine, Reservation, StockItem
from gearroom.services import (
    checkout,
    checkout_cart,
    checkout_out,
    history,
    kits,
    people,
    productions,
    reservations,
    returns,
    stock,
)
from gearroom.services.actor import Actor, Role
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.checkout_cart import Cart
from gearroom.services.productions import ShootDayDraft

SIZES = (2, 8)
MAX_WORKERS = max(SIZES)
RESULT_TIMEOUT = 60

# --------------------------------------------------------------------------- the workers


def _attempt(db: Database, index: int, op: tuple[Any, ...]) -> None:
    actor = Actor(f"desk-{index}", Role.STAFF)
    with db.write() as s:
        if op[0] == "checkout":
            checkout.commit_checkout(s, actor, op[1])
        elif op[0] == "checkin":
            returns.checkin(s, actor, op[1])
        elif op[0] == "reserve":
            reservations.reserve(s, actor, op[1], op[2])
        else:  # pragma: no cover - a typo in a test
            raise ValueError(op[0])


def _worker_main(index: int, tasks: Queue[Any], results: Queue[Any], barriers: Any) -> None:
    """One workstation: for each task, open the database, wait for the others, try once."""
    while True:
        task = tasks.get()
        if task is None:
            return
        url, size, op = task
        barrier: Barrier = barriers[size]
        try:
            db = open_database(url)
        except BaseException as exc:
            barrier.abort()
            results.put((index, "error", f"cannot open: {exc!r}", 0.0))
            continue
        try:
            barrier.wait(timeout=RESULT_TIMEOUT)
            started = time.perf_counter()
            try:
                _attempt(db, index, op)
                outcome, message = "won", ""
            except GearroomError as exc:
                outcome, message = "lost", str(exc)
            except Exception as exc:
                outcome, message = "error", repr(exc)
            results.put((index, outcome, message, time.perf_counter() - started))
        except BaseException as exc:
            results.put((index, "error", repr(exc), 0.0))
        finally:
            db.dispose()


@dataclasses.dataclass
class Workers:
    """Worker processes started once for the module (spawning one costs about a second)."""

    processes: list[SpawnProcess]
    tasks: list[Queue[Any]]
    results: Queue[Any]

    def race(self, url: str, ops: list[tuple[Any, ...]]) -> list[tuple[int, str, str, float]]:
        size = len(ops)
        assert size in SIZES
        for i, op in enumerate(ops):
            self.tasks[i].put((url, size, op))
        found = [self.results.get(timeout=RESULT_TIMEOUT) for _ in ops]
        return sorted(found)


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    ctx = multiprocessing.get_context("spawn")
    barriers = {n: ctx.Barrier(n) for n in SIZES}
    results: Queue[Any] = ctx.Queue()
    tasks: list[Queue[Any]] = [ctx.Queue() for _ in range(MAX_WORKERS)]
    processes = [
        ctx.Process(target=_worker_main, args=(i, tasks[i], results, barriers), daemon=True)
        for i in range(MAX_WORKERS)
    ]
    for p in processes:
        p.start()
    yield Workers(processes, tasks, results)
    for q in tasks:
        q.put(None)
    for p in processes:
        p.join(timeout=10)
        if p.is_alive():
            p.terminate()
            p.join(timeout=5)


# --------------------------------------------------------------------------- the shop


def _day(n: int) -> date:
    return date.today() + timedelta(days=n)


@dataclasses.dataclass
class Shop:
    db: Database
    url: str
    productions: list[str]  # tags
    badges: list[str]
    camera: str
    lenses: list[str]
    battery: str
    battery_quantity: int
    package: str  # a kit: the camera, two lenses and four batteries


def _production(s: Any, actor: Actor, name: str, first: int, last: int) -> str:
    days = [ShootDayDraft(_day(n)) for n in range(first, last + 1)]
    return productions.create_production(s, actor, name, days=days).tag


@pytest.fixture
def shop(catalog_db: Database, db_url: str, actor: Actor) -> Shop:
    with catalog_db.write() as s:
        camera = create_asset(s, actor, AssetDraft(name="ARRI Alexa 35", category="Camera")).tag
        lenses = [
            create_asset(s, actor, AssetDraft(name=f"Signature Prime {mm}mm", category="Lens")).tag
            for mm in (25, 40)
        ]
        battery = stock.create_stock_item(s, actor, "V-mount 150Wh", "Power", 6).tag
        package = kits.create_kit(s, actor, "Alexa 35 package").tag
        for tag in (camera, *lenses):
            kits.add_to_kit(s, actor, package, tag)
        kits.add_to_kit(s, actor, package, battery, 4)
        # Every production's window overlaps every other's (days 0-4 … 2-6).
        prods = [_production(s, actor, f"Job {i}", i % 3, 4 + i % 3) for i in range(MAX_WORKERS)]
        badges = [people.add_person(s, actor, f"Crew {i}").badge for i in range(MAX_WORKERS)]
    return Shop(catalog_db, db_url, prods, badges, camera, lenses, battery, 6, package)


def _cart(shop: Shop, i: int, *scans: str) -> Cart:
    with shop.db.read() as s:
        cart = checkout_cart.new_cart(s, shop.productions[i], shop.badges[i], due_back=_day(3))
        for text in scans:
            result = checkout_cart.scan_into_cart(s, cart, text)
            assert result.verdict.ok, result.verdict.message
            cart = result.cart
    return cart


# --------------------------------------------------------------------------- the checks


def violations(db: Database) -> list[str]:
    """Everything the database must never hold, whoever won."""
    found: list[str] = []
    with db.read() as s:
        for asset_id, n in s.execute(
            select(CheckoutLine.asset_id, func.count())
            .where(CheckoutLine.asset_id.is_not(None), CheckoutLine.returned_at.is_(None))
            .group_by(CheckoutLine.asset_id)
            .having(func.count() > 1)
        ):
            found.append(f"asset #{asset_id} is on {n} open check-out lines")
        r1, r2 = aliased(Reservation), aliased(Reservation)
        for a, b, asset_id in s.execute(
            select(r1.id, r2.id, r1.asset_id).join(
                r2,
                and_(
                    r1.asset_id == r2.asset_id,
                    r1.id < r2.id,
                    r1.production_id != r2.production_id,
                    r1.start_date <= r2.end_date,
                    r2.start_date <= r1.end_date,
                    r1.override_reason == "",
                    r2.override_reason == "",
                ),
            )
        ):
            found.append(f"reservations #{a} and #{b} overlap for asset #{asset_id}")
        owned = {int(i): int(q) for i, q in s.execute(select(StockItem.id, StockItem.quantity))}
        out = s.execute(
            select(
                CheckoutLine.stock_item_id,
                func.sum(CheckoutLine.quantity - CheckoutLine.returned_quantity),
            )
            .where(CheckoutLine.stock_item_id.is_not(None), CheckoutLine.returned_at.is_(None))
            .group_by(CheckoutLine.stock_item_id)
        )
        for stock_id, n in out:
            if n > owned[stock_id]:
                found.append(f"stock #{stock_id}: {n} out of {owned[stock_id]} owned")
        booked: dict[tuple[int, Any], int] = defaultdict(int)
        for stock_id, qty, start, end in s.execute(
            select(
                Reservation.stock_item_id,
                Reservation.quantity,
                Reservation.start_date,
                Reservation.end_date,
            ).where(Reservation.stock_item_id.is_not(None), Reservation.override_reason == "")
        ):
            day = start
            while day <= end:
                booked[(stock_id, day)] += qty
                day += timedelta(days=1)
        for (stock_id, day), n in booked.items():
            if n > owned[stock_id]:
                found.append(f"stock #{stock_id}: {n} booked on {day} of {owned[stock_id]}")
        open_assets = set(
            s.scalars(
                select(CheckoutLine.asset_id).where(
                    CheckoutLine.asset_id.is_not(None), CheckoutLine.returned_at.is_(None)
                )
            )
        )
        for asset_id, tag, status in s.execute(select(Asset.id, Asset.tag, Asset.status)):
            if (status is AssetStatus.OUT) != (asset_id in open_assets):
                found.append(f"{tag} is {status.value} but open lines say otherwise")
        chain = history.verify_chain(s)
        if not chain.ok:
            found.append(f"history: {chain.problem}")
    return found


def _summary(
    name: str, engine: str, results: list[tuple[int, str, str, float]], bad: list[str]
) -> tuple[int, int, int]:
    won = sum(1 for r in results if r[1] == "won")
    lost = sum(1 for r in results if r[1] == "lost")
    errors = [r for r in results if r[1] == "error"]
    slowest = max((r[3] for r in results), default=0.0)
    print(
        f"\nrace {name} [{engine}, {len(results)} workers]: attempts={len(results)} "
        f"winners={won} losers={lost} errors={len(errors)} violations={len(bad)} "
        f"(slowest attempt {slowest:.2f} s)"
    )
    assert errors == [], f"attempts ended without a clear message: {errors}"
    assert bad == [], bad
    return won, lost, len(errors)


def _losers(results: list[tuple[int, str, str, float]]) -> list[str]:
    return [r[2] for r in results if r[1] == "lost"]


# --------------------------------------------------------------------------- the races


@pytest.mark.parametrize("size", SIZES)
def test_checking_out_one_asset_from_every_workstation(
    shop: Shop, workers: Workers, db_engine: str, size: int
) -> None:
    carts = [_cart(shop, i, shop.camera, shop.lenses[i % 2]) for i in range(size)]
    results = workers.race(shop.url, [("checkout", c) for c in carts])
    won, lost, _ = _summary("check-out of one asset", db_engine, results, violations(shop.db))
    assert (won, lost) == (1, size - 1)
    winner = next(r[0] for r in results if r[1] == "won")
    for message in _losers(results):
        assert re.fullmatch(
            rf"({re.escape(shop.camera)}|{'|'.join(map(re.escape, shop.lenses))}) is already out "
            rf"to Crew {winner} for Job {winner} since \d{{4}}-\d\d-\d\d"
            r"(; \S+ is already out to .+)?\.",
            message,
        ), message
    with shop.db.read() as s:
        assert len(checkout_out.out_items(s)) == 2  # the camera and the winner's lens
        assert {o.production for o in checkout_out.out_items(s)} == {f"Job {winner}"}


@pytest.mark.parametrize("size", SIZES)
def test_reserving_one_kit_for_overlapping_windows(
    shop: Shop, workers: Workers, db_engine: str, size: int
) -> None:
    ops = [("reserve", shop.productions[i], [shop.package]) for i in range(size)]
    results = workers.race(shop.url, ops)
    won, lost, _ = _summary("reservation of one kit", db_engine, results, violations(shop.db))
    assert (won, lost) == (1, size - 1)
    winner = next(r[0] for r in results if r[1] == "won")
    for (index, outcome, message, _t), op in zip(results, ops, strict=True):
        if outcome == "lost":
            assert message.startswith(f"Cannot reserve for Job {index}: "), message
            assert f"reserved for Job {winner}" in message, message
            assert message.endswith("Reserve with an override reason to book it anyway."), op
    with shop.db.read() as s:
        held = reservations.list_reservations(s)
    assert {v.production for v in held} == {f"Job {winner}"}
    assert sorted(v.tag for v in held) == sorted([shop.camera, *shop.lenses, shop.battery])


@pytest.mark.parametrize("size", SIZES)
def test_checking_out_more_stock_than_is_owned(
    shop: Shop, workers: Workers, db_engine: str, size: int
) -> None:
    """Six batteries, every workstation wants four: only one cart can go out."""
    carts = [_cart(shop, i, f"{shop.battery}:4") for i in range(size)]
    results = workers.race(shop.url, [("checkout", c) for c in carts])
    won, lost, _ = _summary("check-out of stock", db_engine, results, violations(shop.db))
    assert (won, lost) == (1, size - 1)
    for message in _losers(results):
        assert message == (
            f"Only 2 of 6 V-mount 150Wh ({shop.battery}) are in the house; 4 cannot go out."
        )


@pytest.mark.parametrize("size", SIZES)
def test_checking_in_while_other_workstations_check_out(
    shop: Shop, workers: Workers, db_engine: str, size: int, actor: Actor
) -> None:
    """The camera comes back from Job 0 while other desks send it out again (their carts were
    scanned before it went out). Whatever the order, it is never out twice, and each success
    follows the one before it (in, out, in, …)."""
    stale = [_cart(shop, i, shop.camera) for i in range(size)]
    with shop.db.write() as s:
        first = dataclasses.replace(_cart(shop, 0), lines=stale[0].lines)
        checkout.commit_checkout(s, actor, first)
        start = history.newest_event_id(s)
    ops: list[tuple[Any, ...]] = [
        ("checkin", [shop.camera]) if i % 2 == 0 else ("checkout", stale[i]) for i in range(size)
    ]
    results = workers.race(shop.url, ops)
    won, lost, _ = _summary("check-in against check-out", db_engine, results, violations(shop.db))
    assert won + lost == size and won >= 1
    checkins = [r for r in results if r[1] == "won" and ops[r[0]][0] == "checkin"]
    checkouts = [r for r in results if r[1] == "won" and ops[r[0]][0] == "checkout"]
    for index, outcome, message, _t in results:
        if outcome != "lost":
            continue
        if ops[index][0] == "checkin":
            assert message.startswith(f"{shop.camera} is not out"), message
        else:
            assert re.fullmatch(
                rf"{re.escape(shop.camera)} is already out to Crew \d for Job \d since "
                r"\d{4}-\d\d-\d\d\.",
                message,
            ), message
    with shop.db.read() as s:
        sequence = [
            e.action
            for e in reversed(history.events_for_tag(s, shop.camera))
            if e.id > start and e.action in ("checkin", "checkout")
        ]
        status = s.scalar(select(Asset.status).where(Asset.tag == shop.camera))
    assert sequence == ["checkin", "checkout"] * len(checkouts) + ["checkin"] * (
        len(checkins) - len(checkouts)
    )
    assert len(checkins) - len(checkouts) in (0, 1)
    assert status is (AssetStatus.OUT if len(checkins) == len(checkouts) else AssetStatus.AVAILABLE)
