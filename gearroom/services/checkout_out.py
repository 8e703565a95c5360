"""What is out: the check-outs, their open lines and the check-out sheet's data (reads only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError
from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    Event,
    Kit,
    Person,
    Production,
    ReturnCondition,
    StockItem,
)
from gearroom.services.productions import production_by_key


@dataclass(frozen=True)
class OutLine:
    """One open check-out line: what a production still has out."""

    line_id: int
    checkout_id: int
    item_kind: str
    item_id: int
    tag: str
    name: str
    serial: str
    quantity: int
    kit_tag: str | None
    production_id: int
    production: str
    custodian: str
    out_at: datetime
    due_back: date
    overdue: bool
    missing: bool


@dataclass(frozen=True)
class CheckoutView:
    id: int
    production: str
    production_tag: str
    custodian: str
    custodian_badge: str
    out_at: datetime
    due_back: date
    operator: str
    lines: tuple[OutLine, ...]


def checkout_view(session: Session, checkout_id: int, *, today: date | None = None) -> CheckoutView:
    checkout = session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFoundError(f"Check-out #{checkout_id} does not exist.")
    lines = out_lines(session, checkout_id=checkout_id, include_closed=True, today=today)
    return CheckoutView(
        checkout.id,
        checkout.production.name,
        checkout.production.tag,
        checkout.custodian.name,
        checkout.custodian.badge,
        checkout.out_at,
        checkout.due_back,
        checkout.operator,
        tuple(lines),
    )


@dataclass(frozen=True)
class SheetLine:
    tag: str
    name: str
    serial: str
    quantity: int
    kit_tag: str | None


@dataclass(frozen=True)
class NotTaken:
    """A member of a kit in the check-out that did not go out with it."""

    kit_tag: str
    tag: str
    name: str
    quantity: int


@dataclass(frozen=True)
class CheckoutSheet:
    """Everything a printed check-out sheet shows (the PDF is drawn elsewhere)."""

    checkout_id: int
    production: str
    production_tag: str
    client: str
    custodian: str
    custodian_badge: str
    out_at: datetime
    due_back: date
    operator: str
    lines: tuple[SheetLine, ...]
    not_taken: tuple[NotTaken, ...] = ()


def _not_taken(session: Session, checkout: Checkout) -> tuple[NotTaken, ...]:
    """The kit members the check-out's history event says did not go out."""
    events = session.scalars(
        select(Event).where(
            Event.action == "checkout",
            Event.entity_kind == "production",
            Event.entity_id == checkout.production_id,
        )
    )
    for event in events:
        after = event.after or {}
        if after.get("checkout") == checkout.id:
            return tuple(
                NotTaken(str(m["kit"]), str(m["tag"]), str(m["name"]), int(m["quantity"]))
                for m in after.get("not_taken", ())
            )
    return ()


def checkout_sheet(session: Session, checkout_id: int) -> CheckoutSheet:
    checkout = session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFoundError(f"Check-out #{checkout_id} does not exist.")
    lines = out_lines(session, checkout_id=checkout_id, include_closed=True)
    return CheckoutSheet(
        checkout.id,
        checkout.production.name,
        checkout.production.tag,
        checkout.production.client,
        checkout.custodian.name,
        checkout.custodian.badge,
        checkout.out_at,
        checkout.due_back,
        checkout.operator,
        tuple(
            SheetLine(ln.tag, ln.name, ln.serial, ln.quantity, ln.kit_tag)
            for ln in sorted(lines, key=lambda x: (x.kit_tag or "", x.tag))
        ),
        _not_taken(session, checkout),
    )


def checkouts_of(session: Session, production: str) -> list[CheckoutView]:
    prod = production_by_key(session, production)
    ids = session.scalars(
        select(Checkout.id).where(Checkout.production_id == prod.id).order_by(Checkout.id)
    )
    return [checkout_view(session, i) for i in ids]


# --------------------------------------------------------------------------- what is out


def out_lines(
    session: Session,
    *,
    production_id: int | None = None,
    checkout_id: int | None = None,
    asset_ids: Sequence[int] | None = None,
    overdue_only: bool = False,
    due_on: date | None = None,
    include_closed: bool = False,
    today: date | None = None,
) -> list[OutLine]:
    today = today or date.today()
    stmt: Any = (
        select(
            CheckoutLine.id,
            CheckoutLine.checkout_id,
            CheckoutLine.asset_id,
            CheckoutLine.stock_item_id,
            func.coalesce(Asset.tag, StockItem.tag),
            func.coalesce(Asset.name, StockItem.name),
            func.coalesce(Asset.serial, ""),
            CheckoutLine.quantity,
            CheckoutLine.returned_quantity,
            Kit.tag,
            Production.id,
            Production.name,
            Person.name,
            Checkout.out_at,
            Checkout.due_back,
            CheckoutLine.condition,
            CheckoutLine.returned_at,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Production, Production.id == Checkout.production_id)
        .join(Person, Person.id == Checkout.custodian_id)
        .outerjoin(Asset, Asset.id == CheckoutLine.asset_id)
        .outerjoin(StockItem, StockItem.id == CheckoutLine.stock_item_id)
        .outerjoin(Kit, Kit.id == CheckoutLine.kit_id)
    )
    if not include_closed:
        stmt = stmt.where(CheckoutLine.returned_at.is_(None))
    if production_id is not None:
        stmt = stmt.where(Checkout.production_id == production_id)
    if checkout_id is not None:
        stmt = stmt.where(CheckoutLine.checkout_id == checkout_id)
    if asset_ids is not None:
        stmt = stmt.where(CheckoutLine.asset_id.in_(list(asset_ids)))
    if overdue_only:
        stmt = stmt.where(Checkout.due_back < today)
    if due_on is not None:
        stmt = stmt.where(Checkout.due_back == due_on)
    out = []
    for r in session.execute(stmt.order_by(Checkout.due_back, Production.name, CheckoutLine.id)):
        is_asset = r[2] is not None
        open_line = r[16] is None
        out.append(
            OutLine(
                line_id=r[0],
                checkout_id=r[1],
                item_kind="asset" if is_asset else "stock",
                item_id=r[2] if is_asset else r[3],
                tag=r[4],
                name=r[5],
                serial=r[6],
                quantity=(r[7] - r[8]) if open_line else r[7],
                kit_tag=r[9],
                production_id=r[10],
                production=r[11],
                custodian=r[12],
                out_at=r[13],
                due_back=r[14],
                overdue=open_line and r[14] < today,
                missing=r[15] is ReturnCondition.MISSING,
            )
        )
    return out


def out_items(
    session: Session,
    *,
    production: str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[OutLine]:
    """Open lines (items marked missing included), optionally one production's or overdue."""
    pid = production_by_key(session, production).id if production else None
    return out_lines(session, production_id=pid, overdue_only=overdue, today=today)


def still_out(session: Session, production_id: int, today: date | None = None) -> list[OutLine]:
    """What a production still has out (after a check-in, for instance)."""
    return out_lines(session, production_id=production_id, today=today)


def open_line_count(session: Session) -> int:
    """How many check-out lines are out now (items marked missing included)."""
    return int(
        session.scalar(
            select(func.count()).select_from(CheckoutLine).where(CheckoutLine.returned_at.is_(None))
        )
        or 0
    )
