"""The weekly kit report at the scale of a large rental house.

:func:`bench_weekly_report` is what ``python -m benchmarks`` times: the report of the last full
week before the synthetic house's "today" (:data:`benchmarks.generate.ANCHOR`), over its whole
history (1,000,000 events, 300,000 check-out lines).

``python -m benchmarks.report [DB]`` times it once on a copy of the generated house (or on
``DB``) and prints the figures.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from gearroom.db import Database, open_database
from gearroom.services.report import KitReport, build_report, last_full_week
from gearroom.services.report_export import write_xlsx

#: The benchmark house's "today" (kept in step with benchmarks.generate.ANCHOR).
DEFAULT_ANCHOR = date(2026, 6, 1)


def _anchor() -> date:
    try:
        from benchmarks.generate import ANCHOR
    except ImportError:  # pragma: no cover - the generator ships with the benchmarks
        return DEFAULT_ANCHOR
    return ANCHOR


def weekly_report(database: Database, anchor: date | None = None) -> KitReport:
    """The report of the last full week before ``anchor`` (default: the house's today)."""
    day = anchor or _anchor()
    now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    with database.read() as session:
        return build_report(session, last_full_week(day), now=now, tz=UTC)


def bench_weekly_report(database: Database) -> KitReport:
    """One weekly report over the whole history: what the 2-second target is about.

    The XLSX export of the same report (fifty thousand items on the utilisation sheet) is
    timed separately by ``python -m benchmarks.report``.
    """
    return weekly_report(database)


def export_xlsx(database: Database) -> KitReport:
    """The weekly report and its XLSX export, as the office runs it."""
    report = weekly_report(database)
    with tempfile.TemporaryDirectory() as folder:
        write_xlsx(report, Path(folder) / "report.xlsx")
    return report


def main(argv: list[str]) -> int:
    if argv:
        database = open_database(f"sqlite:///{Path(argv[0]).resolve()}")
    else:
        source = Path(__file__).resolve().parent / "data" / "house-full.sqlite3"
        if not source.exists():
            print("Generate the house first: python -m benchmarks --only report", file=sys.stderr)
            return 1
        scratch = Path(tempfile.mkdtemp()) / "house.sqlite3"
        shutil.copyfile(source, scratch)
        database = open_database(f"sqlite:///{scratch}")
    try:
        runs: tuple[tuple[str, Callable[[Database], KitReport]], ...] = (
            ("report", bench_weekly_report),
            ("report + XLSX", export_xlsx),
        )
        for label, fn in runs:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                report = fn(database)
                times.append(time.perf_counter() - start)
            t = report.totals
            print(
                f"{label}: best {min(times):.3f} s, worst {max(times):.3f} s "
                f"({report.period.label}: {t.lines_out} lines out, {len(report.items)} items)"
            )
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
