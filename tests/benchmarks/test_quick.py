"""The benchmark harness in its quick mode: it runs, its data is consistent, its outputs keep
their shape. Times are never asserted (CI machines vary)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from benchmarks.__main__ import GROUPS, main, run_benchmarks
from benchmarks.generate import QUICK, ensure_house, generate, read_info
from benchmarks.harness import RESULT_KEYS, TABLE_HEADERS, format_table, percentile
from benchmarks.operations import keystrokes
from gearroom.db import head_revision, open_database
from gearroom.services.history import verify_chain

EXPECTED_KEYS = [
    "resolve",
    "scan",
    "search_keystroke",
    "inventory_open",
    "checkout_60",
    "checkin_60",
    "kit_availability_40",
    "weekly_report",
    "labels_1000_pdf",
    "stall_report",
    "stall_import",
    "stall_backup",
    "stall_checkout_page_60",
    "stall_checkout_60",
    "stall_checkin_60",
    "cold_start",
    "peak_memory",
    "peak_labels",
    "peak_report",
    "peak_import",
]


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("house")
    path, _info = ensure_house(QUICK, data_dir=folder, log=lambda _t: None)
    return path


def test_generated_house_is_consistent(house: Path) -> None:
    info = read_info(house)
    assert info is not None
    assert info.schema_revision == head_revision()
    conn = sqlite3.connect(house)
    try:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("assets", "kits", "productions", "shoot_days", "checkout_lines", "events")
        }
        assert counts == {
            "assets": QUICK.assets,
            "kits": QUICK.kits,
            "productions": QUICK.productions,
            "shoot_days": QUICK.shoot_days,
            "checkout_lines": QUICK.lines,
            "events": QUICK.events,
        }
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            head_revision()
        )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every scannable thing is in the tag registry.
        registered = conn.execute("SELECT count(*) FROM tags").fetchone()[0]
        owners = sum(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("assets", "kits", "stock_items", "people", "locations", "productions")
        )
        assert registered == owners
        # Status follows the lines and tickets, and each asset's last status event says it.
        assert (
            conn.execute(
                "SELECT count(*) FROM assets a WHERE (a.status IN ('out', 'lost')) <> EXISTS ("
                "SELECT 1 FROM checkout_lines l WHERE l.asset_id = a.id AND l.returned_at IS NULL)"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT count(*) FROM assets WHERE status = 'out'").fetchone()[0] > 0
        assert (
            conn.execute(
                "WITH last AS (SELECT entity_id, max(id) AS id FROM events WHERE entity_kind = 'asset'"  # noqa: E501
                " AND json_extract(after, '$.status') IS NOT NULL GROUP BY entity_id) "
                "SELECT count(*) FROM assets a JOIN last ON last.entity_id = a.id "
                "JOIN events e ON e.id = last.id WHERE json_extract(e.after, '$.status') <> a.status"  # noqa: E501
            ).fetchone()[0]
            == 0
        )
        # Nested kits exist, and the benchmark packages really hold 60 and 40 items.
        assert conn.execute("SELECT count(*) FROM kits WHERE parent_id IS NOT NULL").fetchone()[0]
        for tag, size in ((info.packages[0], 60), (info.kits40[0], 40)):
            n = conn.execute(
                "WITH RECURSIVE tree(id) AS (SELECT id FROM kits WHERE tag = ? UNION ALL "
                "SELECT k.id FROM kits k JOIN tree ON k.parent_id = tree.id) "
                "SELECT count(*) FROM kit_assets ka JOIN tree ON ka.kit_id = tree.id",
                (tag,),
            ).fetchone()[0]
            assert n == size
    finally:
        conn.close()
    database = open_database(f"sqlite:///{house}", upgrade=False)
    try:
        with database.read() as session:
            report = verify_chain(session)
    finally:
        database.dispose()
    assert report.ok and report.checked == QUICK.events


def test_generation_is_deterministic(house: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite3"
    generate(again, QUICK, log=lambda _t: None)
    query = "SELECT group_concat(hash, '') FROM (SELECT hash FROM events ORDER BY id DESC LIMIT 50)"
    first = sqlite3.connect(house).execute(query).fetchone()[0]
    second = sqlite3.connect(again).execute(query).fetchone()[0]
    # Event times and contents are seeded, so the whole hash chain is the same.
    assert first == second


def test_house_is_reused_not_regenerated(house: Path) -> None:
    stamp = house.stat().st_mtime_ns
    path, _info = ensure_house(QUICK, data_dir=house.parent, log=lambda _t: None)
    assert path == house
    assert house.stat().st_mtime_ns == stamp


def test_quick_run_measures_every_operation(house: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "quick.json"
    assert main(["--quick", "--data-dir", str(house.parent), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    header = printed.splitlines()[0]
    for title in TABLE_HEADERS[:-1]:
        assert title in header
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mode"] == "quick"
    assert set(data["machine"]) >= {"cpu_model", "cpu_count", "python_version"}
    assert data["machine"]["cpu_count"] >= 1
    assert data["house"]["counts"]["assets"] == QUICK.assets
    keys = [r["key"] for r in data["results"]]
    assert keys == EXPECTED_KEYS
    for result in data["results"]:
        assert list(result) == list(RESULT_KEYS)
        assert result["runs"] >= 1
        assert 0 < result["median"] <= result["p95"]
        assert result["label"] in printed
    by_key = {r["key"]: r for r in data["results"]}
    # Baselines come from raw queries measured in the same run; start-up has none.
    for key in EXPECTED_KEYS[:9]:
        assert by_key[key]["baseline_median"] > 0
        assert by_key[key]["ratio"] == pytest.approx(
            by_key[key]["median"] / by_key[key]["baseline_median"], rel=0.01
        )
    assert by_key["cold_start"]["baseline_median"] is None
    assert by_key["peak_memory"]["unit"] == "MB"
    assert by_key["peak_memory"]["met"] in (True, False)


def test_only_runs_the_named_groups(house: Path) -> None:
    results, _info = run_benchmarks(
        quick=True, only=("search",), data_dir=house.parent, log=lambda _t: None
    )
    assert [r.key for r in results] == ["search_keystroke"]
    with pytest.raises(ValueError, match="Unknown benchmark group"):
        run_benchmarks(quick=True, only=("nope",), data_dir=house.parent, log=lambda _t: None)
    assert "startup" in GROUPS


def test_table_and_percentile_shapes() -> None:
    assert percentile([5, 1, 4, 2, 3], 0.95) == 5
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert keystrokes(("ab c",)) == ["a", "ab", "ab c"]
    table = format_table([]).splitlines()
    assert table[0].split()[:2] == ["operation", "runs"]


def test_peak_memory_is_the_apps_own_not_the_harness(house: Path) -> None:
    from benchmarks.startup import parse_first_paint, start_once

    assert parse_first_paint("first paint after 0.812 s; peak memory 151234 kB\n") == (
        0.812,
        151234,
    )
    assert parse_first_paint("first paint after 1.5 s\n") == (1.5, None)
    # A harness that itself peaked at 900 MB: a child's ru_maxrss can carry that figure across
    # fork and exec; the app's own VmHWM cannot.
    ballast = bytearray(900 * 1024 * 1024)
    try:
        start = start_once(house)
    finally:
        del ballast
    assert 30 < start.max_rss_mb < 700, start
