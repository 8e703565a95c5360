"""Service tickets: repair, maintenance and calibration. An open ticket keeps an asset unavailable.

Opening a ticket puts an asset that is in the house ``in_service``; an asset that is out stays
``out`` and goes to ``in_service`` when it is checked in. Closing the ticket makes the asset
``available`` again unless it is out, lost or retired meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from gearroom.errors import ConflictError, NotFoundError
from gearroom.models import Asset, AssetStatus, ServiceNote, ServiceTicket, utcnow
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import _asset_by_tag, change_status
from gearroom.services.validation import clean_text


@dataclass(frozen=True)
class ServiceNoteView:
    at: datetime
    operator: str
    text: str


@dataclass(frozen=True)
class TicketView:
    id: int
    asset_id: int
    tag: str
    name: str
    serial: str
    asset_status: AssetStatus
    production: str | None
    opened_at: datetime
    opened_by: str
    note: str
    closed_at: datetime | None
    closed_by: str
    notes: tuple[ServiceNoteView, ...]

    @property
    def open(self) -> bool:
        return self.closed_at is None


def _view(t: ServiceTicket) -> TicketView:
    return TicketView(
        id=t.id,
        asset_id=t.asset_id,
        tag=t.asset.tag,
        name=t.asset.name,
        serial=t.asset.serial,
        asset_status=t.asset.status,
        production=t.production.name if t.production else None,
        opened_at=t.opened_at,
        opened_by=t.opened_by,
        note=t.note,
        closed_at=t.closed_at,
        closed_by=t.closed_by,
        notes=tuple(ServiceNoteView(n.at, n.operator, n.text) for n in t.notes),
    )


def open_ticket_of(session: Session, asset_id: int) -> ServiceTicket | None:
    return session.scalar(
        select(ServiceTicket).where(
            ServiceTicket.asset_id == asset_id, ServiceTicket.closed_at.is_(None)
        )
    )


def _ticket_by_key(session: Session, key: str) -> ServiceTicket:
    """A ticket by number (``#12`` or ``12``) or the open ticket of an asset tag."""
    text = key.strip()
    if text.lstrip("#").isdigit():
        ticket = session.get(ServiceTicket, int(text.lstrip("#")))
        if ticket is None:
            raise NotFoundError(f"There is no service ticket #{text.lstrip('#')}.")
        return ticket
    asset = _asset_by_tag(session, text)
    found = open_ticket_of(session, asset.id)
    if found is None:
        raise NotFoundError(f"{asset.tag} has no open service ticket.")
    return found


def start_ticket(
    session: Session,
    actor: Actor,
    asset: Asset,
    note: str,
    *,
    production_id: int | None = None,
    checkout_line_id: int | None = None,
) -> ServiceTicket:
    """Open a ticket (or add ``note`` to the open one); used by check-in and :func:`open_ticket`.

    The caller checks permissions.
    """
    text = clean_text(note, "note", max_length=4000)
    existing = open_ticket_of(session, asset.id)
    if existing is not None:
        if text:
            existing.notes.append(ServiceNote(operator=actor.name, text=text))
            session.flush()
            history.record(
                session,
                actor,
                "service_note",
                "asset",
                asset.id,
                asset.tag,
                f"Service ticket #{existing.id} of {asset.tag}: {text}",
                after={"ticket": existing.id, "note": text},
            )
        return existing
    ticket = ServiceTicket(
        asset=asset,
        production_id=production_id,
        checkout_line_id=checkout_line_id,
        opened_by=actor.name,
        note=text,
    )
    session.add(ticket)
    session.flush()
    history.record(
        session,
        actor,
        "service_open",
        "asset",
        asset.id,
        asset.tag,
        f"Service ticket #{ticket.id} opened for {asset.tag}" + (f": {text}" if text else ""),
        after={"ticket": ticket.id, "note": text},
    )
    if asset.status not in (AssetStatus.OUT, AssetStatus.LOST, AssetStatus.RETIRED):
        change_status(session, actor, asset, AssetStatus.IN_SERVICE, f"service ticket #{ticket.id}")
    return ticket


def open_ticket(session: Session, actor: Actor, tag: str, note: str) -> TicketView:
    """Open a service ticket for an asset; it is unavailable until the ticket is closed."""
    actor.require(Permission.SERVICE, "open service tickets")
    asset = _asset_by_tag(session, tag)
    text = clean_text(note, "note", max_length=4000, required=True)
    if asset.status is AssetStatus.RETIRED:
        raise ConflictError(f"{asset.tag} is retired; it is not serviced any more.")
    existing = open_ticket_of(session, asset.id)
    if existing is not None:
        raise ConflictError(
            f"{asset.tag} has service ticket #{existing.id} open already; add a note to it."
        )
    ticket = start_ticket(session, actor, asset, text)
    return _view(ticket)


def add_note(session: Session, actor: Actor, key: str, text: str) -> TicketView:
    """Add a note to a ticket (by number or by the asset's tag)."""
    actor.require(Permission.SERVICE, "write on service tickets")
    ticket = _ticket_by_key(session, key)
    clean = clean_text(text, "note", max_length=4000, required=True)
    if ticket.closed_at is not None:
        raise ConflictError(f"Service ticket #{ticket.id} is closed.")
    ticket.notes.append(ServiceNote(operator=actor.name, text=clean))
    session.flush()
    history.record(
        session,
        actor,
        "service_note",
        "asset",
        ticket.asset.id,
        ticket.asset.tag,
        f"Service ticket #{ticket.id} of {ticket.asset.tag}: {clean}",
        after={"ticket": ticket.id, "note": clean},
    )
    return _view(ticket)


def close_ticket(session: Session, actor: Actor, key: str, note: str = "") -> TicketView:
    """Close a ticket; the asset is available again unless it is out, lost or retired."""
    actor.require(Permission.SERVICE, "close service tickets")
    ticket = _ticket_by_key(session, key)
    if ticket.closed_at is not None:
        raise ConflictError(f"Service ticket #{ticket.id} is closed already.")
    clean = clean_text(note, "note", max_length=4000)
    if clean:
        ticket.notes.append(ServiceNote(operator=actor.name, text=clean))
    ticket.closed_at = utcnow()
    ticket.closed_by = actor.name
    asset = ticket.asset
    session.flush()
    history.record(
        session,
        actor,
        "service_close",
        "asset",
        asset.id,
        asset.tag,
        f"Service ticket #{ticket.id} of {asset.tag} closed" + (f": {clean}" if clean else ""),
        after={"ticket": ticket.id, "note": clean},
    )
    if asset.status is AssetStatus.IN_SERVICE:
        change_status(
            session, actor, asset, AssetStatus.AVAILABLE, f"service ticket #{ticket.id} closed"
        )
    return _view(ticket)


def get_ticket(session: Session, key: str) -> TicketView:
    return _view(_ticket_by_key(session, key))


def list_open_tickets(session: Session) -> list[TicketView]:
    rows = session.scalars(
        select(ServiceTicket)
        .where(ServiceTicket.closed_at.is_(None))
        .options(selectinload(ServiceTicket.notes))
        .order_by(ServiceTicket.opened_at, ServiceTicket.id)
    )
    return [_view(t) for t in rows]


def tickets_of(session: Session, tag: str) -> list[TicketView]:
    """Every ticket of an asset, newest first."""
    asset = _asset_by_tag(session, tag)
    rows = session.scalars(
        select(ServiceTicket)
        .where(ServiceTicket.asset_id == asset.id)
        .options(selectinload(ServiceTicket.notes))
        .order_by(ServiceTicket.id.desc())
    )
    return [_view(t) for t in rows]
