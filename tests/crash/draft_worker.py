"""A prep technician scanning a draft check-out, to be killed mid-scan.

``python draft_worker.py setup DB``: a house with 60 lenses all booked for one production and
a draft check-out for it; prints the draft id.

``python draft_worker.py scan DB DRAFT_ID``: scan the booked lenses into the draft one by one,
each in its own transaction, printing ``ok N TAG`` (flushed) after each commit.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from gearroom.db import open_database
from gearroom.services import catalog, drafts, people, productions, reservations
from gearroom.services.actor import Actor, Role
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.services.setup import ensure_standard_categories

ACTOR = Actor("prep", Role.STAFF)
ADMIN = Actor("setup", Role.ADMIN)
PRODUCTION = "Night Shift"
LENSES = 60


def tags() -> list[str]:
    return [f"LNS-{n:04d}" for n in range(1, LENSES + 1)]


def setup(url: str) -> None:
    db = open_database(url)
    try:
        with db.write() as s:
            ensure_standard_categories(s, ADMIN)
            for n in range(LENSES):
                catalog.create_asset(s, ADMIN, AssetDraft(name=f"Prime {n}", category="Lens"))
            people.add_person(s, ADMIN, "Alex Focus", badge="P-0001")
            today = date.today()
            days = [ShootDayDraft(today + timedelta(days=n)) for n in range(0, 5)]
            productions.create_production(s, ADMIN, PRODUCTION, days=days)
            reservations.reserve(s, ADMIN, PRODUCTION, tags())
            draft = drafts.start_draft(s, ACTOR, PRODUCTION, custodian="P-0001")
        print(draft.id, flush=True)
    finally:
        db.dispose()


def scan(url: str, draft_id: int) -> None:
    db = open_database(url)
    for n, tag in enumerate(tags(), start=1):
        with db.write() as s:
            result = drafts.scan_draft(s, ACTOR, draft_id, tag)
            assert result.ok, result.message
        print(f"ok {n} {tag}", flush=True)


def main(argv: list[str]) -> None:
    if argv[1] == "setup":
        setup(f"sqlite:///{argv[2]}")
    elif argv[1] == "scan":
        scan(f"sqlite:///{argv[2]}", int(argv[3]))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
