"""Smaller doors: money, day order, invisible names, dry runs, truncated files."""

from __future__ import annotations

import json

from faults_support import assert_one_line_failure, run, snapshot

from gearroom.db import open_database
from gearroom.services import catalog


def test_a_european_amount_is_read_as_written(house_url, capsys):
    for written, stored in (
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("14,500", "14500.00"),
    ):
        code, out, err = run(
            capsys, "--db", house_url, "asset", "add", "--category", "Camera", "--name", "FX6",
            "--purchase-value", written,
        )  # fmt: skip
        assert code == 0, err
        db = open_database(house_url)
        try:
            with db.read() as s:
                assert str(catalog.get_asset(s, out.strip()).purchase_value) == stored
        finally:
            db.dispose()


def test_an_amount_that_reads_two_ways_is_refused(house_url, capsys):
    before = snapshot(house_url)
    for written in ("1.234", "1,23,4", "12.345,6.7"):
        code, _out, err = run(
            capsys, "--db", house_url, "asset", "add", "--category", "Camera", "--name", "FX6",
            "--purchase-value", written,
        )  # fmt: skip
        assert_one_line_failure(code, err)
    assert snapshot(house_url) == before


def test_a_wrap_day_before_the_prep_day_is_refused(house_url, capsys):
    before = snapshot(house_url)
    code, _out, err = run(
        capsys, "--db", house_url, "production", "add", "Q", "--prep", "2026-12-05",
        "--wrap", "2026-12-01",
    )  # fmt: skip
    assert "before the prep day" in assert_one_line_failure(code, err)
    assert snapshot(house_url) == before


def test_a_name_of_only_a_zero_width_space_is_refused(house_url, capsys):
    before = snapshot(house_url)
    code, _out, err = run(
        capsys, "--db", house_url, "asset", "add", "--category", "Camera", "--name", "\u200b"
    )
    assert "Name is required" in assert_one_line_failure(code, err)
    assert snapshot(house_url) == before


def test_a_dry_run_that_finds_problems_exits_non_zero(house_url, capsys, tmp_path):
    src = tmp_path / "gear.csv"
    src.write_text("Name,Category\nFX6,Camera\n,Camera\n", "utf-8")
    code, out, err = run(capsys, "--db", house_url, "import", "assets", str(src), "--dry-run")
    assert code != 0 and "Dry run: nothing was written." in out
    assert_one_line_failure(code, err)
    src.write_text("Name,Category\nFX6,Camera\n", "utf-8")
    code, out, err = run(capsys, "--db", house_url, "import", "assets", str(src), "--dry-run")
    assert code == 0, err


def test_a_truncated_csv_does_not_import_its_partial_last_row(house_url, capsys, tmp_path):
    src = tmp_path / "gear.csv"
    src.write_bytes(b"Name,Category,Serial,Notes\nFX6,Camera,S-1,ok\nVenice 2,Cam")
    before = snapshot(house_url)
    code, out, err = run(capsys, "--db", house_url, "import", "assets", str(src), "--json")
    assert_one_line_failure(code, err)
    report = json.loads(out)
    assert "cut short" in report["rows"][-1]["problems"][0]["message"]
    assert snapshot(house_url) == before
