"""Qt measurements: the inventory page opening on the whole house, offscreen."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.generate import HouseInfo
from benchmarks.harness import Result, timed_result
from benchmarks.operations import ACTOR, FIRST_SCREEN_ROWS, TARGETS, Runs, _raw_rows
from gearroom.config import Settings
from gearroom.db import Database
from gearroom.services.actor import Actor
from gearroom.ui.context import AppContext
from gearroom.ui.pages.inventory import InventoryPage

PAINT_TIMEOUT_MS = 60_000


def qt_application() -> QApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


class _PaintWatch(QObject):
    """Quits ``loop`` once a paint of the watched widget has finished and ``ready()`` holds."""

    def __init__(self, loop: QEventLoop, ready: Callable[[], bool]) -> None:
        super().__init__()
        self.loop = loop
        self.ready = ready
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            # The paint runs after this filter; a zero timer fires once it is on screen.
            QTimer.singleShot(0, self._after_paint)
        return False

    def _after_paint(self) -> None:
        if self.painted_at is None and self.ready():
            self.painted_at = time.perf_counter()
            self.loop.quit()


def open_inventory_once(context: AppContext) -> tuple[float, int]:
    """Seconds from creating the Inventory page to its first painted rows, and the row count."""
    qt_application()
    started = time.perf_counter()
    page = InventoryPage(context)
    page.resize(1400, 860)
    loop = QEventLoop()
    table = page.assets.table
    watch = _PaintWatch(loop, lambda: page.assets.model.rows_loaded > 0)
    table.viewport().installEventFilter(watch)
    page.show()
    page.activated()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    timeout.start(PAINT_TIMEOUT_MS)
    if watch.painted_at is None:
        loop.exec()
    timeout.stop()
    table.viewport().removeEventFilter(watch)
    rows = page.assets.model.rowCount()
    page.close()
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if watch.painted_at is None:
        raise RuntimeError("The inventory page did not paint its rows within a minute.")
    return watch.painted_at - started, rows


def bench_inventory(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs, actor: Actor = ACTOR
) -> list[Result]:
    context = AppContext(db, Settings(), actor)
    times: list[float] = []
    rows = 0
    open_inventory_once(context)  # warm-up: fonts, icons, styles
    for _ in range(runs.medium):
        seconds, rows = open_inventory_once(context)
        times.append(seconds)

    def raw_open() -> float:
        started = time.perf_counter()
        ids = [
            r[0]
            for r in raw.execute("SELECT id FROM assets WHERE status <> 'retired' ORDER BY tag")
        ]
        _raw_rows(raw, ids[:FIRST_SCREEN_ROWS])
        raw.execute("SELECT id, name FROM categories ORDER BY sort_order, name").fetchall()
        raw.execute("SELECT id, name FROM locations ORDER BY name").fetchall()
        return time.perf_counter() - started

    baseline = [raw_open() for _ in range(runs.medium)]
    return [
        timed_result(
            "inventory_open",
            f"inventory page open ({rows:,} rows)",
            times,
            baseline,
            target=TARGETS["inventory_open"],
            note="InventoryPage created, shown, first rows painted (offscreen); raw: ids + "
            "first block + filter lists",
        )
    ]
