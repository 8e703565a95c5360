"""A mixed load on PostgreSQL: eight worker processes for a minute (ten seconds with --quick).

Each worker loops, until the time is up, over what workstations do at once: a check-out scan,
a keystroke search, and a small check-out (two assets chosen at random) checked in again
straight after, all through the services in their own sessions as the app runs them. Every
worker starts at the same moment (a barrier). The result counts the operations, how many
failed and why (deadlocks and serialization failures by name), and gives each kind's median
and p95. The run is bounded in time and runs only against the local test server.

``python -m benchmarks.pg_load [SECONDS]`` runs it alone.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date
from typing import Any

from benchmarks.harness import Result, percentile

WORKERS = 8


def _worker(
    url: str, house: dict[str, Any], seconds: float, seed: int, barrier: Any, out: Any
) -> None:
    from gearroom.db import open_database
    from gearroom.models import Role
    from gearroom.services import asset_search, checkout, checkout_cart, returns
    from gearroom.services.actor import Actor

    actor = Actor("load", Role.ADMIN)
    rng = random.Random(seed)
    today = date.fromisoformat(house["anchor"])
    tags = house["scan_tags"]
    db = open_database(url)
    times: dict[str, list[float]] = {"scan": [], "search": [], "checkout+checkin": []}
    errors: Counter[str] = Counter()
    try:
        with db.read() as s:
            base = checkout_cart.new_cart(s, house["production_tag"], house["custodian_badge"])
        barrier.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            kind = rng.choice(("scan", "scan", "search", "checkout+checkin"))
            started = time.perf_counter()
            try:
                if kind == "scan":
                    with db.read() as s:
                        checkout_cart.scan_into_cart(s, base, rng.choice(tags), today=today)
                elif kind == "search":
                    query = asset_search.AssetQuery(text=rng.choice(("cooke", "alexa", "lns-0")))
                    with db.read() as s:
                        ids = asset_search.find_asset_ids(s, query)
                        asset_search.asset_rows(s, ids[:200])
                else:
                    cart = base
                    with db.read() as s:
                        for tag in rng.sample(tags, 2):
                            cart = checkout_cart.scan_into_cart(s, cart, tag, today=today).cart
                    if not cart.lines:
                        continue
                    with db.write() as s:
                        checkout.commit_checkout(s, actor, cart, today=today)
                    with db.write() as s:
                        returns.checkin(s, actor, [ln.tag for ln in cart.lines], today=today)
            except Exception as exc:  # counted by kind: the figure is how often and why
                orig = getattr(exc, "orig", None)
                errors[type(orig or exc).__name__] += 1
                continue
            times[kind].append(time.perf_counter() - started)
    finally:
        db.dispose()
        out.put((times, dict(errors)))


def bench_load(url: str, house: dict[str, Any], seconds: float) -> list[Result]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(url, house, seconds, n, barrier, queue))
        for n in range(WORKERS)
    ]
    for w in workers:
        w.start()
    reports = [queue.get(timeout=seconds + 300) for _ in workers]
    for w in workers:
        w.join(60)
    times: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    for got, failed in reports:
        for kind, values in got.items():
            times.setdefault(kind, []).extend(values)
        errors.update(failed)
    total = sum(len(v) for v in times.values())
    failed = ", ".join(f"{n} {name}" for name, n in errors.most_common()) or "none"
    results = []
    for kind, values in times.items():
        ms = [v * 1000 for v in values] or [0.0]
        results.append(
            Result(
                key=f"pg_load_{kind.replace('+', '_')}",
                label=f"PostgreSQL load, {WORKERS} workers: {kind}",
                unit="ms",
                runs=len(values),
                median=statistics.median(ms),
                p95=percentile(ms, 0.95),
                note=f"{seconds:.0f} s, {total} operations in all; failures: {failed}",
                samples=ms,
            )
        )
    return results


def main(argv: list[str]) -> int:
    from dataclasses import asdict

    from benchmarks.harness import format_table
    from benchmarks.pg_lan import postgres_house

    seconds = float(argv[0]) if argv else 60.0
    with postgres_house() as (url, _port, house):
        results = bench_load(url, asdict(house), seconds)
    print(format_table(results))
    for r in results[:1]:
        print(r.note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
