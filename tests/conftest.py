"""Shared fixtures: a fresh, migrated database per test and a default operator."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import ENGINES, PostgresServer, PostgresUnavailable, require_postgres

from gearroom.db import Database, open_database
from gearroom.engine import sqlite_path
from gearroom.services import catalog
from gearroom.services.actor import Actor, Role
from gearroom.services.setup import ensure_standard_categories

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _widgets_application(qapp: object) -> object:
    """The test process's QApplication, made before any test: a renderer that ran first
    would otherwise make a plain QGuiApplication, and no widget test could run after it."""
    return qapp


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's config or data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GEARROOM_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("GEARROOM_CONFIG", str(home / "config.json"))
    monkeypatch.setenv("GEARROOM_OPERATOR", "tester")
    monkeypatch.setenv("GEARROOM_SOUND", "off")
    monkeypatch.delenv("GEARROOM_DATABASE_URL", raising=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: runs on SQLite only (file backups, pragmas, the file format)"
    )
    config.addinivalue_line("markers", "postgresql_only: runs on PostgreSQL only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses a database runs once per engine (see tests/engines.py)."""
    if "db_engine" not in metafunc.fixturenames:
        return
    engines: list[str] = list(ENGINES)
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = ["sqlite"]
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        engines = ["postgresql"]
    metafunc.parametrize(
        "db_engine",
        [pytest.param(e, marks=[pytest.mark.pg] if e == "postgresql" else []) for e in engines],
        ids=engines,
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session; skips (or fails, in CI) when there is none."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        if require_postgres():
            pytest.fail(f"GEARROOM_REQUIRE_POSTGRES is set but {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL half skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture
def db_engine() -> str:
    """The engine under test; parametrised by ``pytest_generate_tests``."""
    return "sqlite"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_engine: str, tmp_path: Path) -> Iterator[str]:
    """SQLite: a database file (not created yet) in the test's folder. PostgreSQL: a fresh
    database at the head revision, dropped after the test."""
    if db_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'gearroom.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.fresh_database()
    yield url
    server.drop_database(name)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, db_engine: str, tmp_path: Path) -> Iterator[str]:
    """Like ``db_url`` but an empty database on every engine (no tables, no revision)."""
    if db_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.empty_database()
    yield url
    server.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database at the head revision, migrated once per session."""
    path = tmp_path_factory.mktemp("template") / "gearroom.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def database(request: pytest.FixtureRequest, db_url: str) -> Iterator[Database]:
    """The database at ``db_url``, opened (created and migrated) as the app opens it."""
    path = sqlite_path(db_url)
    if path is not None and not path.exists():
        # The same file a migration would produce, copied from the session's template: fast.
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def actor() -> Actor:
    return Actor("tester", Role.ADMIN)


@pytest.fixture
def catalog_db(database: Database, actor: Actor) -> Database:
    """A database with the standard categories and two locations."""
    with database.write() as s:
        ensure_standard_categories(s, actor)
        catalog.create_location(s, actor, "Shelf A1")
        catalog.create_location(s, actor, "Prep Bay 1")
    return database
