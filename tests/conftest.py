"""Shared fixtures: a fresh, migrated database per test and a default operator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gearroom.db import Database, open_database
from gearroom.services import catalog
from gearroom.services.actor import Actor, Role
from gearroom.services.setup import ensure_standard_categories

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gearroom.sqlite3'}"


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
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
