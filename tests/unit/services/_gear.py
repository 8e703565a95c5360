"""Small builders shared by the production, availability, check-out and check-in tests."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.db import Database
from gearroom.models import Event, ShootDayKind
from gearroom.services import catalog, kits, people, productions, stock
from gearroom.services.actor import Actor
from gearroom.services.productions import ShootDayDraft

D0 = date.today()


def day(n: int) -> date:
    """Day ``n`` of the test calendar: ``n`` days from today (check-outs happen "now")."""
    return D0 + timedelta(days=n)


def asset(s: Session, actor: Actor, name: str = "Lens", category: str = "Lens", **kw) -> str:
    return catalog.create_asset(
        s, actor, catalog.AssetDraft(name=name, category=category, **kw)
    ).tag


def person(s: Session, actor: Actor, name: str = "Ana Costa") -> str:
    return people.add_person(s, actor, name).badge


def production(
    s: Session, actor: Actor, name: str, first: int, last: int, *, prep: bool = True
) -> productions.ProductionView:
    """A production with a prep day on ``first``, shoot days between and a wrap on ``last``."""
    drafts = []
    for n in range(first, last + 1):
        if n == first and prep:
            kind = ShootDayKind.PREP
        elif n == last and last > first:
            kind = ShootDayKind.WRAP
        else:
            kind = ShootDayKind.SHOOT
        drafts.append(ShootDayDraft(day(n), kind))
    return productions.create_production(s, actor, name, days=drafts)


def stock_item(s: Session, actor: Actor, name: str, qty: int, category: str = "Power") -> str:
    return stock.create_stock_item(s, actor, name, category, qty).tag


def kit(s: Session, actor: Actor, name: str, members: list[str], parent: str | None = None) -> str:
    tag = kits.create_kit(s, actor, name, parent=parent).tag
    for m in members:
        qty = 1
        if ":" in m:
            m, q = m.split(":")
            qty = int(q)
        kits.add_to_kit(s, actor, tag, m, qty)
    return tag


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def events(db: Database) -> int:
    return count(db, Event)
