"""Noticing what other workstations changed, and telling a lost connection from other errors.

Every change writes a history event in the same transaction (:mod:`gearroom.services.history`),
and event ids are consecutive, so "what changed since event N" is a range read on the primary
key: :func:`changes_since` answers it with two small queries, whatever the size of the house.

* SQLite: a workstation polls :func:`changes_since` about once a second.
* PostgreSQL: a trigger (migration 0005) sends ``NOTIFY gearroom_changes`` with the new event's
  id and entity kind when the inserting transaction commits; :func:`listen` opens a connection
  that listens on that channel and :func:`wait_for_changes` waits for notifications on it.
  Notifications sent while a listener was disconnected are lost, so a listener that
  (re)connects catches up once with :func:`changes_since`.

Nothing here imports Qt; the desktop app wraps it in :mod:`gearroom.ui.live`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import literal, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gearroom.errors import ConnectionLost
from gearroom.models import Event
from gearroom.services.history import newest_event_id

if TYPE_CHECKING:
    import psycopg

#: The PostgreSQL notification channel the ``events_notify`` trigger sends on.
CHANNEL = "gearroom_changes"
#: The kind reported when history went backwards (a restored backup): assume everything changed.
EVERYTHING = "*"
#: Beyond this many new events (a large import), the kinds are not read: everything changed.
MAX_DETAILED = 2000

__all__ = [
    "CHANNEL",
    "EVERYTHING",
    "Change",
    "Changes",
    "changes_since",
    "connection_lost",
    "is_connection_lost",
    "libpq_url",
    "listen",
    "newest_event_id",
    "parse_notification",
    "ping",
    "wait_for_changes",
]


@dataclass(frozen=True)
class Change:
    """One new history event, as a notification announces it."""

    event_id: int
    entity_kind: str


@dataclass(frozen=True)
class Changes:
    """What changed after a given event id."""

    since: int
    newest_id: int
    kinds: frozenset[str]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)

    @property
    def count(self) -> int:
        """How many events are newer than ``since`` (ids are consecutive)."""
        return max(self.newest_id - self.since, 0)


def changes_since(session: Session, event_id: int) -> Changes:
    """The newest event id and the kinds of entity changed after ``event_id``.

    Reads the primary key's last entry and, only when something is new, the distinct kinds in
    the id range after ``event_id``: never the whole history. :data:`EVERYTHING` is reported
    when the newest id is *below* ``event_id`` (the history was replaced: a backup restored) or
    more than :data:`MAX_DETAILED` events are new.
    """
    newest = newest_event_id(session)
    if newest == event_id:
        return Changes(event_id, newest, frozenset())
    if newest < event_id:
        return Changes(event_id, newest, frozenset({EVERYTHING}))
    if newest - event_id > MAX_DETAILED:
        return Changes(event_id, newest, frozenset({EVERYTHING}))
    # The newest rows by primary key only (a plain DISTINCT would let the planner walk a whole
    # index of history instead).
    recent = (
        select(Event.entity_kind)
        .where(Event.id > event_id)
        .order_by(Event.id)
        .limit(MAX_DETAILED)
        .subquery()
    )
    kinds = session.scalars(select(recent.c.entity_kind).distinct())
    return Changes(event_id, newest, frozenset(kinds))


def ping(session: Session) -> None:
    """The cheapest round trip to the database (``SELECT 1``): raises if it cannot be reached."""
    session.execute(select(literal(1))).scalar_one()


# --------------------------------------------------------------------------- connection trouble

#: PostgreSQL error codes that mean the server went away or is not accepting connections:
#: class 08 (connection exception), admin/crash shutdown, "the database system is starting up".
_LOST_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
#: SQLite errors that mean the file itself cannot be reached (a drive or share gone).
_SQLITE_LOST = ("unable to open database file", "disk i/o error")


def is_connection_lost(exc: BaseException) -> bool:
    """Whether a database error means the connection is gone (rather than a refused statement).

    True for an invalidated connection, a client-side connection failure (refused, timed out,
    closed by the server), PostgreSQL's connection and shutdown errors, and an SQLite file that
    cannot be opened or read. False for everything a statement can cause itself (a unique
    index refusing a row, a deadlock, a lock timeout, "database is locked").
    """
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig: Any = exc.orig
    if isinstance(orig, sqlite3.Error):
        text = str(orig).lower()
        return any(marker in text for marker in _SQLITE_LOST)
    if type(orig).__module__.split(".")[0] != "psycopg":
        return False
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is None:
        # Raised by libpq itself, without a server answer: the connection failed or broke.
        return type(orig).__name__ in ("OperationalError", "InterfaceError")
    return str(sqlstate).startswith("08") or sqlstate in _LOST_SQLSTATES


def _reason(exc: DBAPIError) -> str:
    text = str(exc.orig or exc).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "no answer")
    return first if len(first) <= 160 else first[:159] + "…"


def connection_lost(exc: DBAPIError, url: str) -> ConnectionLost:
    """A :class:`ConnectionLost` with a message a person can act on (password never shown)."""
    parsed = make_url(url)
    reason = _reason(exc)
    after = (
        "Nothing was saved by this action and what you entered is kept: try it again once "
        "the connection is back (Gearroom keeps checking)."
    )
    if parsed.get_backend_name() == "sqlite":
        return ConnectionLost(
            f"The database file {parsed.database} cannot be reached ({reason}). Check that the "
            f"drive or folder holding it is still there. {after}"
        )
    where = parsed.host or "localhost"
    if parsed.port:
        where += f":{parsed.port}"
    return ConnectionLost(
        f"Lost the connection to the database server {where} ({reason}). Check the network "
        f"and that the server is running. {after}"
    )


# --------------------------------------------------------------------------- PostgreSQL LISTEN


def libpq_url(url: str) -> str:
    """A plain libpq connection URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``…://``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def listen(url: str, *, connect_timeout: int = 5) -> psycopg.Connection[Any]:
    """A connection of its own (autocommit) that listens on :data:`CHANNEL`.

    Raises ``psycopg.OperationalError`` when the server cannot be reached.
    """
    import psycopg

    conn: psycopg.Connection[Any] = psycopg.connect(
        libpq_url(url), autocommit=True, connect_timeout=connect_timeout
    )
    try:
        conn.execute(f"LISTEN {CHANNEL}")
    except BaseException:
        conn.close()
        raise
    return conn


def parse_notification(payload: str) -> Change | None:
    """The change a notification's payload announces, or None for a payload not ours."""
    try:
        data = json.loads(payload)
        return Change(int(data["id"]), str(data["entity_kind"]))
    except (ValueError, TypeError, KeyError):
        return None


def wait_for_changes(conn: psycopg.Connection[Any], timeout: float) -> list[Change]:
    """Wait up to ``timeout`` seconds for a notification; return it and any already queued.

    Raises ``psycopg.OperationalError`` when the connection breaks while waiting.
    """
    found: list[Change] = []
    for batch_timeout, stop_after in ((timeout, 1), (0.0, None)):
        for note in conn.notifies(timeout=batch_timeout, stop_after=stop_after):
            if note.channel != CHANNEL:
                continue
            change = parse_notification(note.payload)
            if change is not None:
                found.append(change)
        if not found:
            break
    return found
