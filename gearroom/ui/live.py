"""Live refresh: notice changes made on other workstations and announce them like local ones.

:class:`ChangeWatcher` emits :attr:`AppContext.changed <gearroom.ui.context.AppContext.changed>`
with a remote :class:`~gearroom.services.changes.DataChange` naming the kinds of entity another
workstation changed, so the pages it concerns refresh (the page in front at once, the others
when they are shown). The app's own events are skipped by their ids: this workstation's writes
announced themselves when they committed. It never re-reads the whole database, only what is
new in the history:

* SQLite: a timer asks for the newest event id about once a second
  (:func:`gearroom.services.changes.changes_since`, a primary-key lookup);
* PostgreSQL: a thread listens on the ``gearroom_changes`` channel (``LISTEN``, the trigger of
  migration 0005 sends a ``NOTIFY`` per new event when its transaction commits). When that
  connection is lost the thread reconnects every few seconds and, once back, the watcher catches
  up once with ``changes_since`` (notifications sent meanwhile are not queued for it).

A burst of changes (a check-out writes one event per item) becomes one emission: at most one per
``min_interval_ms`` (a second), carrying every kind changed meanwhile.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from gearroom.errors import GearroomError
from gearroom.services import changes
from gearroom.services.changes import DataChange
from gearroom.ui.context import AppContext

if TYPE_CHECKING:  # psycopg is only imported on PostgreSQL (start-up time on SQLite)
    import psycopg

POLL_MS = 1000
MIN_INTERVAL_MS = 1000
#: How long the listener waits for a notification before checking whether it should stop.
LISTEN_WAIT_S = 0.25
#: Seconds between reconnection attempts of the listener.
RECONNECT_S = 3.0


class _Listener(QThread):
    """Waits on a PostgreSQL LISTEN connection of its own, off the UI thread."""

    #: A list of :class:`~gearroom.services.changes.Change` (queued to the UI thread).
    arrived = Signal(list)
    #: The LISTEN connection is (again) open: notifications from now on arrive.
    listening = Signal()
    #: The LISTEN connection failed or broke (the reason).
    lost = Signal(str)

    def __init__(self, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url = url

    def run(self) -> None:
        import psycopg

        conn: psycopg.Connection[object] | None = None
        try:
            while not self.isInterruptionRequested():
                if conn is None:
                    try:
                        conn = changes.listen(self._url, connect_timeout=int(RECONNECT_S))
                    except psycopg.Error as exc:
                        self.lost.emit(str(exc).strip())
                        self._pause(RECONNECT_S)
                        continue
                    self.listening.emit()
                try:
                    found = changes.wait_for_changes(conn, LISTEN_WAIT_S)
                except psycopg.Error as exc:
                    conn.close()
                    conn = None
                    self.lost.emit(str(exc).strip())
                    continue
                if found:
                    self.arrived.emit(found)
        finally:
            if conn is not None:
                conn.close()

    def _pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.isInterruptionRequested() and time.monotonic() < deadline:
            self.msleep(50)


class ChangeWatcher(QObject):
    """Turns other workstations' changes into :attr:`AppContext.changed` emissions."""

    #: The kinds that changed elsewhere, joined by commas (for tests and logs); the typed value
    #: goes out on ``context.changed``.
    noticed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        *,
        poll_ms: int = POLL_MS,
        min_interval_ms: int = MIN_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.min_interval_ms = min_interval_ms
        self._last_id: int | None = None
        self._pending: set[str] = set()
        self._pending_newest: int | None = None
        self._polling = False
        self._last_emit = 0.0
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)
        self._listener: _Listener | None = None

    @property
    def listening(self) -> bool:
        """Whether changes arrive by notification (PostgreSQL) rather than by polling."""
        return self._listener is not None

    @property
    def last_seen_id(self) -> int | None:
        """The newest history event this workstation has taken into account."""
        return self._last_id

    def start(self) -> None:
        """Remember where history stands now and start watching."""
        if self._poll_timer.isActive() or self._listener is not None:
            return
        try:
            self._last_id = self.context.query(changes.newest_event_id)
        except GearroomError:
            self._last_id = None  # the first successful poll sets it
        else:
            self.context.seen_up_to(self._last_id)
        if self.context.database.backend == "postgresql":
            self._listener = _Listener(self.context.database.url, self)
            self._listener.arrived.connect(self._arrived)
            self._listener.listening.connect(self.poll)
            self._listener.lost.connect(self._listener_lost)
            self._listener.start()
        else:
            self._poll_timer.start()

    def stop(self) -> None:
        """Stop watching (waits for the listener thread to end)."""
        self._poll_timer.stop()
        self._flush_timer.stop()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.requestInterruption()
            listener.wait()
            listener.deleteLater()

    # ------------------------------------------------------------------ noticing

    def poll(self) -> None:
        """Ask the history what is new since the last event seen (a cheap query, off the UI
        thread through the door; a poll still running is not asked twice)."""
        if self._polling:
            return
        since = self._last_id
        if since is None:
            self._polling = True
            self.context.operations.read(
                changes.newest_event_id,
                on_done=self._started_at,
                on_error=self._poll_failed,
                description="Checking for changes",
            )
            return
        own = self.context.own_events()
        self._polling = True
        self.context.operations.read(
            lambda s: changes.changes_since(s, since, own),
            on_done=self._polled,
            on_error=self._poll_failed,
            description="Checking for changes",
        )

    def _started_at(self, newest: int) -> None:
        self._polling = False
        if self._last_id is None:
            self._last_id = newest

    def _poll_failed(self, _error: GearroomError) -> None:
        self._polling = False  # a lost connection is announced by the door; the next poll retries

    def _polled(self, found: changes.Changes) -> None:
        self._polling = False
        if self._last_id is not None and found.since != self._last_id:
            return  # a notification moved on meanwhile
        self._last_id = found.newest_id
        self.context.seen_up_to(found.newest_id)
        if found.changed:
            self._add(found.kinds, found.newest_id)

    def _arrived(self, found: list[changes.Change]) -> None:
        fresh = [c for c in found if self._last_id is None or c.event_id > self._last_id]
        if not fresh:
            return
        self._last_id = max(c.event_id for c in fresh)
        own = self.context.own_events()
        theirs = [c for c in fresh if c.event_id not in own]
        self.context.seen_up_to(self._last_id)
        if theirs:
            self._add({c.entity_kind for c in theirs}, self._last_id)

    def _listener_lost(self, _reason: str) -> None:
        # The context's own check announces the trouble (banner) and the recovery.
        if self.context.connected:
            self.context.check_connection()

    # ------------------------------------------------------------------ announcing

    def _add(self, kinds: set[str] | frozenset[str], newest: int | None = None) -> None:
        self._pending.update(kinds)
        if newest is not None:
            self._pending_newest = max(newest, self._pending_newest or 0)
        if self._flush_timer.isActive():
            return
        elapsed_ms = (time.monotonic() - self._last_emit) * 1000
        self._flush_timer.start(int(max(0.0, self.min_interval_ms - elapsed_ms)))

    def _flush(self) -> None:
        if not self._pending:
            return
        change = DataChange.remote(self._pending, self._pending_newest)
        self._pending.clear()
        self._pending_newest = None
        self._last_emit = time.monotonic()
        self.noticed.emit(change.describe())
        self.context.changed.emit(change)
