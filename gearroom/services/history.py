"""History: append an event in the caller's transaction; read an item's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError
from gearroom.models import Event, Tag
from gearroom.services.actor import Actor
from gearroom.services.tags import normalize_tag


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    operator: str
    action: str
    entity_kind: str
    entity_id: int
    entity_tag: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def jsonable(value: Any) -> Any:
    """A value as it is stored in history (JSON): dates as ISO text, decimals as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_kind: str,
    entity_id: int,
    entity_tag: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the session's transaction (it commits with the change)."""
    event = Event(
        operator=actor.name,
        action=action,
        entity_kind=entity_kind,
        entity_id=entity_id,
        entity_tag=entity_tag,
        summary=summary,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    session.add(event)
    return event


def _view(event: Event) -> EventView:
    return EventView(
        event.id,
        event.at,
        event.operator,
        event.action,
        event.entity_kind,
        event.entity_id,
        event.entity_tag,
        event.summary,
        event.before,
        event.after,
    )


def events_for(
    session: Session, entity_kind: str, entity_id: int, limit: int = 500
) -> list[EventView]:
    """An item's history, newest first."""
    rows = session.scalars(
        select(Event)
        .where(Event.entity_kind == entity_kind, Event.entity_id == entity_id)
        .order_by(Event.id.desc())
        .limit(limit)
    )
    return [_view(e) for e in rows]


def events_for_tag(session: Session, tag: str, limit: int = 500) -> list[EventView]:
    """The history of whatever a tag names, newest first."""
    clean = normalize_tag(tag)
    entry = session.get(Tag, clean)
    if entry is None:
        raise NotFoundError(f"No item has the tag {clean}.")
    return events_for(session, entry.kind.value, entry.ref_id, limit)


def recent_events(session: Session, limit: int = 100) -> list[EventView]:
    """The newest events across everything."""
    return [_view(e) for e in session.scalars(select(Event).order_by(Event.id.desc()).limit(limit))]


def newest_event_id(session: Session) -> int:
    """The newest event id (0 if none): a cheap way to notice changes from elsewhere."""
    from sqlalchemy import func

    return int(session.scalar(select(func.max(Event.id))) or 0)
