"""Eight workstations issue invoices at the same moment: the numbers are consecutive, unique,
and without gaps. Each is a spawned process with its own :class:`Database` on the same URL."""

from __future__ import annotations

import multiprocessing
from datetime import date
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from sqlalchemy import select

from gearroom.db import open_database
from gearroom.models import Invoice
from gearroom.services import invoicing, quotes
from gearroom.services.actor import Actor, Role
from tests.unit.services._money import book, job, priced_house

WORKSTATIONS = 8
TIMEOUT = 90
ISSUE_DAY = date(2027, 5, 3)


def _issue(url: str, draft: str, barrier: Barrier, results: Queue[Any]) -> None:
    db = open_database(url)
    try:
        barrier.wait(timeout=TIMEOUT)
        try:
            with db.write() as s:
                view = invoicing.issue_invoice(
                    s, Actor(f"desk-{draft}", Role.STAFF), draft, today=ISSUE_DAY
                )
            results.put((draft, view.number))
        except Exception as exc:
            results.put((draft, f"error {exc!r}"))
    finally:
        db.dispose()


def test_eight_workstations_issuing_at_once_get_consecutive_numbers(catalog_db, db_url, actor):
    drafts: list[str] = []
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        for n in range(WORKSTATIONS):
            name = job(s, actor, f"Job {n}", first=n * 5, last=n * 5 + 1)
            book(s, actor, name, h.cam)
            quotes.accept_quote(s, actor, quotes.build_quote(s, actor, name).number)
            drafts.append(invoicing.draft_invoice(s, actor, name).number)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKSTATIONS)
    results: Queue[Any] = ctx.Queue()
    procs = [ctx.Process(target=_issue, args=(db_url, d, barrier, results)) for d in drafts]
    for p in procs:
        p.start()
    found = [results.get(timeout=TIMEOUT) for _ in procs]
    for p in procs:
        p.join(timeout=TIMEOUT)
    numbers = sorted(number for _d, number in found)
    assert numbers == [f"INV-2027-{n:04d}" for n in range(1, WORKSTATIONS + 1)], found
    with catalog_db.read() as s:
        stored = sorted(s.scalars(select(Invoice.number).where(Invoice.number.is_not(None))))
    assert stored == numbers
