from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from gearroom import backup
from gearroom.cli import main
from gearroom.db import open_database
from gearroom.errors import DatabaseError, ValidationError
from gearroom.services import asset_search, catalog
from gearroom.services.catalog import AssetDraft
from gearroom.services.setup import ensure_standard_categories


@pytest.fixture
def sqlite_db(tmp_path, actor):
    db = open_database(f"sqlite:///{tmp_path / 'house' / 'gearroom.sqlite3'}")
    with db.write() as s:
        ensure_standard_categories(s, actor)
        catalog.create_asset(s, actor, AssetDraft("ARRI Alexa 35", "Camera"))
    yield db
    db.dispose()


def _asset_names(db):
    with db.read() as s:
        return [r.name for r in asset_search.list_assets(s)]


def test_backup_is_a_working_copy_taken_while_open(sqlite_db):
    copy = backup.take_backup(sqlite_db)
    assert copy.parent == sqlite_db.path.parent / "backups"
    other = open_database(f"sqlite:///{copy}")
    assert _asset_names(other) == ["ARRI Alexa 35"]
    other.dispose()


def test_backup_never_overwrites(sqlite_db, tmp_path):
    target = tmp_path / "b.sqlite3"
    backup.take_backup(sqlite_db, target)
    with pytest.raises(ValidationError, match="exists already"):
        backup.take_backup(sqlite_db, target)


def test_daily_backups_rotate(sqlite_db, monkeypatch):
    days = [date(2026, 11, d) for d in range(1, 6)]
    stamps = iter(f"202611{d:02d}-020000-000000" for d in range(1, 6))
    monkeypatch.setattr(backup, "_stamp", lambda now=None: next(stamps))
    made = [backup.daily_backup(sqlite_db, keep=3, today=d) for d in days]
    assert all(made)
    assert backup.daily_backup(sqlite_db, keep=3, today=days[-1]) is None  # one a day
    kept = [b.taken_at.day for b in backup.list_backups(sqlite_db) if b.label == "daily"]
    assert kept == [5, 4, 3]


def test_restore_replaces_and_keeps_the_current_database(sqlite_db, actor):
    saved = backup.take_backup(sqlite_db)
    with sqlite_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft("Sony FX6", "Camera"))
    sqlite_db.dispose()
    _restored, kept = backup.restore(sqlite_db.url, saved)
    assert _asset_names(sqlite_db) == ["ARRI Alexa 35"]
    before = open_database(f"sqlite:///{kept}")
    assert sorted(_asset_names(before)) == ["ARRI Alexa 35", "Sony FX6"]
    before.dispose()


@pytest.mark.parametrize("content", [b"name,tag\nFX6,CAM-1\n", b"\x00" * 4096, b""])
def test_restore_refuses_what_is_not_a_gearroom_database(sqlite_db, tmp_path, content):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    with pytest.raises((DatabaseError, ValidationError)):
        backup.restore(sqlite_db.url, bad)
    assert _asset_names(sqlite_db) == ["ARRI Alexa 35"]


def test_restore_refuses_a_foreign_sqlite_database(sqlite_db, tmp_path):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a Gearroom"):
        backup.restore(sqlite_db.url, other)


def test_restore_refuses_a_newer_revision(sqlite_db, tmp_path):
    newer = backup.take_backup(sqlite_db, tmp_path / "newer.sqlite3")
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer"):
        backup.restore(sqlite_db.url, newer)


def test_cli_backup_and_restore(sqlite_db, tmp_path, capsys):
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(SystemExit) as ex:
        main(["backup", str(target), "--db", sqlite_db.url])
    assert ex.value.code == 0 and target.exists()
    with pytest.raises(SystemExit) as ex:
        main(["restore", str(target), "--yes", "--db", sqlite_db.url])
    out = capsys.readouterr().out
    assert ex.value.code == 0 and "kept as" in out


def test_postgresql_backups_point_to_pg_dump(tmp_path):
    class FakeDb:
        path = None

    with pytest.raises(DatabaseError, match="pg_dump"):
        backup.take_backup(FakeDb(), tmp_path / "x")  # type: ignore[arg-type]
