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
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, literal, select
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
    "ChangeKind",
    "Changes",
    "DataChange",
    "Origin",
    "changes_since",
    "connection_lost",
    "is_connection_lost",
    "kinds_of",
    "libpq_url",
    "listen",
    "newest_event_id",
    "own_events",
    "parse_notification",
    "ping",
    "wait_for_changes",
]


class ChangeKind(StrEnum):
    """What kind of thing changed: the entity kinds the history records."""

    ASSET = "asset"
    KIT = "kit"
    STOCK = "stock"
    CATEGORY = "category"
    LOCATION = "location"
    PRODUCTION = "production"
    PERSON = "person"
    OPERATOR = "operator"
    SETTING = "setting"
    CLIENT = "client"
    QUOTE = "quote"
    INVOICE = "invoice"
    RATE_CARD = "rate_card"
    #: History went backwards or too much changed to say: everything may have changed.
    EVERYTHING = "*"


#: Everything a page can be concerned with.
ALL_KINDS: frozenset[ChangeKind] = frozenset(ChangeKind)

#: What a write announced with a word rather than entity kinds changes (a check-out moves
#: assets, stock and the production; an import or a restore touches the catalog).
_WORDS: dict[str, frozenset[ChangeKind]] = {
    "checkout": frozenset(
        {ChangeKind.ASSET, ChangeKind.STOCK, ChangeKind.KIT, ChangeKind.PRODUCTION}
    ),
    "checkin": frozenset({ChangeKind.ASSET, ChangeKind.STOCK, ChangeKind.PRODUCTION}),
    "service": frozenset({ChangeKind.ASSET}),
    "settings": frozenset({ChangeKind.SETTING}),
    #: Quoting, invoicing, payments and credit notes (a production's money).
    "money": frozenset({ChangeKind.QUOTE, ChangeKind.INVOICE}),
    "catalog": frozenset(
        {
            ChangeKind.ASSET,
            ChangeKind.KIT,
            ChangeKind.STOCK,
            ChangeKind.CATEGORY,
            ChangeKind.LOCATION,
            ChangeKind.PERSON,
        }
    ),
}


def kinds_of(what: str | Iterable[str]) -> frozenset[ChangeKind]:
    """The kinds named by entity kinds or words (``"asset"``, ``"checkout"``, ``"asset,kit"``).

    A name this version does not know counts as :attr:`ChangeKind.EVERYTHING` (refreshing too
    much is safe, missing a change is not)."""
    names = what.split(",") if isinstance(what, str) else list(what)
    found: set[ChangeKind] = set()
    for name in (n.strip() for n in names):
        if not name:
            continue
        if name in _WORDS:
            found |= _WORDS[name]
            continue
        try:
            found.add(ChangeKind(name))
        except ValueError:
            found.add(ChangeKind.EVERYTHING)
    return frozenset(found)


class Origin(Enum):
    """Who made a change: an operation of this workstation, or anyone else."""

    LOCAL = "local"
    REMOTE = "remote"


@dataclass(frozen=True)
class DataChange:
    """A change announcement: what kinds changed, who initiated it, the newest event id."""

    kinds: frozenset[ChangeKind]
    origin: Origin = Origin.LOCAL
    #: The newest history event the change wrote or brought (None when none is known).
    newest_event_id: int | None = None

    @classmethod
    def local(cls, what: str | Iterable[str], newest_event_id: int | None = None) -> DataChange:
        return cls(kinds_of(what), Origin.LOCAL, newest_event_id)

    @classmethod
    def remote(cls, what: str | Iterable[str], newest_event_id: int | None = None) -> DataChange:
        return cls(kinds_of(what), Origin.REMOTE, newest_event_id)

    @classmethod
    def of(cls, value: object) -> DataChange:
        """An announcement as received: a :class:`DataChange`, or a word or entity kinds
        (``"settings"``, ``"asset,kit"``) from a caller that names what it changed."""
        if isinstance(value, DataChange):
            return value
        return cls.local(str(value))

    @property
    def everything(self) -> bool:
        return ChangeKind.EVERYTHING in self.kinds

    def concerns(self, kinds: Collection[ChangeKind]) -> bool:
        """Whether a page interested in ``kinds`` must refresh."""
        return self.everything or bool(self.kinds & set(kinds))

    def describe(self) -> str:
        """The kinds joined by commas, sorted (for logs and the watcher's ``noticed``)."""
        return ",".join(sorted(k.value for k in self.kinds))


@contextmanager
def own_events(session: Session) -> Iterator[set[int]]:
    """Collect the ids of the history events this session writes while the block runs (the
    session is flushed at the end of the block, so the set is complete before the commit)."""
    ids: set[int] = set()

    def collect(sess: Session, _context: object, _instances: object) -> None:
        ids.update(obj.id for obj in sess.new if isinstance(obj, Event) and obj.id is not None)

    event.listen(session, "before_flush", collect)
    try:
        yield ids
        session.flush()  # what is still pending is written (and collected) now
    finally:
        event.remove(session, "before_flush", collect)


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


def changes_since(session: Session, event_id: int, ignore: Collection[int] = ()) -> Changes:
    """The newest event id and the kinds of entity changed after ``event_id``.

    Events whose ids are in ``ignore`` (this workstation's own, already announced) do not
    count towards the kinds.

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
    skip = [i for i in ignore if event_id < i <= newest]
    if len(skip) >= newest - event_id:
        return Changes(event_id, newest, frozenset())
    where = Event.id > event_id
    if skip:
        where = where & Event.id.not_in(skip)
    recent = (
        select(Event.entity_kind).where(where).order_by(Event.id).limit(MAX_DETAILED).subquery()
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
