"""A damaged, empty or interrupted file is refused, never used, and never replaces a good backup."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from faults_support import assert_one_line_failure, build_house, database_file, run

from gearroom import backup
from gearroom.db import open_database


def damage(path: Path) -> bytes:
    """Overwrite pages in the middle of the file with garbage; returns the damaged bytes."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    middle = (len(data) // page // 2) * page
    data[middle : middle + 2 * page] = bytes([0xA5]) * (2 * page)
    path.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def damaged(sqlite_house) -> tuple[str, bytes]:
    path = database_file(sqlite_house.url)
    assert not path.with_name(path.name + "-wal").exists()
    return sqlite_house.url, damage(path)


@pytest.mark.parametrize(
    "command",
    [
        ["asset", "add", "--category", "Camera", "--name", "FX6"],
        ["checkout", "Nightfall", "--to", "P-0001", "LNS-0001"],
        ["history", "verify"],
        ["asset", "list"],
        ["backup"],
    ],
)
def test_a_damaged_database_is_refused_and_left_as_it_was(damaged, capsys, command):
    url, data = damaged
    code, _out, err = run(capsys, "--db", url, *command)
    message = assert_one_line_failure(code, err)
    assert "damaged" in message and "gearroom restore" in message, message
    path = database_file(url)
    assert path.read_bytes() == data
    assert not (path.parent / "backups").exists() or not list((path.parent / "backups").iterdir())


def test_rotation_never_deletes_a_good_backup_to_keep_damaged_ones(sqlite_house):
    db = open_database(sqlite_house.url)
    try:
        folder = database_file(sqlite_house.url).parent / "backups"
        taken = backup.daily_backup(db, keep=2, today=date(2026, 11, 1))
        assert taken is not None
        good = taken.rename(folder / "gearroom-20261101-030000-000000-daily.sqlite3")
        # Two later "daily backups" that are damaged (a bad disk, a copy cut short).
        for day in ("20261102", "20261103"):
            bad = folder / f"gearroom-{day}-030000-000000-daily.sqlite3"
            bad.write_bytes(good.read_bytes()[: 3 * 4096] + b"\xa5" * 8192)
            damage(bad)
        made = backup.daily_backup(db, keep=2)
        assert made is not None and made.exists()
        assert good.exists(), "a good backup was deleted to keep damaged ones"
        assert backup.is_good_backup(good) and backup.is_good_backup(made)
    finally:
        db.dispose()


def test_a_backup_is_written_under_a_hidden_name_and_created_owner_only(sqlite_house, tmp_path):
    db = open_database(sqlite_house.url)
    try:
        target = tmp_path / "copy.sqlite3"
        seen: list[list[str]] = []
        real_link = os.link

        def watching_link(src: os.PathLike[str], dst: os.PathLike[str]) -> None:
            seen.append(sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name))
            real_link(src, dst)

        os.link = watching_link  # type: ignore[assignment]
        try:
            made = backup.take_backup(db, target)
        finally:
            os.link = real_link
        assert made == target and backup.is_good_backup(target)
        # While the copy was being written, no file carried the backup's name.
        assert seen and all(name.startswith(".copy.sqlite3.") for name in seen[0]), seen
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(database_file(sqlite_house.url).stat().st_mode) == 0o600
    finally:
        db.dispose()


def test_a_new_database_file_is_created_owner_only(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    code, _out, err = run(capsys, "--db", url, "init")
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "new.sqlite3").stat().st_mode) == 0o600


def test_restore_over_a_damaged_database_keeps_its_bytes_aside(damaged, tmp_path, capsys):
    url, data = damaged
    good = tmp_path / "good.sqlite3"
    house = build_house(f"sqlite:///{good}")
    code, _out, err = run(capsys, "--db", url, "restore", str(good), "--yes")
    assert code == 0, err
    assert "damaged" in err
    kept = list((database_file(url).parent / "backups").glob("*.sqlite3"))
    assert [p.read_bytes() for p in kept] == [data]
    code, _out, err = run(capsys, "--db", url, "asset", "show", house.lenses[0])
    assert code == 0, err
