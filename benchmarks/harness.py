"""Timing, statistics, the results table and the JSON file of a benchmark run."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: Keys of the JSON file; tests and tools rely on them.
RESULT_KEYS = (
    "key",
    "label",
    "unit",
    "runs",
    "median",
    "p95",
    "baseline_median",
    "baseline_p95",
    "ratio",
    "target",
    "met",
    "note",
    "statements",
    "round_trips",
)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 is the p95); the value itself, never a mix."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def time_runs(
    fn: Callable[[int], object],
    runs: int,
    *,
    warmup: int = 1,
    setup: Callable[[int], object] | None = None,
) -> list[float]:
    """Seconds of ``fn(i)`` for ``runs`` runs after ``warmup`` untimed ones.

    ``setup(i)``, when given, runs untimed before each call (e.g. to put state back).
    """
    for i in range(warmup):
        if setup is not None:
            setup(i)
        fn(i)
    out: list[float] = []
    for i in range(runs):
        if setup is not None:
            setup(i)
        started = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - started)
    return out


@dataclass(frozen=True)
class Target:
    """The goal of an operation: ``limit`` (in the result's unit) on its p95, and optionally a
    most ``ratio`` times the baseline's median."""

    limit: float
    ratio: float | None = None

    def describe(self, unit: str) -> str:
        text = f"≤ {_fmt(self.limit, unit)}"
        if self.ratio is not None:
            text += f", ≤ {self.ratio:g}× raw"
        return text


@dataclass
class Result:
    """One line of the table (and one object of the JSON file)."""

    key: str
    label: str
    unit: str  # "ms" or "MB"
    runs: int
    median: float
    p95: float
    baseline_median: float | None = None
    baseline_p95: float | None = None
    target: Target | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    #: SQL statements the operation executed per run (BEGIN included), where counted.
    statements: float | None = None
    #: Round trips to the database per run (statements, commits and rollbacks; on the LAN
    #: proxy, counted on the wire), where counted.
    round_trips: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_median is None or self.baseline_median <= 0:
            return None
        return self.median / self.baseline_median

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        ok = self.p95 <= self.target.limit
        if self.target.ratio is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.target.ratio
        return ok

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "runs": self.runs,
            "median": round(self.median, 4),
            "p95": round(self.p95, 4),
            "baseline_median": _round(self.baseline_median),
            "baseline_p95": _round(self.baseline_p95),
            "ratio": _round(self.ratio, 2),
            "target": asdict(self.target) if self.target is not None else None,
            "met": self.met,
            "note": self.note,
            "statements": _round(self.statements, 1),
            "round_trips": _round(self.round_trips, 1),
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def timed_result(
    key: str,
    label: str,
    seconds: Sequence[float],
    baseline: Sequence[float] | None = None,
    *,
    target: Target | None = None,
    note: str = "",
) -> Result:
    """A result in milliseconds from run times in seconds."""
    ms = [s * 1000 for s in seconds]
    base = [s * 1000 for s in baseline] if baseline else None
    return Result(
        key=key,
        label=label,
        unit="ms",
        runs=len(ms),
        median=statistics.median(ms),
        p95=percentile(ms, 0.95),
        baseline_median=statistics.median(base) if base else None,
        baseline_p95=percentile(base, 0.95) if base else None,
        target=target,
        note=note,
        samples=ms,
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        if value >= 1000:
            return f"{value / 1000:.2f} s"
        if value >= 100:
            return f"{value:.0f} ms"
        if value >= 10:
            return f"{value:.1f} ms"
        return f"{value:.2f} ms"
    return f"{value:.0f} {unit}"


TABLE_HEADERS = (
    "operation",
    "runs",
    "median",
    "p95",
    "raw median",
    "ratio",
    "stmts",
    "trips",
    "target",
    "",
)


def table_rows(results: Sequence[Result]) -> list[list[str]]:
    rows = []
    for r in results:
        ratio = r.ratio
        rows.append(
            [
                r.label,
                str(r.runs),
                _fmt(r.median, r.unit),
                _fmt(r.p95, r.unit),
                _fmt(r.baseline_median, r.unit),
                "—" if ratio is None else f"{ratio:.1f}×",
                "—" if r.statements is None else f"{r.statements:g}",
                "—" if r.round_trips is None else f"{r.round_trips:g}",
                r.target.describe(r.unit) if r.target else "—",
                {True: "ok", False: "MISSED", None: ""}[r.met],
            ]
        )
    return rows


def format_table(results: Sequence[Result], *, markdown: bool = False) -> str:
    """The results as one aligned text table (or a Markdown table)."""
    rows = table_rows(results)
    if markdown:
        lines = ["| " + " | ".join(TABLE_HEADERS[:-1]) + " | met |"]
        lines.append("|" + "---|" * len(TABLE_HEADERS))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(TABLE_HEADERS)]
    right = {1, 2, 3, 4, 5, 6, 7}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    out = [line(TABLE_HEADERS), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(out)


class StatementCounter:
    """Counts what an engine sends: statements (``before_cursor_execute``, plus those of the
    database's quick reader, which sends them on a DBAPI connection of its own), and round trips
    (statements plus commits and rollbacks), per run of :meth:`per_run`."""

    def __init__(self, engine: Any, quick: Any = None) -> None:
        from sqlalchemy import event

        self.engine = engine
        self.quick = quick
        self.statements = 0
        self.ends = 0
        self._event = event
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _statement(self, *_args: object) -> None:
        self.statements += 1

    def _end(self, conn: Any, *_args: object) -> None:
        # In autocommit mode (the quick reader) a COMMIT or ROLLBACK sends nothing.
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self.ends += 1

    def per_run(self, fn: Callable[[int], object], runs: int = 20) -> tuple[float, float]:
        """(statements, round trips) per call of ``fn(i)``, averaged over ``runs`` calls."""
        self.statements = self.ends = 0
        quick_before = self.quick.statements if self.quick is not None else 0
        for i in range(runs):
            fn(i)
        if self.quick is not None:
            self.statements += self.quick.statements - quick_before
        return self.statements / runs, (self.statements + self.ends) / runs

    def close(self) -> None:
        self._event.remove(self.engine, "before_cursor_execute", self._statement)
        self._event.remove(self.engine, "commit", self._end)
        self._event.remove(self.engine, "rollback", self._end)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for text in f:
                if text.lower().startswith("model name"):
                    return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count() or 0,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
    }


def write_json(
    results: Sequence[Result],
    *,
    house: dict[str, Any],
    mode: str,
    out_dir: Path = RESULTS_DIR,
    path: Path | None = None,
) -> Path:
    """``benchmarks/results/<mode>-<UTC time>.json`` (or ``path``) with stable keys."""
    now = datetime.now(UTC)
    target = path or out_dir / f"{mode}-{now:%Y%m%dT%H%M%SZ}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "schema": 1,
        "mode": mode,
        "measured_at": now.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "house": house,
        "results": [r.as_json() for r in results],
    }
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
