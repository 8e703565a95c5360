"""gearroom.db: connection settings, write transactions, migrate-on-open with a backup, and the
refusals that leave a database exactly as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from gearroom import db as gdb, engine as gengine
from gearroom.db import (
    Database,
    alembic_config,
    downgrade_schema,
    head_revision,
    open_database,
    upgrade_schema,
)
from gearroom.engine import BUSY_TIMEOUT_MS, create_gearroom_engine, sqlite_path
from gearroom.errors import DatabaseError
from gearroom.models import Category, Event
from gearroom.services import catalog
from gearroom.services.setup import ensure_standard_categories


def _first_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    (base,) = script.get_bases()
    return base


def _fingerprint(path: Path) -> tuple[str, int, list[str]]:
    """Content hash, modification time and the files beside it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def _sqlite_file(db_url: str) -> Path:
    path = sqlite_path(db_url)
    assert path is not None
    return path


def _snapshot(database: Database) -> dict[str, object]:
    """Schema and content, comparable across engines."""
    insp = inspect(database.engine)
    out: dict[str, object] = {}
    with database.engine.connect() as conn:
        for table in sorted(insp.get_table_names()):
            columns = [c["name"] for c in insp.get_columns(table)]
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            out[table] = (columns, sorted(map(repr, rows)))
    return out


# -- connection settings (SQLite) --------------------------------------------------------------


@pytest.mark.sqlite_only
def test_every_sqlite_connection_gets_the_pragmas(database):
    def pragmas(conn) -> tuple[object, ...]:
        return tuple(
            conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        )

    expected = ("wal", 2, 1, BUSY_TIMEOUT_MS)
    # two connections at once (two pool slots), then new ones after the pool is emptied
    with database.engine.connect() as a, database.engine.connect() as b:
        assert pragmas(a) == expected
        assert pragmas(b) == expected
    database.engine.dispose()
    with database.read() as s:
        assert pragmas(s.connection()) == expected
    with database.write() as s:
        assert pragmas(s.connection()) == expected


@pytest.mark.sqlite_only
def test_write_sessions_begin_immediate_and_reads_deferred(database):
    statements: list[str] = []

    def remember(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", remember)
    try:
        with database.write() as s:
            s.execute(select(1))
        assert "BEGIN IMMEDIATE" in statements
        statements.clear()
        with database.read() as s:
            s.execute(select(1))
        assert "BEGIN DEFERRED" in statements
        assert "BEGIN IMMEDIATE" not in statements
    finally:
        event.remove(database.engine, "before_cursor_execute", remember)


@pytest.mark.sqlite_only
def test_a_second_writer_waits_at_begin_not_halfway(database, db_url, monkeypatch):
    """A writer holds the write lock from its first statement, even before it writes: a second
    writer is turned away at BEGIN (busy), never after it has read and decided what to write."""
    monkeypatch.setattr(gengine, "BUSY_TIMEOUT_MS", 150)
    other = open_database(db_url)
    try:
        with database.write() as first:
            first.execute(select(1))  # only reads: a DEFERRED transaction would hold no lock
            with pytest.raises(OperationalError, match="locked"), other.write() as second:
                second.execute(select(1))
            # readers are not blocked by the writer (WAL)
            with other.read() as reader:
                assert reader.execute(select(1)).scalar() == 1
        with other.write() as second:  # free again once the first writer is done
            second.execute(select(1))
    finally:
        other.dispose()


# -- migrate on open ---------------------------------------------------------------------------


def _older_database(path: Path) -> None:
    """A database at the first revision, with a committed row, as an older Gearroom left it."""
    engine = create_gearroom_engine(f"sqlite:///{path}")
    try:
        upgrade_schema(engine, _first_revision())
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO locations (tag, name, kind, notes, created_at, updated_at) "
                    "VALUES ('LOC-0001', 'Old shelf', 'shelf', '', '2024-01-01', '2024-01-01')"
                )
            )
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_opening_an_older_database_backs_it_up_first(db_url):
    path = _sqlite_file(db_url)
    _older_database(path)
    # Another program holds the file open with the newest rows still in the WAL: the backup
    # must contain them (the backup API copies the database, not just the main file).
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute(
        "INSERT INTO locations (tag, name, kind, notes, created_at, updated_at) "
        "VALUES ('LOC-0002', 'In the WAL', 'bay', '', '2024-01-01', '2024-01-01')"
    )
    holder.commit()
    try:
        db = open_database(db_url)
    finally:
        holder.close()
    try:
        assert db.state().current_revision == head_revision()
    finally:
        db.dispose()
    backups = list((path.parent / "backups").glob("gearroom-*-pre-upgrade.sqlite3"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (
            _first_revision(),
        )
        names = {r[0] for r in copy.execute("SELECT name FROM locations")}
        assert names == {"Old shelf", "In the WAL"}
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


@pytest.mark.sqlite_only
def test_no_backup_when_nothing_is_migrated(db_url):
    path = _sqlite_file(db_url)
    open_database(db_url).dispose()  # a new database: nothing to back up
    open_database(db_url).dispose()  # already at head
    assert not (path.parent / "backups").exists()


@pytest.mark.sqlite_only
def test_a_database_from_a_newer_gearroom_is_refused_untouched(db_url):
    path = _sqlite_file(db_url)
    open_database(db_url).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfacefeed'")
    conn.close()
    before = _fingerprint(path)
    assert before[2] == [path.name]  # closed cleanly: no -wal / -shm
    with pytest.raises(DatabaseError, match="newer Gearroom") as err:
        open_database(db_url)
    assert "f00dfacefeed" in str(err.value)
    assert "untouched" in str(err.value)
    with pytest.raises(DatabaseError, match="newer Gearroom"):
        open_database(db_url, upgrade=False)
    assert _fingerprint(path) == before


def test_a_newer_revision_is_refused_on_every_engine(database, db_url):
    with database.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = 'f00dfacefeed'"))
    snapshot = _snapshot(database)
    database.dispose()
    with pytest.raises(DatabaseError, match=r"newer Gearroom.*f00dfacefeed"):
        open_database(db_url)
    assert _snapshot(database) == snapshot


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Gear list\nARRI Alexa 35\nCooke S4/i 32mm\n", id="text"),
        pytest.param(os.urandom(8192), id="random-bytes"),
        pytest.param(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + os.urandom(4000), id="header"),
    ],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path, content):
    path = tmp_path / "gear.sqlite3"
    path.write_bytes(content)
    before = _fingerprint(path)
    with pytest.raises(DatabaseError, match=r"not a Gearroom database|damaged"):
        open_database(f"sqlite:///{path}")
    assert _fingerprint(path) == before


@pytest.mark.sqlite_only
def test_a_truncated_database_is_refused_untouched(db_url, catalog_db):
    path = _sqlite_file(db_url)
    catalog_db.dispose()
    size = path.stat().st_size
    assert size > 8192
    with path.open("r+b") as fh:
        fh.truncate(size // 2)
    before = _fingerprint(path)
    with pytest.raises(DatabaseError, match=r"damaged|not a Gearroom database") as err:
        open_database(db_url)
    assert str(path) in str(err.value)
    assert _fingerprint(path) == before


@pytest.mark.sqlite_only
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    before = _fingerprint(path)
    with pytest.raises(DatabaseError, match="not a Gearroom one"):
        open_database(f"sqlite:///{path}")
    assert _fingerprint(path) == before


@pytest.mark.sqlite_only
def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(f"sqlite:///{tmp_path}")


# -- a migration that fails ----------------------------------------------------------------------

BAD_REVISION = '''"""A broken migration (test fixture).

Revision ID: badbadbad001
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "badbadbad001"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("scratch", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("locations") as batch_op:
        batch_op.add_column(sa.Column("aisle", sa.String(10), nullable=True))
    op.execute("UPDATE locations SET notes = 'touched'")
    op.execute("INSERT INTO no_such_table (x) VALUES (1)")


def downgrade() -> None:
    pass
'''


def test_a_failed_migration_rolls_back_and_changes_nothing(
    catalog_db, db_url, tmp_path, monkeypatch, db_engine
):
    snapshot = _snapshot(catalog_db)
    catalog_db.dispose()
    scripts = tmp_path / "migrations"
    shutil.copytree(gdb.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_bad.py").write_text(BAD_REVISION.format(down=head_revision()))
    good_head = head_revision()
    monkeypatch.setattr(gdb, "migrations_dir", lambda: scripts)
    assert head_revision() == "badbadbad001"

    with pytest.raises(DatabaseError, match="rolled back") as err:
        open_database(db_url)
    assert "badbadbad001" in str(err.value) or "no_such_table" in str(err.value)

    monkeypatch.undo()
    assert head_revision() == good_head
    reopened = open_database(db_url, upgrade=False)
    try:
        assert reopened.state().current_revision == good_head
        assert _snapshot(reopened) == snapshot
    finally:
        reopened.dispose()
    if db_engine == "sqlite":  # the backup taken before the attempt is there too
        backups = list((_sqlite_file(db_url).parent / "backups").glob("*-pre-upgrade.sqlite3"))
        assert len(backups) == 1


def test_downgrade_then_open_upgrades_again(empty_db_url):
    engine = create_gearroom_engine(empty_db_url)
    try:
        upgrade_schema(engine)
        downgrade_schema(engine, _first_revision())
    finally:
        engine.dispose()
    db = open_database(empty_db_url)
    try:
        assert db.state().current_revision == head_revision()
        assert db.state().up_to_date
    finally:
        db.dispose()


# -- history is append-only, enforced by the database -------------------------------------------


def test_the_database_refuses_to_change_or_remove_history(catalog_db):
    with catalog_db.read() as s:
        events = s.execute(select(Event.id, Event.summary).order_by(Event.id)).all()
    assert events, "the catalog fixture records history"
    for statement in (
        "UPDATE events SET summary = 'nothing happened'",
        "UPDATE events SET operator = 'someone else' WHERE id = :id",
        "DELETE FROM events WHERE id = :id",
        "DELETE FROM events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), catalog_db.write() as s:
            s.execute(text(statement), {"id": events[0].id})
    with catalog_db.read() as s:
        assert s.execute(select(Event.id, Event.summary).order_by(Event.id)).all() == events


def test_new_history_can_still_be_added(catalog_db, actor):
    with catalog_db.read() as s:
        before = s.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    with catalog_db.write() as s:
        catalog.create_location(s, actor, "Cage 3")
    with catalog_db.read() as s:
        after = s.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    assert after is not None and before is not None and after > before


# -- the Database object ------------------------------------------------------------------------


def test_a_failed_write_session_leaves_nothing_behind(database, actor):
    with pytest.raises(RuntimeError), database.write() as s:
        ensure_standard_categories(s, actor)
        s.flush()
        raise RuntimeError("power cut")
    with database.read() as s:
        assert s.scalars(select(Category)).all() == []
        assert s.scalars(select(Event)).all() == []


def test_state_reports_revision_and_engine(database, db_engine):
    info = database.state()
    assert info.backend == db_engine
    assert info.current_revision == info.head_revision == head_revision()
    assert info.integrity == "ok"
    assert info.up_to_date
    assert "password" not in info.url


@pytest.mark.sqlite_only
def test_backup_copies_the_live_database(catalog_db, tmp_path):
    target = catalog_db.backup(tmp_path / "copy.sqlite3")
    with sqlite3.connect(target) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM locations")}
    conn.close()
    assert names == {"Shelf A1", "Prep Bay 1"}
    with pytest.raises(DatabaseError, match="exists already"):
        catalog_db.backup(target)
