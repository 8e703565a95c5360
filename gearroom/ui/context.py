"""What every window, page and dialog shares: the database, settings and the signed-in operator.

Pages never hold a session: each user action opens one through :meth:`AppContext.read` or
:meth:`AppContext.write` around a service call, and announces what changed with
:attr:`AppContext.changed` so that other pages refresh.

Errors: :meth:`AppContext.query` and :meth:`AppContext.perform` raise
:class:`~gearroom.errors.GearroomError` for anything a person can act on, a lost connection
included (:class:`~gearroom.errors.ConnectionLost`, also announced by
:attr:`AppContext.connection_lost` for the banner). They raise before returning anything, so a
page that calls them *before* clearing its widgets (the cart, a form, a selection) keeps what the
person typed or scanned when an action fails, and the same action can simply be tried again.
Every page follows that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gearroom.config import Settings
from gearroom.db import Database
from gearroom.errors import ConnectionLost
from gearroom.services import changes
from gearroom.services.actor import Actor

T = TypeVar("T")


class AppContext(QObject):
    """The app's shared state, passed to every page and dialog (no globals)."""

    #: Emitted after a write, with the kind of thing that changed ("asset", "kit", "checkout"…).
    #: Changes made on another workstation arrive here too (:mod:`gearroom.ui.live`), with the
    #: kinds of entity joined by commas when several changed at once ("asset,production").
    changed = Signal(str)
    #: Emitted when the signed-in operator changes.
    actor_changed = Signal()
    #: Emitted with a message when the database stopped answering during a call.
    connection_lost = Signal(str)
    #: Emitted when the database answers again after :attr:`connection_lost`.
    connection_restored = Signal()

    def __init__(self, database: Database, settings: Settings, actor: Actor) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self.actor = actor
        #: False from a lost connection until the database answers again.
        self.connected = True

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

    def perform(self, fn: Callable[[Session, Actor], T], changed: str) -> T:
        """Run a service call that changes data, in one transaction, then announce it."""
        with self._connection_guard(), self.database.write() as session:
            result = fn(session, self.actor)
        self.changed.emit(changed)
        return result

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
