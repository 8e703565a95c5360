"""Items × days with a bar per production: the availability chart of the productions page.

Every booked asset, stock item and model (a booking of "2 × ARRI Alexa 35" before serials are
chosen) in a range of days, with a bar per reservation, per check-out still out (out, overdue,
missing) and per open service ticket.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    ModelReservation,
    Production,
    ProductModel,
    Reservation,
    ReturnCondition,
    ServiceTicket,
    StockItem,
)
from gearroom.services.availability import check_window, chunks
from gearroom.services.productions import production_by_key
from gearroom.services.reservations import row_view, view_select


class BarKind(enum.StrEnum):
    RESERVED = "reserved"
    OUT = "out"
    OVERDUE = "overdue"
    MISSING = "missing"
    SERVICE = "service"


@dataclass(frozen=True)
class TimelineBar:
    """A stretch of days an item is taken (dates as booked, not clipped to the range)."""

    kind: BarKind
    start: date
    end: date
    production_id: int | None
    production: str
    quantity: int = 1


@dataclass(frozen=True)
class TimelineRow:
    item_kind: str  # "asset" | "stock" | "model"
    item_id: int
    tag: str
    name: str
    bars: tuple[TimelineBar, ...]


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    days: tuple[date, ...]
    rows: tuple[TimelineRow, ...]


def timeline(
    session: Session,
    start: date,
    end: date,
    *,
    asset_ids: Sequence[int] | None = None,
    stock_ids: Sequence[int] | None = None,
    model_ids: Sequence[int] | None = None,
    production: str | None = None,
    today: date | None = None,
) -> Timeline:
    """Items × days with a bar per production: every booked item and model, or just the ones
    given (given any of the three lists, a kind without its list is left out)."""
    check_window(start, end)
    today = today or date.today()
    pid = production_by_key(session, production).id if production else None
    bars: dict[tuple[str, int], list[TimelineBar]] = defaultdict(list)

    rstmt = view_select().where(Reservation.start_date <= end, Reservation.end_date >= start)
    if pid is not None:
        rstmt = rstmt.where(Reservation.production_id == pid)
    for r in session.execute(rstmt):
        v = row_view(r)
        bars[(v.item_kind, v.item_id)].append(
            TimelineBar(BarKind.RESERVED, v.start, v.end, v.production_id, v.production, v.quantity)
        )

    mstmt = select(
        ModelReservation.model_id,
        ModelReservation.start_date,
        ModelReservation.end_date,
        ModelReservation.quantity,
        Production.id,
        Production.name,
    ).join(Production, Production.id == ModelReservation.production_id)
    mstmt = mstmt.where(ModelReservation.start_date <= end, ModelReservation.end_date >= start)
    if pid is not None:
        mstmt = mstmt.where(ModelReservation.production_id == pid)
    for model_id, first, last, qty, mpid, pname in session.execute(mstmt):
        bars[("model", model_id)].append(
            TimelineBar(BarKind.RESERVED, first, last, mpid, pname, int(qty))
        )

    lstmt = (
        select(
            CheckoutLine.asset_id,
            CheckoutLine.stock_item_id,
            CheckoutLine.condition,
            CheckoutLine.quantity - CheckoutLine.returned_quantity,
            Checkout.out_at,
            Checkout.due_back,
            Production.id,
            Production.name,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Production, Production.id == Checkout.production_id)
        .where(CheckoutLine.returned_at.is_(None))
    )
    if pid is not None:
        lstmt = lstmt.where(Checkout.production_id == pid)
    for asset_id, stock_id, condition, qty, out_at, due_back, lpid, pname in session.execute(lstmt):
        last = max(due_back, today)
        if out_at.date() > end or last < start:
            continue
        if condition is ReturnCondition.MISSING:
            kind = BarKind.MISSING
        elif due_back < today:
            kind = BarKind.OVERDUE
        else:
            kind = BarKind.OUT
        key = ("asset", asset_id) if asset_id is not None else ("stock", int(stock_id or 0))
        bars[key].append(TimelineBar(kind, out_at.date(), last, lpid, pname, int(qty)))

    if pid is None:
        for asset_id, opened_at in session.execute(
            select(ServiceTicket.asset_id, ServiceTicket.opened_at).where(
                ServiceTicket.closed_at.is_(None)
            )
        ):
            if opened_at.date() <= end:
                bars[("asset", asset_id)].append(
                    TimelineBar(BarKind.SERVICE, opened_at.date(), max(end, today), None, "Service")
                )

    given = {"asset": asset_ids, "stock": stock_ids, "model": model_ids}
    some_given = any(ids is not None for ids in given.values())

    def wanted(kind: str) -> set[int]:
        ids = given[kind]
        if ids is not None:
            return set(ids)
        return set() if some_given else {i for k, i in bars if k == kind}

    a_ids, s_ids, m_ids = wanted("asset"), wanted("stock"), wanted("model")
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for part in chunks(sorted(a_ids)):
        for i, tag, name in session.execute(
            select(Asset.id, Asset.tag, Asset.name).where(Asset.id.in_(part))
        ):
            names[("asset", i)] = (tag, name)
    for part in chunks(sorted(s_ids)):
        for i, tag, name in session.execute(
            select(StockItem.id, StockItem.tag, StockItem.name).where(StockItem.id.in_(part))
        ):
            names[("stock", i)] = (tag, name)
    for part in chunks(sorted(m_ids)):
        for i, name in session.execute(
            select(ProductModel.id, ProductModel.name).where(ProductModel.id.in_(part))
        ):
            names[("model", i)] = ("Model", name)
    rows = [
        TimelineRow(
            kind,
            item_id,
            tag,
            name,
            tuple(sorted(bars.get((kind, item_id), []), key=lambda b: (b.start, b.production))),
        )
        for (kind, item_id), (tag, name) in names.items()
    ]
    rows.sort(key=lambda r: (r.item_kind, r.tag, r.name))
    days = tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
    return Timeline(start, end, days, tuple(rows))
