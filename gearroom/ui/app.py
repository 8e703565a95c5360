"""Start the desktop app: settings, the database, the first-run choice, the main window.

On an empty database the person chooses: start empty (the standard categories) or open the
demo rental house, which lives in its own file (``gearroom-demo.sqlite3`` beside the
database) so that demo gear and demo operators never land in the house's own data.
Problems a person can fix are shown in a message box, not as a traceback."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from gearroom import __version__
from gearroom.config import default_data_dir, default_operator, file_places, load_settings
from gearroom.db import open_database
from gearroom.engine import sqlite_path
from gearroom.errors import GearroomError
from gearroom.paths import demo_dir
from gearroom.services import catalog, operators
from gearroom.services.actor import Actor, local_actor
from gearroom.services.setup import ensure_standard_categories
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.backups import BackupScheduler
from gearroom.ui.dialogs.first_run import FirstRunChoice, ask_first_run
from gearroom.ui.dialogs.sign_in import FirstAdminDialog, SignInDialog
from gearroom.ui.icons import app_icon
from gearroom.ui.live import ChangeWatcher
from gearroom.ui.main_window import MainWindow
from gearroom.ui.operations import settle_memory

ORGANIZATION = "Gearroom"
APPLICATION = "Gearroom"
#: Set to 1 to quit right after the main window's first paint, printing the time it took
#: ("first paint after N.NNN s" on stdout): used to measure start-up (``python -m benchmarks``).
EXIT_AFTER_FIRST_PAINT = "GEARROOM_EXIT_AFTER_FIRST_PAINT"


def first_run_setup(session: Session, actor: Actor) -> bool:
    """Fill an empty catalog with the standard categories and the demo rental house, whose
    operators are admin, staff and assistant with the demo PIN (when it has none yet)."""
    if not catalog.catalog_is_empty(session):
        return False
    from gearroom.services import demo  # only on a first run: not on every start's path

    ensure_standard_categories(session, actor)
    demo.load_demo(session, actor, files=demo_dir())
    if not operators.has_operators(session):
        operators.create_demo_operators(session, actor)
    return True


def start_empty(session: Session, actor: Actor) -> bool:
    """An empty house: the standard categories only (the first admin comes next)."""
    if not catalog.catalog_is_empty(session):
        return False
    ensure_standard_categories(session, actor)
    return True


DEMO_FILE = "gearroom-demo.sqlite3"


def demo_database_path(url: str, data_dir: Path) -> Path:
    """Where the demo house lives: beside the house's SQLite file, else in the data folder."""
    own = sqlite_path(url)
    return (own.parent if own is not None else data_dir) / DEMO_FILE


#: Asked on an empty database; the default (tests, headless start) starts empty.
FirstRunAsk = Callable[[Path], FirstRunChoice]


def _start_empty_by_default(demo_path: Path) -> FirstRunChoice:
    return FirstRunChoice.EMPTY


def open_context_first_run(
    url: str | None = None, ask: FirstRunAsk = _start_empty_by_default
) -> tuple[AppContext, bool]:
    """Like :func:`open_context`, and whether the context is the demo house.

    On an empty database ``ask`` chooses: ``EMPTY`` adds the standard categories to it,
    ``DEMO`` opens (and on its first use fills) the separate demo database instead and
    leaves the house's own database untouched, ``QUIT`` raises :class:`FirstRunCancelled`.
    """
    settings = load_settings()
    own_url = url or settings.effective_database_url()
    places = file_places()
    database = open_database(own_url, anchor_file=places.history_anchors)
    context = AppContext(database, settings, local_actor(default_operator()), places)
    try:
        if not context.query(catalog.catalog_is_empty):
            return context, False
        choice = ask(demo_database_path(own_url, default_data_dir()))
        if choice is FirstRunChoice.QUIT:
            raise FirstRunCancelled("Nothing was set up.")
        if choice is FirstRunChoice.EMPTY:
            context.perform(start_empty, "catalog")
            return context, False
    except BaseException:
        database.dispose()
        raise
    database.dispose()
    demo_path = demo_database_path(own_url, default_data_dir())
    demo_path.parent.mkdir(parents=True, exist_ok=True)
    demo_db = open_database(f"sqlite:///{demo_path}", anchor_file=places.history_anchors)
    demo_context = AppContext(demo_db, settings, local_actor(default_operator()), places)
    try:
        demo_context.perform(first_run_setup, "catalog")
    except BaseException:
        demo_db.dispose()
        raise
    return demo_context, True


class FirstRunCancelled(GearroomError):
    """The person closed the first-run question instead of choosing."""


def open_context(url: str | None = None) -> AppContext:
    """Settings and database (``url`` overrides the configured one); raises GearroomError."""
    return open_context_first_run(url)[0]


def sign_in_at_start(context: AppContext, *, demo_loaded: bool = False) -> bool:
    """Ask who is working: sign-in, or the first admin on a database without operators.

    Returns False when the person quits instead."""
    if context.query(operators.has_operators):
        dialog: SignInDialog | FirstAdminDialog = SignInDialog(
            context, demo=demo_loaded, required=True
        )
    else:
        dialog = FirstAdminDialog(context)
    return dialog.exec() == QDialog.DialogCode.Accepted


def application() -> QApplication:
    """The running QApplication, created and named on first use."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("gearroom")
    app.setWindowIcon(app_icon())
    return app


def show_startup_error(error: GearroomError, parent: QWidget | None = None) -> None:
    """Tell the person why Gearroom cannot start and what to do about it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Gearroom cannot start")
    box.setText("Gearroom cannot open its data.")
    box.setInformativeText(str(error))
    box.exec()


class _ExitAfterFirstPaint(QObject):
    """Quits the app once the watched window has finished its first paint."""

    def __init__(self, app: QApplication, started: float) -> None:
        super().__init__(app)
        self._app = app
        self._started = started
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._done)  # runs once this paint is finished
        return False

    def _done(self) -> None:
        seconds = time.perf_counter() - self._started
        peak = peak_memory_kib()
        memory = f"; peak memory {peak} kB" if peak is not None else ""
        print(f"first paint after {seconds:.3f} s{memory}", flush=True)
        self._app.quit()


def peak_memory_kib() -> int | None:
    """This process's own high-water mark of resident memory (Linux ``VmHWM``), in KiB.

    Unlike ``ru_maxrss`` seen by a parent, it cannot carry the parent's peak across fork and
    exec, so it measures the app and nothing else. None where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


#: When, after the window is shown, start-up's objects are frozen for the garbage collector.
SETTLE_AFTER_MS = 1500


def run_app(url: str | None = None) -> int:
    """Open the main window on the database at ``url``; returns the exit code."""
    started = time.perf_counter()
    app = application()
    try:
        context, demo_loaded = open_context_first_run(url, ask_first_run)
    except FirstRunCancelled:
        return 0
    except GearroomError as exc:
        show_startup_error(exc)
        return exc.exit_code or 1
    if os.environ.get(EXIT_AFTER_FIRST_PAINT) != "1" and not sign_in_at_start(
        context, demo_loaded=demo_loaded
    ):
        context.database.dispose()
        return 0
    window = MainWindow(context)
    if demo_loaded:
        window.setWindowTitle(f"{window.windowTitle()} — demo house")
    backups = BackupScheduler(context, parent=window)
    backups.failed.connect(lambda text: window.statusBar().showMessage(text, 15000))
    backups.start()
    window.resize(1400, 860)
    if os.environ.get(EXIT_AFTER_FIRST_PAINT) == "1":
        window.installEventFilter(_ExitAfterFirstPaint(app, started))
    window.show()
    watcher = ChangeWatcher(context, parent=window)  # other workstations' changes refresh pages
    watcher.start()
    # Once the first screen is up: start-up's objects out of the collector's way (see there).
    QTimer.singleShot(SETTLE_AFTER_MS, settle_memory)
    try:
        return app.exec()
    finally:
        watcher.stop()
        context.operations.wait()
        context.database.dispose()


def main() -> None:
    raise SystemExit(run_app())
