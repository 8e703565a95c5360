"""The measured operations and, beside each, the same answer from a raw ``sqlite3`` query.

Every operation goes through the product's own code (services, the Qt inventory page, the
``gearroom`` command); its baseline asks the same question of the same file with plain
``sqlite3`` and the right index, so the ratio shows what the layers on top cost.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.generate import HouseInfo
from benchmarks.harness import Result, StatementCounter, Target, time_runs, timed_result
from gearroom.db import Database
from gearroom.models import Role
from gearroom.paths import label_templates_dir
from gearroom.services import (
    asset_search,
    checkout,
    checkout_cart,
    names,
    resolver,
    returns,
)
from gearroom.services.actor import Actor
from gearroom.services.gear_lists import availability
from gearroom.services.history import content_hash
from gearroom.services.report import build_report, week_of

#: The table model fetches one block of rows for the first screen (AssetTableModel default).
FIRST_SCREEN_ROWS = 200
ACTOR = Actor("benchmark", Role.ADMIN)
#: What a person types into the inventory search, one keystroke at a time.
TYPED = ("cooke 50", "alexa", "skypanel s60", "lns-01")

TARGETS = {
    "scan": Target(5.0, ratio=10.0),
    "search_keystroke": Target(50.0),
    "inventory_open": Target(1000.0),
    "checkout_60": Target(250.0),
    "checkin_60": Target(250.0),
    "kit_availability_40": Target(50.0),
    "weekly_report": Target(2000.0),
    "labels_1000_pdf": Target(5000.0),
    "cold_start": Target(1000.0),
    "peak_memory": Target(400.0),
}


@dataclass(frozen=True)
class Runs:
    """How many timed runs each kind of operation gets."""

    fast: int  # scan, keystroke, availability
    medium: int  # check-out/in, inventory page
    slow: int  # report, labels, cold start
    labels: int  # labels per PDF


#: Seconds between two check-out/check-in cycles of the benchmark.
CHECKOUT_PAUSE_S = 0.5
FULL_RUNS = Runs(fast=200, medium=15, slow=5, labels=1000)
QUICK_RUNS = Runs(fast=20, medium=3, slow=1, labels=60)


def _optional(module: str, name: str) -> Callable[..., object] | None:
    """A benchmark entry point another module provides, if it is there."""
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return found if callable(found) else None


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the app's pragmas (WAL, synchronous FULL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=15000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def keystrokes(texts: Sequence[str] = TYPED) -> list[str]:
    """Every prefix a person produces while typing ``texts`` (spaces do not trigger a search)."""
    out = []
    for text in texts:
        for n in range(1, len(text) + 1):
            if not text[n - 1].isspace():
                out.append(text[:n])
    return out


# --------------------------------------------------------------------------- scan


SCAN_SQL = """
SELECT t.kind, t.ref_id, a.name, a.status,
  EXISTS (SELECT 1 FROM reservations r
          WHERE r.asset_id = a.id AND r.production_id <> :pid
            AND r.start_date <= :end_buf AND r.end_date >= :start_buf),
  EXISTS (SELECT 1 FROM checkout_lines l WHERE l.asset_id = a.id AND l.returned_at IS NULL),
  EXISTS (SELECT 1 FROM service_tickets s WHERE s.asset_id = a.id AND s.closed_at IS NULL),
  (SELECT value FROM settings WHERE key = 'turnaround_days')
FROM tags t JOIN assets a ON a.id = t.ref_id
WHERE t.tag = :tag AND t.kind = 'asset'
"""


def bench_scan(db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs) -> list[Result]:
    today = date.fromisoformat(house.anchor)
    with db.read() as session:
        cart = checkout_cart.new_cart(session, house.production_tag, house.custodian_badge)
        start, end = checkout_cart.cart_window(session, cart, today)
    tags = house.scan_tags
    verdicts: list[checkout_cart.ScanOutcome] = []

    def scan(i: int) -> None:
        result = db.quick_read(
            lambda s: checkout_cart.scan_into_cart(s, cart, tags[i % len(tags)], today=today)
        )
        verdicts.append(result.verdict.outcome)

    def resolve(i: int) -> None:
        with db.read() as session:
            resolver.resolve(session, tags[i % len(tags)])

    params = {
        "pid": cart.production_id,
        "start_buf": (start - timedelta(days=1)).isoformat(),
        "end_buf": (end + timedelta(days=1)).isoformat(),
    }

    def raw_scan(i: int) -> None:
        row = raw.execute(SCAN_SQL, {**params, "tag": tags[i % len(tags)]}).fetchone()
        assert row is not None

    def raw_resolve(i: int) -> None:
        row = raw.execute(
            "SELECT t.kind, t.ref_id, a.name FROM tags t JOIN assets a ON a.id = t.ref_id "
            "WHERE t.tag = ?",
            (tags[i % len(tags)],),
        ).fetchone()
        assert row is not None

    resolve_times = time_runs(resolve, runs.fast)
    raw_resolve_times = time_runs(raw_resolve, runs.fast)
    scan_times = time_runs(scan, runs.fast)
    raw_scan_times = time_runs(raw_scan, runs.fast)
    added = sum(1 for v in verdicts if v is checkout_cart.ScanOutcome.ADDED)
    counter = StatementCounter(db.engine, db.quick)
    try:
        resolve_counts = counter.per_run(resolve)
        scan_counts = counter.per_run(scan)
    finally:
        counter.close()
    return [
        _counted(
            timed_result(
                "resolve",
                "scan: resolve a tag",
                resolve_times,
                raw_resolve_times,
                note="resolver.resolve in its own session",
            ),
            resolve_counts,
        ),
        _counted(
            timed_result(
                "scan",
                "scan: resolve + availability",
                scan_times,
                raw_scan_times,
                target=TARGETS["scan"],
                note=f"scan_into_cart in db.quick_read(), {added}/{len(verdicts)} added",
            ),
            scan_counts,
        ),
    ]


def _counted(result: Result, counts: tuple[float, float]) -> Result:
    """``result`` with the statements and round trips per run (from StatementCounter)."""
    result.statements, result.round_trips = counts
    return result


# --------------------------------------------------------------------------- search


def _raw_search(raw: sqlite3.Connection, text: str) -> list[tuple[Any, ...]]:
    conditions = ["a.status <> 'retired'"]
    params: list[str] = []
    for word in text.split():
        conditions.append("a.search_text LIKE lower(?) ESCAPE '\\'")
        params.append("%" + names.like_escape(word) + "%")
    ids = [
        r[0]
        for r in raw.execute(
            f"SELECT a.id FROM assets a WHERE {' AND '.join(conditions)} ORDER BY a.tag", params
        )
    ]
    return _raw_rows(raw, ids[:FIRST_SCREEN_ROWS])


def _raw_rows(raw: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return raw.execute(
        "SELECT a.id, a.tag, a.name, c.name, a.status, coalesce(l.name, ''), a.make, a.model, "
        "a.serial FROM assets a JOIN categories c ON c.id = a.category_id "
        f"LEFT JOIN locations l ON l.id = a.location_id WHERE a.id IN ({marks})",
        list(ids),
    ).fetchall()


def bench_search(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs
) -> list[Result]:
    typed = keystrokes()
    rounds = max(1, runs.fast // len(typed))

    def keystroke(i: int) -> None:
        query = asset_search.AssetQuery(text=typed[i % len(typed)], include_retired=False)
        with db.read() as session:
            ids = asset_search.find_asset_ids(session, query)
        with db.read() as session:
            asset_search.asset_rows(session, ids[:FIRST_SCREEN_ROWS])

    def raw_keystroke(i: int) -> None:
        _raw_search(raw, typed[i % len(typed)])

    n = rounds * len(typed)
    counter = StatementCounter(db.engine, db.quick)
    try:
        counts = counter.per_run(keystroke, len(typed))
    finally:
        counter.close()
    return [
        _counted(
            timed_result(
                "search_keystroke",
                "search-as-you-type (keystroke)",
                time_runs(keystroke, n),
                time_runs(raw_keystroke, n),
                target=TARGETS["search_keystroke"],
                note=f"{len(typed)} keystrokes of {', '.join(repr(t) for t in TYPED)}; ids + "
                f"{FIRST_SCREEN_ROWS} rows",
            ),
            counts,
        )
    ]


# --------------------------------------------------------------------------- check-out / in


def _package_cart(db: Database, house: HouseInfo, package: str, today: date) -> checkout_cart.Cart:
    with db.read() as session:
        cart = checkout_cart.new_cart(session, house.production_tag, house.custodian_badge)
        result = checkout_cart.scan_into_cart(session, cart, package, whole_kit=True, today=today)
    if not result.verdict.ok:
        raise RuntimeError(f"Cannot put {package} in the cart: {result.verdict.message}")
    return result.cart


def _raw_tail(raw: sqlite3.Connection) -> tuple[int, str]:
    row = raw.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return int(row[0]), str(row[1])


def _raw_events(
    raw: sqlite3.Connection,
    rows: Sequence[tuple[str, str, int, str, str, dict[str, Any] | None, dict[str, Any]]],
) -> None:
    """Append events the way the history service does (consecutive ids, chained hashes)."""
    last_id, prev = _raw_tail(raw)
    at = datetime.now(UTC)
    stamp = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    out = []
    for action, kind, entity_id, tag, summary, before, after in rows:
        last_id += 1
        digest = content_hash(
            prev, last_id, at, "benchmark", action, kind, entity_id, tag, summary, before, after
        )
        out.append(
            (
                last_id, stamp, "benchmark", action, kind, entity_id, tag, summary,
                None if before is None else json.dumps(before),
                None if after is None else json.dumps(after), prev, digest,
            )
        )  # fmt: skip
        prev = digest
    raw.executemany(
        "INSERT INTO events (id, at, operator, action, entity_kind, entity_id, entity_tag, "
        "summary, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        out,
    )


def _raw_checkout(
    raw: sqlite3.Connection, cart: checkout_cart.Cart, due: date, tags: dict[int, str]
) -> None:
    ids = list(cart.asset_ids)
    marks = ",".join("?" * len(ids))
    raw.execute("BEGIN IMMEDIATE")
    try:
        busy = raw.execute(
            f"SELECT count(*) FROM checkout_lines WHERE asset_id IN ({marks}) "
            "AND returned_at IS NULL",
            ids,
        ).fetchone()[0]
        booked = raw.execute(
            f"SELECT count(*) FROM reservations WHERE asset_id IN ({marks}) AND production_id <> ? "
            "AND start_date <= ? AND end_date >= ?",
            [*ids, cart.production_id, due.isoformat(), date.today().isoformat()],
        ).fetchone()[0]
        ticketed = raw.execute(
            f"SELECT count(*) FROM service_tickets WHERE asset_id IN ({marks}) "
            "AND closed_at IS NULL",
            ids,
        ).fetchone()[0]
        if busy or booked or ticketed:
            raise RuntimeError("package not free for the raw check-out")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        cur = raw.execute(
            "INSERT INTO checkouts (production_id, custodian_id, out_at, due_back, operator, notes)"
            " VALUES (?, ?, ?, ?, 'benchmark', '')",
            (cart.production_id, cart.custodian_id, now, due.isoformat()),
        )
        checkout_id = cur.lastrowid
        raw.executemany(
            "INSERT INTO checkout_lines (checkout_id, asset_id, quantity, returned_quantity, "
            "note) VALUES (?, ?, 1, 0, '')",
            [(checkout_id, a) for a in ids],
        )
        raw.execute(f"UPDATE assets SET status = 'out' WHERE id IN ({marks})", ids)
        why = f"to custodian for production, due back {due.isoformat()}"
        _raw_events(
            raw,
            [
                ("checkout", "asset", a, tags[a], f"{tags[a]}: available → out ({why})",
                 {"status": "available"}, {"status": "out", "reason": why})
                for a in ids
            ]
            + [("checkout", "production", cart.production_id or 0, "", f"{len(ids)} line(s) out",
                None, {"checkout": checkout_id})],
        )  # fmt: skip
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def _raw_checkin(raw: sqlite3.Connection, ids: Sequence[int], tags: dict[int, str]) -> None:
    marks = ",".join("?" * len(ids))
    raw.execute("BEGIN IMMEDIATE")
    try:
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        changed = raw.execute(
            f"UPDATE checkout_lines SET returned_at = ?, returned_quantity = quantity, "
            f"condition = 'ok' WHERE asset_id IN ({marks}) AND returned_at IS NULL",
            [now, *ids],
        ).rowcount
        if changed != len(ids):
            raise RuntimeError("package was not out for the raw check-in")
        raw.execute(f"UPDATE assets SET status = 'available' WHERE id IN ({marks})", list(ids))
        _raw_events(
            raw,
            [
                ("checkin", "asset", a, tags[a], f"{tags[a]}: out → available (back ok)",
                 {"status": "out"}, {"status": "available", "reason": "back ok"})
                for a in ids
            ],
        )  # fmt: skip
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def bench_checkout(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs
) -> list[Result]:
    today = date.fromisoformat(house.anchor)
    package = house.packages[0]
    cart = _package_cart(db, house, package, today)
    tags = [ln.tag for ln in cart.lines]
    by_id = {ln.item_id: ln.tag for ln in cart.lines}
    with db.read() as session:
        due = checkout_cart.default_due_back(session, cart, today)
    out_times: list[float] = []
    in_times: list[float] = []
    raw_out: list[float] = []
    raw_in: list[float] = []

    def cycle(i: int) -> None:
        started = _now()
        with db.write() as session:
            view = checkout.commit_checkout(session, ACTOR, cart, today=today)
        mid = _now()
        with db.write() as session:
            result = returns.checkin(session, ACTOR, tags, today=today)
        end = _now()
        if len(view.lines) != len(tags) or len(result.items) != len(tags):
            raise RuntimeError("the check-out or check-in did not take the whole package")
        if i >= 0:
            out_times.append(mid - started)
            in_times.append(end - mid)

    def raw_cycle(i: int) -> None:
        started = _now()
        _raw_checkout(raw, cart, due, by_id)
        mid = _now()
        _raw_checkin(raw, list(cart.asset_ids), by_id)
        end = _now()
        raw_out.append(mid - started)
        raw_in.append(end - mid)

    cycle(-1)  # warm-up
    for i in range(runs.medium):
        cycle(i)
        raw_cycle(i)
        # A desk does not commit two 60-item check-outs within a second: the pause is when
        # the write-ahead log is checkpointed (gearroom.wal), as between two real check-outs.
        time.sleep(CHECKOUT_PAUSE_S)
    counter = StatementCounter(db.engine, db.quick)
    try:
        counter.statements = counter.ends = 0
        with db.write() as session:
            checkout.commit_checkout(session, ACTOR, cart, today=today)
        out_counts = (counter.statements, counter.statements + counter.ends)
        counter.statements = counter.ends = 0
        with db.write() as session:
            returns.checkin(session, ACTOR, tags, today=today)
        in_counts = (counter.statements, counter.statements + counter.ends)
    finally:
        counter.close()
    size = len(tags)
    return [
        _counted(
            timed_result(
                "checkout_60",
                f"check-out commit, {size} items",
                out_times,
                raw_out,
                target=TARGETS["checkout_60"],
                note=f"commit_checkout of kit {package} (nested), incl. COMMIT; "
                f"{CHECKOUT_PAUSE_S:g} s between cycles",
            ),
            out_counts,
        ),
        _counted(
            timed_result(
                "checkin_60",
                f"check-in, {size} items",
                in_times,
                raw_in,
                target=TARGETS["checkin_60"],
                note="checkin of the same items, incl. COMMIT",
            ),
            in_counts,
        ),
    ]


def _now() -> float:
    return time.perf_counter()


# --------------------------------------------------------------------------- kit availability


KIT_SQL = """
WITH RECURSIVE tree(id) AS (
  SELECT ref_id FROM tags WHERE tag = :tag AND kind = 'kit'
  UNION ALL
  SELECT k.id FROM kits k JOIN tree ON k.parent_id = tree.id WHERE k.retired = 0
)
SELECT a.id, a.status,
  EXISTS (SELECT 1 FROM reservations r WHERE r.asset_id = a.id
          AND r.start_date <= :end_buf AND r.end_date >= :start_buf),
  EXISTS (SELECT 1 FROM checkout_lines l WHERE l.asset_id = a.id AND l.returned_at IS NULL),
  EXISTS (SELECT 1 FROM service_tickets s WHERE s.asset_id = a.id AND s.closed_at IS NULL)
FROM kit_assets ka JOIN tree ON ka.kit_id = tree.id JOIN assets a ON a.id = ka.asset_id
"""


def bench_kit_availability(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs
) -> list[Result]:
    today = date.fromisoformat(house.anchor)
    start, end = today + timedelta(days=3), today + timedelta(days=12)
    kits = house.kits40
    sizes: list[int] = []

    def check(i: int) -> None:
        with db.read() as session:
            availability(session, kits[i % len(kits)], start, end, today=today)

    def raw_check(i: int) -> None:
        rows = raw.execute(
            KIT_SQL,
            {
                "tag": kits[i % len(kits)],
                "start_buf": (start - timedelta(days=1)).isoformat(),
                "end_buf": (end + timedelta(days=1)).isoformat(),
            },
        ).fetchall()
        sizes.append(len(rows))

    counter = StatementCounter(db.engine, db.quick)
    try:
        counts = counter.per_run(check)
    finally:
        counter.close()
    result = _counted(
        timed_result(
            "kit_availability_40",
            "availability, 40-item kit, 10 days",
            time_runs(check, runs.fast),
            time_runs(raw_check, runs.fast),
            target=TARGETS["kit_availability_40"],
            note=f"availability() of {len(kits)} nested kits of {max(sizes, default=0)} items",
        ),
        counts,
    )
    return [result]


# --------------------------------------------------------------------------- report and labels


def _report_fallback(db: Database, house: HouseInfo) -> Callable[[], object]:
    anchor = date.fromisoformat(house.anchor)
    period = week_of(anchor - timedelta(days=7))
    now = datetime(anchor.year, anchor.month, anchor.day, 12, tzinfo=UTC)

    def run() -> object:
        with db.read() as session:
            report = build_report(session, period, now=now, tz=UTC)
        try:
            from gearroom.services.report_export import write_xlsx
        except ImportError:  # pragma: no cover - the export is part of the product
            return report
        with tempfile.TemporaryDirectory() as folder:
            write_xlsx(report, Path(folder) / "report.xlsx")
        return report

    return run


REPORT_SQL = """
SELECT c.production_id, count(*), sum(l.quantity)
FROM checkout_lines l JOIN checkouts c ON c.id = l.checkout_id
WHERE c.out_at < :end AND (l.returned_at IS NULL OR l.returned_at > :start)
GROUP BY c.production_id
"""


def bench_report(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs
) -> list[Result]:
    bench_weekly_report = _optional("benchmarks.report", "bench_weekly_report")
    if bench_weekly_report is not None:

        def run(_i: int) -> None:
            bench_weekly_report(db)

        how = "benchmarks.report.bench_weekly_report"
    else:
        fallback = _report_fallback(db, house)

        def run(_i: int) -> None:
            fallback()

        how = "build_report of the last full week + XLSX"
    anchor = date.fromisoformat(house.anchor)
    week = week_of(anchor - timedelta(days=7))

    def raw_run(_i: int) -> None:
        raw.execute(
            REPORT_SQL,
            {
                "start": f"{week.start.isoformat()} 00:00:00",
                "end": f"{week.end.isoformat()} 23:59:59",
            },
        ).fetchall()

    return [
        timed_result(
            "weekly_report",
            "weekly report, whole history",
            time_runs(run, runs.slow),
            time_runs(raw_run, runs.slow),
            target=TARGETS["weekly_report"],
            note=f"{how}; raw: the week's lines per production only",
        )
    ]


def _labels_fallback(db: Database, n: int) -> Callable[[], object]:
    from gearroom.render.labels import write_pdf
    from gearroom.services.labels import LabelOptions, contents_for_tags, list_templates, plan_job

    with db.read() as session:
        tags = [r.tag for r in asset_search.list_assets(session, limit=n)]
    templates = [
        t for t in list_templates(label_templates_dir()) if t.name.lower().startswith("avery-l7163")
    ]
    template = templates[0] if templates else list_templates(label_templates_dir())[0]

    def run() -> object:
        with db.read() as session:
            contents = contents_for_tags(session, tags)
        job = plan_job(contents, template, LabelOptions(house_name="Benchmark House"))
        with tempfile.TemporaryDirectory() as folder:
            return write_pdf(job, Path(folder) / "labels.pdf")

    return run


def bench_labels(
    db: Database, raw: sqlite3.Connection, house: HouseInfo, runs: Runs
) -> list[Result]:
    n = runs.labels
    bench_labels_pdf = _optional("benchmarks.labels", "bench_labels_pdf")
    if bench_labels_pdf is not None:

        def run(_i: int) -> None:
            bench_labels_pdf(n)

        how = "benchmarks.labels.bench_labels_pdf (synthetic label texts)"
    else:
        fallback = _labels_fallback(db, n)

        def run(_i: int) -> None:
            fallback()

        how = "contents_for_tags + plan_job + write_pdf"

    def raw_run(_i: int) -> None:
        raw.execute(
            "SELECT a.tag, a.name, a.serial, c.name FROM assets a JOIN categories c "
            "ON c.id = a.category_id ORDER BY a.tag LIMIT ?",
            (n,),
        ).fetchall()

    return [
        timed_result(
            "labels_1000_pdf",
            f"{n:,} labels to PDF",
            time_runs(run, runs.slow),
            time_runs(raw_run, runs.slow),
            target=TARGETS["labels_1000_pdf"] if n >= 1000 else None,
            note=f"{how}; raw: reading the label texts only",
        )
    ]
