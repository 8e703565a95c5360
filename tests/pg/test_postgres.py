"""PostgreSQL specifics: several workstations on one server, and how the suite finds a server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from gearroom.db import Database, head_revision, open_database
from gearroom.errors import DatabaseError
from gearroom.models import Event
from gearroom.services import catalog

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgresql_only


def test_workstations_starting_together_upgrade_the_database_once(empty_db_url, db_engine):
    """Five workstations open an empty database at the same moment: one creates the schema,
    the others wait for it and find it ready (nobody fails on a half-made schema)."""
    barrier = threading.Barrier(5)
    opened: list[Database] = []
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(open_database(empty_db_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        assert len(opened) == 5
        for db in opened:
            assert db.state().current_revision == head_revision()
        with opened[0].read() as s:
            versions = s.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [(head_revision(),)]
    finally:
        for db in opened:
            db.dispose()


def test_a_change_on_one_workstation_is_seen_by_another(catalog_db, db_url, actor):
    other = open_database(db_url)
    try:
        with catalog_db.write() as s:
            catalog.create_location(s, actor, "Truck 2")
        with other.read() as s:
            names = [loc.name for loc in catalog.list_locations(s)]
        assert "Truck 2" in names
    finally:
        other.dispose()


def test_times_are_utc_whatever_the_server_time_zone(postgres_server, db_url, actor):
    name = db_url.rsplit("/", 1)[1]
    with postgres_server.admin() as conn:
        conn.execute(f"ALTER DATABASE {name} SET timezone = 'Pacific/Auckland'")
    db = open_database(db_url)
    try:
        with db.read() as s:
            assert s.execute(text("SHOW timezone")).scalar() == "Pacific/Auckland"
        before = datetime.now(UTC)
        with db.write() as s:
            catalog.create_location(s, actor, "Cage 1")
        after = datetime.now(UTC)
        with db.read() as s:
            at = s.scalars(select(Event.at).order_by(Event.id.desc()).limit(1)).one()
        assert at.tzinfo is not None
        assert before.replace(microsecond=0) <= at <= after
    finally:
        db.dispose()


def test_backups_are_left_to_pg_dump(database):
    with pytest.raises(DatabaseError, match="pg_dump"):
        database.backup()


def test_a_database_of_another_program_is_refused(empty_db_url):
    db_name = empty_db_url.rsplit("/", 1)[1]
    from sqlalchemy import create_engine

    engine = create_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer primary key)"))
    try:
        with pytest.raises(DatabaseError, match=r"other tables \(invoices\)"):
            open_database(empty_db_url)
        assert set(inspect(engine).get_table_names()) == {"invoices"}, db_name
    finally:
        engine.dispose()


# -- no server needed below ------------------------------------------------------------------------


def test_an_unreachable_server_gives_a_clear_error():
    with pytest.raises(DatabaseError, match="Cannot reach the database") as err:
        open_database("postgresql+psycopg://gear:secret@127.0.0.1:1/gearroom")
    assert "secret" not in str(err.value)


def _run_suite_without_server(require: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GEARROOM_PG_BIN": "/nonexistent/bin", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("GEARROOM_TEST_POSTGRES_URL", None)
    env["GEARROOM_REQUIRE_POSTGRES"] = "1" if require else "0"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/unit/test_db.py::test_state_reports_revision_and_engine",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_server_the_postgresql_half_is_skipped_with_the_reason():
    result = _run_suite_without_server(require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 1 skipped" in result.stdout
    assert "PostgreSQL half skipped" in result.stdout
    assert "GEARROOM_PG_BIN" in result.stdout


def test_without_a_server_ci_fails():
    result = _run_suite_without_server(require=True)
    assert result.returncode != 0
    assert "GEARROOM_REQUIRE_POSTGRES is set" in result.stdout
