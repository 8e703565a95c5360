"""The kit report's reads: check-out lines and service tickets overlapping a period, assets'
status at a moment replayed from history, and the rows the report shows for tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from gearroom.models import (
    Asset,
    Category,
    Checkout,
    CheckoutLine,
    Event,
    Person,
    Production,
    ReturnCondition,
    ServiceTicket,
    StockItem,
)
from gearroom.services.availability import chunks
from gearroom.services.report_period import Period, last_day_out, local_midnight
from gearroom.services.report_results import TicketRow


def days_between(first: date, last: date) -> int:
    return max(0, (last - first).days + 1)


def clip(first: date, last: date, lo: date, hi: date) -> tuple[date, date] | None:
    a, b = max(first, lo), min(last, hi)
    return (a, b) if a <= b else None


def missing_at_end(row: Any, status_at_end: dict[int, str]) -> bool:
    """Whether a line open at the end of the period was missing then (asset: lost in history)."""
    if row.asset_id is not None:
        return status_at_end.get(row.asset_id) == "lost"
    return bool(row.condition is ReturnCondition.MISSING)


def overlapping_lines(session: Session, start_utc: datetime, end_utc: datetime) -> Sequence[Any]:
    """Every check-out line out at some moment in [start, end): one query."""
    asset_category = aliased(Category)
    stock_category = aliased(Category)
    query = (
        select(
            CheckoutLine.id.label("line_id"),
            CheckoutLine.checkout_id,
            CheckoutLine.asset_id,
            CheckoutLine.quantity,
            CheckoutLine.returned_quantity,
            CheckoutLine.returned_at,
            CheckoutLine.condition,
            Checkout.out_at,
            Checkout.due_back,
            Checkout.production_id,
            Production.tag.label("production_tag"),
            Production.name.label("production_name"),
            Production.client,
            Person.name.label("custodian"),
            Asset.tag.label("asset_tag"),
            Asset.name.label("asset_name"),
            Asset.serial,
            StockItem.tag.label("stock_tag"),
            StockItem.name.label("stock_name"),
            func.coalesce(asset_category.name, stock_category.name, "").label("category"),
        )
        .join(Checkout, CheckoutLine.checkout_id == Checkout.id)
        .join(Production, Checkout.production_id == Production.id)
        .join(Person, Checkout.custodian_id == Person.id)
        .outerjoin(Asset, CheckoutLine.asset_id == Asset.id)
        .outerjoin(asset_category, Asset.category_id == asset_category.id)
        .outerjoin(StockItem, CheckoutLine.stock_item_id == StockItem.id)
        .outerjoin(stock_category, StockItem.category_id == stock_category.id)
        .where(
            Checkout.out_at < end_utc,
            or_(CheckoutLine.returned_at.is_(None), CheckoutLine.returned_at > start_utc),
        )
    )
    return session.execute(query).all()


def assets_out_between(session: Session, start_utc: datetime, end_utc: datetime) -> set[int]:
    """The assets out at some moment in [start, end)."""
    rows = session.scalars(
        select(CheckoutLine.asset_id)
        .join(Checkout, CheckoutLine.checkout_id == Checkout.id)
        .where(
            CheckoutLine.asset_id.is_not(None),
            Checkout.out_at < end_utc,
            or_(CheckoutLine.returned_at.is_(None), CheckoutLine.returned_at > start_utc),
        )
        .distinct()
    )
    return {int(asset_id) for asset_id in rows if asset_id is not None}


def overlapping_tickets(session: Session, start_utc: datetime, end_utc: datetime) -> Sequence[Any]:
    """Service tickets open at some moment in [start, end): one query."""
    return session.execute(
        select(
            ServiceTicket.id,
            ServiceTicket.opened_at,
            ServiceTicket.opened_by,
            ServiceTicket.closed_at,
            ServiceTicket.closed_by,
            ServiceTicket.note,
            Asset.tag.label("asset_tag"),
            Asset.name.label("asset_name"),
            Category.name.label("category"),
            Production.tag.label("production_tag"),
        )
        .join(Asset, ServiceTicket.asset_id == Asset.id)
        .join(Category, Asset.category_id == Category.id)
        .outerjoin(Production, ServiceTicket.production_id == Production.id)
        .where(
            ServiceTicket.opened_at < end_utc,
            or_(ServiceTicket.closed_at.is_(None), ServiceTicket.closed_at >= start_utc),
        )
        .order_by(ServiceTicket.opened_at, ServiceTicket.id)
    ).all()


def rows_for_tickets(
    tickets: Sequence[Any], zone: tzinfo, period: Period, observed_until: date
) -> dict[int, TicketRow]:
    rows: dict[int, TicketRow] = {}
    end_utc = local_midnight(period.end + timedelta(days=1), zone)
    for t in tickets:
        closed = t.closed_at if t.closed_at is not None and t.closed_at < end_utc else None
        first = t.opened_at.astimezone(zone).date()
        last = (
            last_day_out(t.opened_at, t.closed_at, zone)
            if t.closed_at is not None
            else observed_until
        )
        clipped = clip(first, last, period.start, observed_until)
        rows[t.id] = TicketRow(
            ticket_id=t.id,
            tag=t.asset_tag,
            item=t.asset_name,
            category=t.category,
            production_tag=t.production_tag or "",
            opened_at=t.opened_at.astimezone(zone),
            opened_by=t.opened_by,
            closed_at=closed.astimezone(zone) if closed else None,
            closed_by=t.closed_by if closed else "",
            note=t.note,
            days_in_service=days_between(*clipped) if clipped else 0,
        )
    return rows


def status_at(session: Session, asset_ids: Sequence[int], at_utc: datetime) -> dict[int, str]:
    """Each asset's status at ``at_utc``, replayed from its history (status-bearing events)."""
    result: dict[int, str] = {}
    status = Event.after["status"].as_string()
    for chunk in chunks(list(asset_ids)):
        latest = (
            select(Event.entity_id, func.max(Event.id).label("last_id"))
            .where(
                Event.entity_kind == "asset",
                Event.entity_id.in_(chunk),
                Event.at < at_utc,
                status.is_not(None),
            )
            .group_by(Event.entity_id)
            .subquery()
        )
        for entity_id, value in session.execute(
            select(Event.entity_id, status).join(
                latest, and_(Event.id == latest.c.last_id, Event.entity_id == latest.c.entity_id)
            )
        ):
            if value is not None:
                result[int(entity_id)] = str(value)
    return result


def last_day(returned: datetime | str | None, zone: tzinfo) -> date | None:
    """The last day out of a line returned at ``returned``: naive UTC as stored (text on
    SQLite, a datetime elsewhere)."""
    if returned is None:
        return None
    if isinstance(returned, str):
        returned = datetime.fromisoformat(returned)
    if returned.tzinfo is None:
        returned = returned.replace(tzinfo=UTC)
    return (returned.astimezone(zone) - timedelta(microseconds=1)).date()
