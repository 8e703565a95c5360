"""History: append an event in the caller's transaction; read an item's timeline."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, SessionTransaction

from gearroom.errors import NotFoundError
from gearroom.models import Event, Tag, utcnow
from gearroom.services import history_anchor
from gearroom.services.actor import Actor
from gearroom.services.history_anchor import HistoryAnchor
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
    """A value as plain JSON (history, ``--json``): dataclasses as objects with their field names,
    enums as their values, dates as ISO text, decimals as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


GENESIS_HASH = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises history appends (one chain, no forks).
HISTORY_LOCK_KEY = 0x6765617272  # "gearr"
_TAIL_KEY = "gearroom.history_tail"
#: Set on a session that appended events (the database then updates the history anchor).
EVENTS_ADDED_KEY = "gearroom.events_added"


def content_hash(
    prev_hash: str,
    event_id: int,
    at: datetime,
    operator: str,
    action: str,
    entity_kind: str,
    entity_id: int,
    entity_tag: str,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str:
    """SHA-256 of an event's content and the previous event's hash."""
    payload = json.dumps(
        [
            prev_hash,
            event_id,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            operator,
            action,
            entity_kind,
            entity_id,
            entity_tag,
            summary,
            before,
            after,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@event.listens_for(Session, "after_transaction_end")
def _forget_tail_after_savepoint(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint that ends may have taken events with it: read the tail again next time."""
    if transaction.nested:
        session.info.pop(_TAIL_KEY, None)


def _tail(session: Session) -> tuple[int, str]:
    """The last event's id and hash, as this transaction sees it (its own events included)."""
    transaction = session.get_transaction()
    cached = session.info.get(_TAIL_KEY)
    if cached is not None and cached[0] is transaction:
        return cached[1], cached[2]
    if session.get_bind().dialect.name == "postgresql":
        # Writers append one at a time; the lock is held until this transaction ends.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HISTORY_LOCK_KEY})
    row = session.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)


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
    """Append one event to the session's transaction (it commits with the change).

    The event gets the next id and the hash of its content chained to the previous event.
    """
    last_id, last_hash = _tail(session)
    event_id = last_id + 1
    at = utcnow()
    before_json = jsonable(before) if before is not None else None
    after_json = jsonable(after) if after is not None else None
    digest = content_hash(
        last_hash,
        event_id,
        at,
        actor.name,
        action,
        entity_kind,
        entity_id,
        entity_tag,
        summary,
        before_json,
        after_json,
    )
    event = Event(
        id=event_id,
        at=at,
        operator=actor.name,
        action=action,
        entity_kind=entity_kind,
        entity_id=entity_id,
        entity_tag=entity_tag,
        summary=summary,
        before=before_json,
        after=after_json,
        prev_hash=last_hash,
        hash=digest,
    )
    session.add(event)
    session.info[_TAIL_KEY] = (session.get_transaction(), event_id, digest)
    session.info[EVENTS_ADDED_KEY] = True
    return event


@dataclass(frozen=True)
class ChainReport:
    """What ``gearroom history verify`` found."""

    checked: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(
    session: Session,
    batch: int = 5000,
    anchors: Sequence[HistoryAnchor] | None = None,
) -> ChainReport:
    """Walk the whole history in order; name the first event edited, deleted or out of order,
    then compare the end of the chain with every known anchor (``None``: the anchors this
    workstation knows for the session's database, in the anchor file its
    :class:`~gearroom.db.Database` names; see :mod:`gearroom.services.history_anchor`).
    """
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(Event).where(Event.id > last_id).order_by(Event.id).limit(batch)
        ).all()
        if not rows:
            if anchors is None:
                url = session.get_bind().engine.url.render_as_string(hide_password=False)
                anchors = history_anchor.known_anchors(url, history_anchor.anchor_file_of(session))
            problem = history_anchor.check_anchors(session, last_id, anchors)
            if problem:
                return ChainReport(checked, False, last_id + 1, problem)
            return ChainReport(checked, True)
        for e in rows:
            if e.id != expected_id:
                missing = (
                    f"#{expected_id}"
                    if e.id == expected_id + 1
                    else (f"#{expected_id}–#{e.id - 1}")
                )
                return ChainReport(
                    checked,
                    False,
                    e.id,
                    f"Event {missing} is missing before event #{e.id}: history was deleted.",
                )
            if e.prev_hash != expected_prev:
                return ChainReport(
                    checked,
                    False,
                    e.id,
                    f"Event #{e.id} does not follow event #{e.id - 1}: it was inserted out of "
                    "order or the event before it was replaced.",
                )
            digest = content_hash(
                e.prev_hash,
                e.id,
                e.at,
                e.operator,
                e.action,
                e.entity_kind,
                e.entity_id,
                e.entity_tag,
                e.summary,
                e.before,
                e.after,
            )
            if digest != e.hash:
                return ChainReport(
                    checked,
                    False,
                    e.id,
                    f"Event #{e.id} ({e.at:%Y-%m-%d %H:%M} {e.action} {e.entity_tag}) was edited: "
                    "its content no longer matches its hash.",
                )
            expected_prev = e.hash
            expected_id += 1
            checked += 1
            last_id = e.id
        session.expunge_all()


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
    """The newest event id (0 if none): a cheap way to notice changes from elsewhere. A Core
    statement on the table: asked at start-up on the UI thread, it must not be the query that
    configures every mapper (about 0.15 s)."""
    events = Event.__table__.c
    return int(session.connection().execute(select(func.max(events.id))).scalar() or 0)
