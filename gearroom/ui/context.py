"""What every window, page and dialog shares: the database, settings and the signed-in operator.

Pages never hold a session: each user action goes through the operation door,
:attr:`AppContext.operations` (:mod:`gearroom.ui.operations`), which runs the service call off
the UI thread in a session of its own and announces what a write changed on
:attr:`AppContext.changed` as a typed :class:`~gearroom.services.changes.DataChange`, so that the
pages it concerns refresh. A page submits the call first and clears what the person typed or
scanned only in the success callback.

:meth:`AppContext.query` and :meth:`AppContext.perform` are the same door taken synchronously,
on the UI thread. They stay for the places that cannot go on without the answer:

* start-up (``ui/app.py``): whether the database is empty or has operators decides which modal
  dialog comes first, before the window exists and before its event loop runs;
* routing a scan (``window_controls.handle_badge`` and the pages' ``handle_scan`` of the
  dashboard, inventory and productions): the router must know at once whether a tag was taken,
  or the next receiver is asked; each is one lookup by primary key;
* the connection check of the banner (:meth:`check_connection`) and the change watcher's first
  read of the newest event id.

The edit dialogs (item, stock, kit, production, reservation, settings and its pricing rules)
load what they show through the door (:meth:`FormDialog.load
<gearroom.ui.dialogs.base.FormDialog.load>`: "Loading…" with Save disabled until the answer,
an error as one line above the form); so do the kits and stock tabs' lists and detail panels,
the reservation dialog's tag look-ups, conflict check and model picker, the kit dialog's
member look-ups, the import wizard and the service page's writes. These still call
:meth:`AppContext.query` on the UI thread, each for a reason:

* the inventory table's blocks and the inventory filters' lists (``models/asset_table.py``,
  ``pages/inventory.py`` ``refresh``): the table model answers Qt from what it holds and
  reads the next block when asked; its move to the door is a change of the model itself;
* the production page's scanned tag (a scan routed as above) and its production sheet's data,
  and the money widgets' house details for a PDF (``widgets/money_lines.py``): read after the
  person chose the file, to write it at once; one production's or one row's read each;
* the model rate card behind "Model rates…" (``widgets/rate_card.py`` ``change_model``): one
  row that the rates dialog is built from before it opens.

Errors: :meth:`AppContext.query` and :meth:`AppContext.perform` raise
:class:`~gearroom.errors.GearroomError` for anything a person can act on, a lost connection
included (:class:`~gearroom.errors.ConnectionLost`, also announced by
:attr:`AppContext.connection_lost` for the banner). They raise before returning anything, so a
page that calls them *before* clearing its widgets (the cart, a form, a selection) keeps what the
person typed or scanned when an action fails, and the same action can simply be tried again.
Every page follows that order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gearroom.config import FilePlaces, Settings, file_places
from gearroom.db import Database
from gearroom.errors import ConnectionLost
from gearroom.services import changes
from gearroom.services.actor import Actor
from gearroom.services.changes import DataChange
from gearroom.ui.operations import Operations

T = TypeVar("T")


class AppContext(QObject):
    """The app's shared state, passed to every page and dialog (no globals)."""

    #: Emitted after a write with a :class:`~gearroom.services.changes.DataChange`: the kinds of
    #: thing that changed, who initiated it (this workstation or another) and the newest event
    #: id. Changes made on another workstation arrive here too (:mod:`gearroom.ui.live`).
    #: Receivers read it with :meth:`DataChange.of <gearroom.services.changes.DataChange.of>`
    #: (a plain word such as ``"settings"`` names the kinds it changed).
    changed = Signal(object)
    #: Emitted when the signed-in operator changes.
    actor_changed = Signal()
    #: Emitted with a message when the database stopped answering during a call.
    connection_lost = Signal(str)
    #: Emitted when the database answers again after :attr:`connection_lost`.
    connection_restored = Signal()

    def __init__(
        self,
        database: Database,
        settings: Settings,
        actor: Actor,
        places: FilePlaces | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self.actor = actor
        #: Where the files outside the database are (label settings and templates, import
        #: mappings and presets): resolved here once, handed to the services that need them.
        self.places = places or file_places()
        #: False from a lost connection until the database answers again.
        self.connected = True
        self._own_lock = threading.Lock()
        self._own_events: set[int] = set()
        #: The door every page and dialog runs its service calls through.
        self.operations = Operations(self)

    # ------------------------------------------------------------------ own events

    def remember_own_events(self, ids: Iterable[int]) -> None:
        """History events written by this workstation (the watcher does not announce them)."""
        with self._own_lock:
            self._own_events.update(ids)

    def forget_own_events(self, ids: Iterable[int]) -> None:
        with self._own_lock:
            self._own_events.difference_update(ids)

    def own_events(self) -> frozenset[int]:
        with self._own_lock:
            return frozenset(self._own_events)

    def seen_up_to(self, event_id: int) -> None:
        """The watcher has taken every event up to ``event_id`` into account."""
        with self._own_lock:
            self._own_events = {i for i in self._own_events if i > event_id}

    def is_own(self, ids: Collection[int]) -> bool:
        with self._own_lock:
            return bool(ids) and all(i in self._own_events for i in ids)

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn a lost connection into :class:`ConnectionLost` and announce both ways.

        Safe in a pool thread: the signals reach the UI thread queued."""
        with self._connection_guard():
            yield

    @contextmanager
    def _connection_guard(self) -> Iterator[None]:
        """Turn a lost connection into :class:`ConnectionLost` and announce both ways."""
        try:
            yield
        except DBAPIError as exc:
            if not changes.is_connection_lost(exc):
                raise
            error = changes.connection_lost(exc, self.database.url)
            self.connected = False
            self.connection_lost.emit(str(error))
            raise error from exc
        if not self.connected:
            self.connected = True
            self.connection_restored.emit()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._connection_guard(), self.database.read() as session:
            yield session

    def query(self, fn: Callable[[Session], T]) -> T:
        """Run a read-only service call in its own session."""
        with self._connection_guard(), self.database.read() as session:
            return fn(session)

    def perform(self, fn: Callable[[Session, Actor], T], changed: str | Iterable[str]) -> T:
        """Run a service call that changes data, in one transaction, then announce it.

        ``changed`` names the entity kinds (or a word such as ``"checkout"``) it changes."""
        operation = self.operations.write(fn, changed, synchronous=True)
        if operation.error is not None:
            raise operation.error
        assert operation.done
        return operation.result  # type: ignore[return-value]

    def announce(self, change: DataChange) -> None:
        self.changed.emit(change)

    def check_connection(self) -> bool:
        """One cheap round trip (``SELECT 1``); False while the database does not answer."""
        try:
            self.query(changes.ping)
        except ConnectionLost:
            return False
        return True

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.actor_changed.emit()
