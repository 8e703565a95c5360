"""``python -m benchmarks``: Gearroom at the scale of a large rental house.

Generates (once) the synthetic house, runs every operation many times on a scratch copy of it,
prints one table (median, p95, the raw-sqlite3 baseline measured in the same run, the ratio and
the target) and writes the results as JSON in ``benchmarks/results/``.

``--quick`` uses a house of a few thousand rows and a few runs: seconds, for CI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from benchmarks.generate import DATA_DIR, FULL, QUICK, HouseInfo, ensure_house, working_copy
from benchmarks.harness import Result, format_table, write_json
from benchmarks.operations import (
    FULL_RUNS,
    QUICK_RUNS,
    bench_checkout,
    bench_kit_availability,
    bench_labels,
    bench_report,
    bench_scan,
    bench_search,
    raw_connection,
)

#: Groups of operations, in the order they run (``--only`` takes these names).
GROUPS = (
    "scan",
    "search",
    "inventory",
    "checkout",
    "availability",
    "report",
    "labels",
    "stall",
    "startup",
    "peaks",
)
#: Groups run only when named with --only (they start a PostgreSQL server of their own).
OPT_IN = ("pg",)


def run_benchmarks(
    *,
    quick: bool = False,
    only: Sequence[str] = GROUPS,
    data_dir: Path = DATA_DIR,
    regenerate: bool = False,
    log: Callable[[str], None] = print,
) -> tuple[list[Result], HouseInfo]:
    """Run the chosen groups on the (generated once) house; returns the results in order."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    unknown = set(only) - set(GROUPS) - set(OPT_IN)
    if unknown:
        raise ValueError(f"Unknown benchmark group(s): {', '.join(sorted(unknown))}.")
    scale, runs = (QUICK, QUICK_RUNS) if quick else (FULL, FULL_RUNS)
    path, house = ensure_house(scale, data_dir=data_dir, force=regenerate, log=log)
    work = working_copy(path)
    log(f"Benchmarking on a copy of {path.name}: {house.counts}")
    results: list[Result] = []
    from gearroom.db import open_database

    database = open_database(f"sqlite:///{work}")
    raw = raw_connection(work)
    try:
        services: dict[str, Callable[..., list[Result]]] = {
            "scan": bench_scan,
            "search": bench_search,
            "checkout": bench_checkout,
            "availability": bench_kit_availability,
            "report": bench_report,
            "labels": bench_labels,
        }
        for group in GROUPS:
            if group not in only or group in ("startup", "peaks"):
                continue
            log(f"  {group}…")
            if group == "inventory":
                from benchmarks.ui import bench_inventory

                results += bench_inventory(database, raw, house, runs)
            elif group == "stall":
                from benchmarks.stall import bench_stall

                results += bench_stall(database, raw, house, runs)
            else:
                results += services[group](database, raw, house, runs)
    finally:
        raw.close()
        database.dispose()
    if "startup" in only:
        log("  startup…")
        from benchmarks.startup import bench_startup

        results += bench_startup(work, runs)
    if "peaks" in only:
        log("  peaks…")
        from benchmarks.peaks import IMPORT_ROWS, bench_peaks

        results += bench_peaks(
            work,
            runs.slow,
            import_rows=200 if quick else IMPORT_ROWS,
            labels=runs.labels,
        )
    if "pg" in only:
        log("  pg…")
        from benchmarks.pg_lan import bench_scan_lan, postgres_house
        from benchmarks.pg_load import bench_load

        results += bench_scan_lan(runs.fast)
        with postgres_house() as (url, _port, pg_house):
            results += bench_load(url, asdict(pg_house), 10.0 if quick else 60.0)
    return results, house


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of Gearroom on a synthetic large rental house.",
    )
    parser.add_argument("--quick", action="store_true", help="a small house and few runs (CI)")
    parser.add_argument(
        "--only",
        metavar="GROUPS",
        help=f"comma-separated groups to run (default: all): {','.join(GROUPS)}; "
        f"also {','.join(OPT_IN)} (starts a PostgreSQL server)",
    )
    parser.add_argument("--regenerate", action="store_true", help="generate the house again")
    parser.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="where generated houses are kept"
    )
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    only = tuple(g.strip() for g in args.only.split(",")) if args.only else GROUPS
    try:
        results, house = run_benchmarks(
            quick=args.quick,
            only=only,
            data_dir=args.data_dir,
            regenerate=args.regenerate,
            log=lambda text: print(text, file=sys.stderr, flush=True),
        )
    except ValueError as exc:
        parser.error(str(exc))
    mode = "quick" if args.quick else "full"
    print(format_table(results, markdown=args.markdown))
    written = write_json(
        results, house={"scale": house.scale, **asdict(house)}, mode=mode, path=args.json
    )
    print(f"\nResults written to {written}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
