"""A process that works the check-out desk without pause, to be killed at a random moment.

``python kill_worker.py setup DB``: build a demo-like rental house in the SQLite file ``DB``
(standard categories, a few hundred assets, one production with shoot days, one custodian).

``python kill_worker.py run DB SEED``: check random handfuls of available assets out and
check random handfuls of the out ones back in, through the services, for ever. After every
committed operation it prints ``ok N`` on stdout (flushed), so that the test knows it is busy.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

from sqlalchemy import select

from gearroom.db import open_database
from gearroom.models import Asset, AssetStatus
from gearroom.services import catalog, checkout, checkout_cart, people, productions, returns
from gearroom.services.actor import Actor, Role
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.services.setup import ensure_standard_categories

ACTOR = Actor("desk", Role.STAFF)
ADMIN = Actor("setup", Role.ADMIN)
PRODUCTION = "Night Shift"
CUSTODIAN = "Alex Focus"
CUSTODIAN_BADGE = "P-0001"
ASSETS = 300
GEAR = (
    ("Camera", "ARRI Alexa Mini LF"),
    ("Camera", "Sony FX6"),
    ("Lens", "DZO Vespid 50mm"),
    ("Lens", "Cooke S4/i 32mm"),
    ("Lighting", "Aputure 600d"),
    ("Grip", "C-stand 40in"),
)


def setup(url: str) -> None:
    db = open_database(url)
    try:
        with db.write() as s:
            ensure_standard_categories(s, ADMIN)
            catalog.create_location(s, ADMIN, "Shelf A1")
            for i in range(ASSETS):
                category, name = GEAR[i % len(GEAR)]
                draft = AssetDraft(
                    name=name, category=category, serial=f"SN-{i:05d}", location="Shelf A1"
                )
                catalog.create_asset(s, ADMIN, draft)
            people.add_person(s, ADMIN, CUSTODIAN, badge=CUSTODIAN_BADGE)
            today = date.today()
            days = [ShootDayDraft(today + timedelta(days=n)) for n in range(-1, 30)]
            productions.create_production(s, ADMIN, PRODUCTION, days=days)
    finally:
        db.dispose()


def run(url: str, seed: int) -> None:
    rng = random.Random(seed)
    db = open_database(url)
    done = 0
    while True:
        with db.read() as s:
            free = list(s.scalars(select(Asset.tag).where(Asset.status == AssetStatus.AVAILABLE)))
            out = list(s.scalars(select(Asset.tag).where(Asset.status == AssetStatus.OUT)))
        if out and (not free or rng.random() < 0.45):
            tags = rng.sample(out, min(len(out), rng.randint(1, 8)))
            with db.write() as s:
                returns.checkin(s, ACTOR, tags)
        else:
            tags = rng.sample(free, min(len(free), rng.randint(1, 8)))
            with db.write() as s:
                cart = checkout_cart.new_cart(s, PRODUCTION, CUSTODIAN_BADGE)
                for tag in tags:
                    cart = checkout_cart.scan_into_cart(s, cart, tag).cart
                checkout.commit_checkout(s, ACTOR, cart)
        done += 1
        print(f"ok {done}", flush=True)


def main(argv: list[str]) -> None:
    if argv[1] == "setup":
        setup(f"sqlite:///{argv[2]}")
    elif argv[1] == "run":
        run(f"sqlite:///{argv[2]}", int(argv[3]))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
