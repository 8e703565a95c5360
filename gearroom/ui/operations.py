"""The one door for operations: a read or a write runs off the UI thread in its own session.

A page hands :class:`Operations` a function (a service call); the function runs in a pool thread
with a session of its own, and its result, or the :class:`~gearroom.errors.GearroomError` it
raised, comes back on the UI thread through the :class:`Operation`'s signals (or the
``on_done`` / ``on_error`` callbacks). A lost connection comes back as
:class:`~gearroom.errors.ConnectionLost` and is announced on ``context.connection_lost`` for the
banner. A write announces what it changed (a :class:`~gearroom.services.changes.DataChange`)
once it has committed, with the ids of the history events it wrote, so the change watcher can
tell this workstation's own events from everyone else's.

Operations run one after the other in submission order (a read submitted after a write sees
it); long ones (reports, imports, exports, backups: ``long=True``) run in a lane of their own so
that they do not hold up the short reads a page makes while they work. A long operation can
show a cancellable progress dialog; the work reports progress and checks for a cancel through
its :class:`Job`.

Tests make the door synchronous (``Operations.synchronous = True``, or per call): the work then
runs inline and its callbacks are called before ``submit`` returns, as Picard's thread helper
does in its tests.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.services import changes
from gearroom.services.actor import Actor
from gearroom.services.changes import ChangeKind, DataChange

if TYPE_CHECKING:
    from gearroom.ui.context import AppContext

T = TypeVar("T")
log = logging.getLogger(__name__)

#: How long an operation runs before its progress dialog shows up.
PROGRESS_DELAY_MS = 400


def settle_memory() -> None:
    """Move what the app holds after start-up out of the garbage collector's way.

    A full collection walks every object Python tracks while holding the interpreter lock, so
    a pool thread that triggers one stalls the UI thread for as long (100-200 ms with the
    whole app loaded). Frozen objects are not walked again; call this once the window is up.
    """
    gc.collect()
    gc.freeze()


class _QuietCollector:
    """While long operations run, only the young generations are collected automatically.

    The work of an import allocates objects by the ten thousand; left alone, the collector
    would walk the whole heap several times meanwhile, each time stalling the UI thread. The
    old threshold comes back when the last long operation ends.
    """

    HELD = 1_000_000

    def __init__(self) -> None:
        self._running = 0
        self._saved: tuple[int, int, int] | None = None

    def enter(self) -> None:
        self._running += 1
        if self._running == 1:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], self.HELD)

    def leave(self) -> None:
        self._running = max(0, self._running - 1)
        if self._running == 0 and self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None


_collector = _QuietCollector()


class OperationCancelled(GearroomError):
    """The work noticed a cancel request and stopped (nothing of it was committed)."""


class Job:
    """What the work of an operation gets: sessions, progress and the cancel flag.

    Lives in the pool thread while the work runs; ``progress`` is queued to the UI thread.
    """

    def __init__(self, context: AppContext, operation: Operation[Any]) -> None:
        self._context = context
        self._operation = operation
        #: Ids of the history events written by this job's write sessions.
        self.event_ids: set[int] = set()
        #: The newest event id a write session saw before committing.
        self.newest_event_id: int | None = None

    @property
    def actor(self) -> Actor:
        return self._context.actor

    @property
    def cancelled(self) -> bool:
        return self._operation.cancel_requested

    def check(self) -> None:
        """Raise :class:`OperationCancelled` when a cancel was asked for."""
        if self.cancelled:
            raise OperationCancelled("Cancelled.")

    def progress(self, percent: int, message: str = "") -> None:
        """How far the work is, in percent, and what it is doing."""
        self._operation._relay.progressed.emit(int(percent), message)

    def count(self, done: int, total: int) -> bool:
        """How many of how many things are done; False once a cancel was asked for (the
        shape of the importer's progress callback)."""
        self._operation._relay.counted.emit(int(done), int(total))
        return not self.cancelled

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session of its own (rolled back at the end)."""
        with self._context.guard(), self._context.database.read() as session:
            yield session

    def quick_read(self, fn: Callable[[Session], T]) -> T:
        """``fn`` on the database's quick reader: no transaction, one round trip a statement
        (:meth:`gearroom.db.Database.quick_read`; for the scanner's verdicts)."""
        with self._context.guard():
            return self._context.database.quick_read(fn)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits as one transaction; its events are remembered."""
        ids: set[int] = set()
        try:
            with (
                self._context.guard(),
                self._context.database.write() as session,
                changes.own_events(session) as ids,
            ):
                yield session
                session.flush()
                self.newest_event_id = changes.newest_event_id(session)
                # Known as our own before the commit makes them visible to the watcher.
                self._context.remember_own_events(ids)
        except BaseException:
            self._context.forget_own_events(ids)
            raise
        self.event_ids |= ids


class _Relay(QObject):
    """Carries the pool thread's news to the operation on the UI thread (queued)."""

    progressed = Signal(int, str)
    counted = Signal(int, int)
    delivered = Signal(object, object)


class Operation(QObject, Generic[T]):
    """One submitted operation: its signals arrive on the UI thread."""

    #: Percent done and what is being done (from :meth:`Job.progress` and :meth:`Job.count`).
    progressed = Signal(int, str)
    #: Things done and how many there are (from :meth:`Job.count`).
    counted = Signal(int, int)
    #: The work's result.
    succeeded = Signal(object)
    #: The :class:`GearroomError` the work raised (ConnectionLost included).
    failed = Signal(object)
    #: The work stopped on a cancel request.
    cancelled = Signal()
    #: After any of the three above.
    finished = Signal()

    def __init__(self, description: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.description = description
        self.done = False
        self.result: T | None = None
        self.error: GearroomError | None = None
        self.was_cancelled = False
        self.change: DataChange | None = None
        self._cancel = threading.Event()
        self._finished_flag = threading.Event()
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.counted.connect(self._on_count, Qt.ConnectionType.QueuedConnection)
        self._relay.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.progress_dialog: QProgressDialog | None = None
        #: Called with :attr:`change` before :attr:`succeeded` (the door's announcement).
        self.announce: Callable[[DataChange], object] | None = None

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop (it checks :attr:`Job.cancelled` between steps)."""
        self._cancel.set()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the work has run (tests, closing); its signals follow from the loop."""
        return self._finished_flag.wait(msecs / 1000)

    @Slot(int, str)
    def _on_progress(self, percent: int, message: str) -> None:
        dialog = self.progress_dialog
        if dialog is not None and not self.done:
            if message:
                dialog.setLabelText(message + "…")
            # A modal dialog's setValue runs the event loop: the result may arrive inside it.
            dialog.setValue(percent)
        self.progressed.emit(percent, message)

    @Slot(int, int)
    def _on_count(self, done: int, total: int) -> None:
        self.counted.emit(done, total)
        self._on_progress(done * 100 // total if total else 0, "")

    @Slot(object, object)
    def _deliver(self, outcome: str, value: object) -> None:
        if self.done:
            return
        self.done = True
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if outcome == "ok":
            self.result = value  # type: ignore[assignment]
            if self.change is not None and self.announce is not None:
                self.announce(self.change)
            self.succeeded.emit(value)
        elif outcome == "cancelled":
            self.was_cancelled = True
            self.cancelled.emit()
        else:
            assert isinstance(value, GearroomError)
            self.error = value
            self.failed.emit(value)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, run: Callable[[], None]) -> None:
        super().__init__()
        self._run = run

    def run(self) -> None:
        self._run()


class Operations(QObject):
    """The door: ``context.operations``. One per :class:`AppContext`."""

    #: The default for every door: True runs the work inline (tests).
    synchronous: ClassVar[bool] = False

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self._context = context
        self._short = QThreadPool(self)
        self._short.setMaxThreadCount(1)
        self._long = QThreadPool(self)
        self._long.setMaxThreadCount(1)
        self._running: set[Operation[Any]] = set()
        #: This door's own setting; None follows :attr:`synchronous`.
        self.inline: bool | None = None

    def _is_inline(self, synchronous: bool | None) -> bool:
        if synchronous is not None:
            return synchronous
        return self.inline if self.inline is not None else type(self).synchronous

    # ------------------------------------------------------------------ submitting

    def submit(
        self,
        work: Callable[[Job], T],
        *,
        description: str = "The operation",
        changed: str | Iterable[str] | None = None,
        on_done: Callable[[T], object] | None = None,
        on_error: Callable[[GearroomError], object] | None = None,
        on_cancel: Callable[[], object] | None = None,
        long: bool = False,
        progress: str | None = None,
        parent: QWidget | None = None,
        synchronous: bool | None = None,
        cancelled_by: tuple[type[BaseException], ...] = (),
    ) -> Operation[T]:
        """Run ``work(job)`` off the UI thread; its outcome comes back on the UI thread.

        ``changed`` names what a successful write changed (entity kinds or a word such as
        ``"checkout"``): it is announced on ``context.changed`` before ``on_done`` runs.
        ``progress`` is the label of a cancellable progress dialog over ``parent``.
        ``cancelled_by`` are exceptions of the service that mean "stopped on request".
        """
        operation: Operation[T] = Operation(description)
        if on_done is not None:
            operation.succeeded.connect(on_done)
        if on_error is not None:
            operation.failed.connect(on_error)
        if on_cancel is not None:
            operation.cancelled.connect(on_cancel)
        operation.announce = self._context.changed.emit
        job = Job(self._context, operation)
        kinds = None if changed is None else changes.kinds_of(changed)

        def run() -> None:
            outcome, value = self._run(work, job, operation, kinds, cancelled_by)
            operation._finished_flag.set()
            operation._relay.delivered.emit(outcome, value)

        if self._is_inline(synchronous):
            outcome, value = self._run(work, job, operation, kinds, cancelled_by)
            operation._finished_flag.set()
            operation._deliver(outcome, value)
            return operation
        self._running.add(operation)
        operation.finished.connect(lambda: self._running.discard(operation))
        if long:
            _collector.enter()
            operation.finished.connect(_collector.leave)
        if progress is not None:
            operation.progress_dialog = self._progress_dialog(operation, progress, parent)
        (self._long if long else self._short).start(_Runnable(run))
        return operation

    def read(
        self,
        fn: Callable[[Session], T],
        *,
        on_done: Callable[[T], object] | None = None,
        on_error: Callable[[GearroomError], object] | None = None,
        description: str = "Reading",
        synchronous: bool | None = None,
        quick: bool = False,
    ) -> Operation[T]:
        """A read-only service call in its own session; ``quick``: on the quick reader (a
        scan's verdict, whose statements need not share a snapshot)."""

        def work(job: Job) -> T:
            if quick:
                return job.quick_read(fn)
            with job.read() as session:
                return fn(session)

        return self.submit(
            work,
            description=description,
            on_done=on_done,
            on_error=on_error,
            synchronous=synchronous,
        )

    def write(
        self,
        fn: Callable[[Session, Actor], T],
        changed: str | Iterable[str],
        *,
        on_done: Callable[[T], object] | None = None,
        on_error: Callable[[GearroomError], object] | None = None,
        description: str = "Saving",
        synchronous: bool | None = None,
    ) -> Operation[T]:
        """A service call that changes data, in one transaction; announced when committed."""

        def work(job: Job) -> T:
            with job.write() as session:
                return fn(session, job.actor)

        return self.submit(
            work,
            description=description,
            changed=changed,
            on_done=on_done,
            on_error=on_error,
            synchronous=synchronous,
        )

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait until every running operation has run (tests, closing the window)."""
        return self._short.waitForDone(msecs) and self._long.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    # ------------------------------------------------------------------ inside

    def _run(
        self,
        work: Callable[[Job], T],
        job: Job,
        operation: Operation[T],
        kinds: frozenset[ChangeKind] | None,
        cancelled_by: tuple[type[BaseException], ...],
    ) -> tuple[str, object]:
        try:
            result = work(job)
        except OperationCancelled:
            return "cancelled", None
        except BaseException as exc:
            if cancelled_by and isinstance(exc, cancelled_by):
                return "cancelled", None
            return "error", self._as_error(exc, operation.description)
        if kinds is not None:
            newest = max(job.event_ids) if job.event_ids else job.newest_event_id
            operation.change = DataChange(kinds, changes.Origin.LOCAL, newest)
        return "ok", result

    @staticmethod
    def _as_error(exc: BaseException, description: str) -> GearroomError:
        if isinstance(exc, GearroomError):
            return exc
        if isinstance(exc, OSError):  # a file the person chose: the caller says what failed
            return GearroomError(str(exc))
        log.error("%s failed", description, exc_info=exc)
        return GearroomError(f"{description} failed: {exc}")

    def _progress_dialog(
        self, operation: Operation[Any], label: str, parent: QWidget | None
    ) -> QProgressDialog:
        dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
        dialog.setWindowTitle(operation.description)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(operation.cancel)
        return dialog
