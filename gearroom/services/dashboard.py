"""The front desk at a glance: going out and due back today, overdue, in service, this week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import (
    Asset,
    AssetStatus,
)
from gearroom.services.checkout_out import OutLine, out_lines
from gearroom.services.reservations import ReservationView, list_reservations
from gearroom.services.service_tickets import (
    TicketView,
    list_open_tickets,
)


@dataclass(frozen=True)
class InService:
    """An asset on the service bench: with its open ticket, or put in service by hand."""

    asset_id: int
    tag: str
    name: str
    ticket_id: int | None
    note: str
    since: datetime | None
    production: str | None


@dataclass(frozen=True)
class Dashboard:
    today: date
    going_out_today: tuple[ReservationView, ...]
    due_back_today: tuple[OutLine, ...]
    overdue: tuple[OutLine, ...]
    in_service: tuple[InService, ...]
    this_week: tuple[ReservationView, ...]


def in_service(session: Session) -> list[InService]:
    """Open service tickets, and assets in service without one (set by hand)."""
    tickets: list[TicketView] = list_open_tickets(session)
    rows = [
        InService(t.asset_id, t.tag, t.name, t.id, t.note, t.opened_at, t.production)
        for t in tickets
    ]
    ticketed = {t.asset_id for t in tickets}
    for asset_id, tag, name, notes, updated in session.execute(
        select(Asset.id, Asset.tag, Asset.name, Asset.notes, Asset.updated_at)
        .where(Asset.status == AssetStatus.IN_SERVICE)
        .order_by(Asset.tag)
    ):
        if asset_id not in ticketed:
            rows.append(InService(asset_id, tag, name, None, notes, updated, None))
    return rows


def dashboard(session: Session, today: date | None = None) -> Dashboard:
    """The front desk at a glance."""
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    week = list_reservations(session, start=monday, end=sunday)
    return Dashboard(
        today,
        tuple(r for r in week if r.start == today),
        tuple(out_lines(session, due_on=today, today=today)),
        tuple(out_lines(session, overdue_only=True, today=today)),
        tuple(in_service(session)),
        tuple(week),
    )
