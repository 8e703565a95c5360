"""The longest UI-thread stall while long operations run through the operation door.

A 5 ms timer ticks on the UI thread while a weekly report is built, a catalog is imported, a
backup is taken and a 60-item check-out is committed (and checked in again), each through
:class:`gearroom.ui.operations.Operations` as the app runs them. The figure is the longest gap
between two ticks, from the moment the operation is submitted until its result has come back on
the UI thread: what a person feels as the window freezing. The same operation run inline on the
UI thread (the door's synchronous mode, as before the door) is measured once as a comparison
and given in the note.

``python -m benchmarks --only stall`` runs it with the others; ``python -m benchmarks.stall``
runs it alone on the quick house.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer

from benchmarks.generate import HouseInfo
from benchmarks.harness import Result, Target, timed_result
from benchmarks.operations import ACTOR, Runs, _package_cart
from benchmarks.ui import qt_application
from gearroom import backup
from gearroom.config import Settings
from gearroom.db import Database
from gearroom.services import checkout, import_files, importer, returns
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ImportOptions
from gearroom.services.report import build_report, week_of
from gearroom.ui.context import AppContext
from gearroom.ui.operations import Job, Operation, settle_memory
from gearroom.ui.pages.checkout import CheckoutPage

TICK_MS = 5
TARGET = Target(50.0)
#: Rows of the catalog import (a spreadsheet of new items).
IMPORT_ROWS = 2000
Submit = Callable[[AppContext], Operation[object]]


def longest_stall(context: AppContext, submit: Submit, *, inline: bool = False) -> float:
    """Seconds of the longest gap between 5 ms ticks while ``submit``'s operation runs."""
    qt_application()
    context.operations.inline = inline
    loop = QEventLoop()
    gaps: list[float] = []
    last = [time.perf_counter()]
    done: list[Operation[object]] = []

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    def start() -> None:
        operation = submit(context)
        done.append(operation)
        if operation.done:
            QTimer.singleShot(TICK_MS * 2, loop.quit)
        else:
            operation.finished.connect(lambda: QTimer.singleShot(TICK_MS * 2, loop.quit))

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    last[0] = time.perf_counter()
    QTimer.singleShot(0, start)
    loop.exec()
    timer.stop()
    tick()
    operation = done[0]
    if operation.error is not None:
        raise RuntimeError(f"{operation.description} failed: {operation.error}")
    return max(gaps)


def _report(house: HouseInfo) -> Submit:
    anchor = date.fromisoformat(house.anchor)
    period = week_of(anchor - timedelta(days=7))
    now = datetime(anchor.year, anchor.month, anchor.day, 12, tzinfo=UTC)

    def work(job: Job) -> object:
        with job.read() as session:
            return build_report(
                session,
                period,
                now=now,
                tz=UTC,
                progress=job.progress,
                cancelled=lambda: job.cancelled,
            )

    return lambda ctx: ctx.operations.submit(work, description="The report", long=True)


def _import_file(folder: Path, run: int) -> Path:
    path = folder / f"catalog-{run}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Name", "Category", "Make", "Serial"])
        for i in range(IMPORT_ROWS):
            writer.writerow([f"Stall prime {run}-{i}", "Lens", "Cooke", f"ST{run:03d}{i:06d}"])
    return path


def _import(folder: Path, run: int) -> Submit:
    table = import_files.read_table(_import_file(folder, run), ImportKind.ASSETS)
    mapping = {"Name": "name", "Category": "category", "Make": "make", "Serial": "serial"}

    def work(job: Job) -> object:
        with job.write() as session:
            return importer.run_import(
                session,
                job.actor,
                table,
                ImportKind.ASSETS,
                mapping,
                ImportOptions(),
                commit=True,
                progress=job.count,
            )

    return lambda ctx: ctx.operations.submit(
        work, description="The import", changed="asset", long=True
    )


def _backup(folder: Path, run: int) -> Submit:
    target = folder / f"backup-{run}.sqlite3"

    return lambda ctx: ctx.operations.submit(
        lambda _job: backup.take_backup(ctx.database, target), description="The backup", long=True
    )


def bench_stall(db: Database, _raw: object, house: HouseInfo, runs: Runs) -> list[Result]:
    context = AppContext(db, Settings(), ACTOR)
    today = date.fromisoformat(house.anchor)
    cart = _package_cart(db, house, house.packages[0], today)
    tags = [ln.tag for ln in cart.lines]
    settle_memory()  # as the app does once its window is up

    def commit(ctx: AppContext) -> Operation[object]:
        return ctx.operations.write(
            lambda s, a: checkout.commit_checkout(s, a, cart, today=today), "checkout"
        )

    qt_application()
    page = CheckoutPage(context)

    def commit_on_page(_ctx: AppContext) -> Operation[object]:
        # What a person does: the cart is on the page and "Check out" is pressed.
        page.cart = cart
        page.commit()
        operation = page.commit_operation
        assert operation is not None
        return operation  # type: ignore[return-value]

    def checkin(ctx: AppContext) -> Operation[object]:
        return ctx.operations.write(
            lambda s, a: returns.checkin(s, a, tags, today=today), "checkin"
        )

    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plans: list[tuple[str, str, int, Callable[[int], Submit]]] = [
            ("stall_report", "UI stall: weekly report", runs.slow, lambda _i: _report(house)),
            (
                "stall_import",
                f"UI stall: import of {IMPORT_ROWS} items",
                runs.slow,
                lambda i: _import(folder, i),
            ),
            ("stall_backup", "UI stall: backup", runs.slow, lambda i: _backup(folder, i)),
        ]
        for key, label, n, make in plans:
            inline = longest_stall(context, make(1000), inline=True)
            stalls = [longest_stall(context, make(i)) for i in range(n)]
            results.append(
                timed_result(
                    key,
                    label,
                    stalls,
                    target=TARGET,
                    note=f"longest gap of a {TICK_MS} ms UI timer; inline: {inline * 1000:.0f} ms",
                )
            )
        out_inline = longest_stall(context, commit, inline=True)
        longest_stall(context, checkin, inline=True)
        outs: list[float] = []
        ins: list[float] = []
        for _ in range(runs.medium):
            outs.append(longest_stall(context, commit))
            ins.append(longest_stall(context, checkin))
        page_inline = longest_stall(context, commit_on_page, inline=True)
        longest_stall(context, checkin, inline=True)
        pages: list[float] = []
        for _ in range(runs.medium):
            pages.append(longest_stall(context, commit_on_page))
            longest_stall(context, checkin)
        size = len(tags)
        results.append(
            timed_result(
                "stall_checkout_page_60",
                f"UI stall: check-out commit on the page, {size} items",
                pages,
                target=TARGET,
                note=f"CheckoutPage.commit through the door; inline: {page_inline * 1000:.0f} ms",
            )
        )
        results.append(
            timed_result(
                "stall_checkout_60",
                f"UI stall: check-out commit, {size} items",
                outs,
                target=TARGET,
                note=f"commit_checkout through the door; inline: {out_inline * 1000:.0f} ms",
            )
        )
        results.append(
            timed_result(
                "stall_checkin_60",
                f"UI stall: check-in, {size} items",
                ins,
                target=TARGET,
                note="returns.checkin through the door",
            )
        )
    context.operations.wait()
    page.deleteLater()
    return results


def main(argv: list[str]) -> int:
    from benchmarks.__main__ import run_benchmarks
    from benchmarks.harness import format_table

    results, _house = run_benchmarks(quick="--full" not in argv, only=("stall",))
    print(format_table(results, markdown="--markdown" in argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
