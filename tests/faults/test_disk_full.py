"""A disk that fills: every write is all or nothing, and says so in one line."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from faults_support import (
    assert_one_line_failure,
    build_house,
    disk_fills_at,
    fill,
    run,
    snapshot,
    tiny_file_system,
    write_commands,
)

from gearroom.cli import main  # noqa: F401  (the entry point under test)


def _big_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Category", "Serial", "Notes"])
        for i in range(rows):
            w.writerow([f"Lens {i}", "Lens", f"SER-{i:05d}", "x" * 300])
    return path


@pytest.mark.parametrize("leave_kib", [96, 160, 320, 640])
def test_an_import_that_fills_the_disk_keeps_nothing(tmp_path, capsys, leave_kib):
    with tiny_file_system(tmp_path / "disk", "2m") as disk:
        house = build_house(f"sqlite:///{disk / 'house.sqlite3'}")
        before = snapshot(house.url)
        source = _big_csv(tmp_path / "assets.csv", 3000)
        fill(disk, leave_kib * 1024)
        code, _out, err = run(capsys, "--db", house.url, "import", "assets", str(source))
        message = assert_one_line_failure(code, err)
        assert "full" in message and "nothing" in message, message
        (disk / "ballast").unlink()
        assert snapshot(house.url) == before
        code, _out, err = run(capsys, "--db", house.url, "history", "verify")
        assert code == 0, err


@pytest.mark.parametrize(
    "command",
    [
        "asset add",
        "asset edit",
        "stock add",
        "person add",
        "kit add",
        "production add",
        "reserve",
        "checkout",
        "import assets",
    ],
)
def test_every_write_is_undone_when_the_disk_fills_mid_way(tmp_path, capsys, command):
    with tiny_file_system(tmp_path / "disk", "4m") as disk:
        house = build_house(f"sqlite:///{disk / 'house.sqlite3'}")
        args = write_commands(house, tmp_path)[command]
        before = snapshot(house.url)
        # The second write statement: the change is half made (its history event not yet).
        with disk_fills_at(disk, 2):
            code, _out, err = run(capsys, "--db", house.url, *args)
        message = assert_one_line_failure(code, err)
        assert "nothing" in message, message
        assert snapshot(house.url) == before


def test_a_backup_onto_a_full_disk_leaves_no_file(tmp_path, capsys):
    house = build_house(f"sqlite:///{tmp_path / 'house.sqlite3'}")
    with tiny_file_system(tmp_path / "disk", "256k") as disk:
        fill(disk, 16 * 1024)
        code, _out, err = run(capsys, "--db", house.url, "backup", str(disk / "copy.sqlite3"))
        assert_one_line_failure(code, err)
        assert not [p for p in disk.iterdir() if p.name != "ballast"], list(disk.iterdir())
    shutil.rmtree(tmp_path / "disk", ignore_errors=True)
