"""What every window, page and dialog shares: the database, settings and the signed-in operator.

Pages never hold a session: each user action opens one through :meth:`AppContext.read` or
:meth:`AppContext.write` around a service call, and announces what changed with
:attr:`AppContext.changed` so that other pages refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from gearroom.config import Settings
from gearroom.db import Database
from gearroom.services.actor import Actor

T = TypeVar("T")


class AppContext(QObject):
    """The app's shared state, passed to every page and dialog (no globals)."""

    #: Emitted after a write, with the kind of thing that changed ("asset", "kit", "checkout"…).
    changed = Signal(str)
    #: Emitted when the signed-in operator changes.
    actor_changed = Signal()

    def __init__(self, database: Database, settings: Settings, actor: Actor) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self.actor = actor

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.database.read() as session:
            yield session

    def query(self, fn: Callable[[Session], T]) -> T:
        """Run a read-only service call in its own session."""
        with self.database.read() as session:
            return fn(session)

    def perform(self, fn: Callable[[Session, Actor], T], changed: str) -> T:
        """Run a service call that changes data, in one transaction, then announce it."""
        with self.database.write() as session:
            result = fn(session, self.actor)
        self.changed.emit(changed)
        return result

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.actor_changed.emit()
