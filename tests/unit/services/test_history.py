from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from gearroom.db import open_database
from gearroom.services import catalog, history, kits, people, stock
from gearroom.services.catalog import AssetDraft
from gearroom.services.setup import ensure_standard_categories


def _busy_day(db, actor) -> str:
    """One of every kind of operation the catalog has."""
    with db.write() as s:
        cam = catalog.create_asset(s, actor, AssetDraft("ARRI Alexa 35", "Camera", serial="A35-1"))
        lens = catalog.create_asset(s, actor, AssetDraft("Cooke S4/i 50mm", "Lens"))
        catalog.update_asset(s, actor, cam.tag, {"serial": "A35-2", "location": "Shelf A1"})
        item = stock.create_stock_item(s, actor, "V-mount 150Wh", "Power", 12)
        stock.update_stock_item(s, actor, item.tag, {"quantity": 10})
        kit = kits.create_kit(s, actor, "Alexa 35 package")
        kits.add_to_kit(s, actor, kit.tag, cam.tag)
        kits.add_to_kit(s, actor, kit.tag, item.tag, 4)
        people.add_person(s, actor, "Ana Lopez")
        catalog.retire_asset(s, actor, lens.tag, "dropped")
    return cam.tag


def test_chain_verifies_after_every_kind_of_operation(catalog_db, actor):
    _busy_day(catalog_db, actor)
    with catalog_db.read() as s:
        report = history.verify_chain(s, batch=3)
    assert report.ok, report.problem
    assert report.checked > 15


def test_ids_are_consecutive_across_transactions(catalog_db, actor):
    _busy_day(catalog_db, actor)
    with catalog_db.read() as s:
        ids = [e.id for e in history.recent_events(s, 1000)]
    assert sorted(ids) == list(range(1, len(ids) + 1))


def test_a_rolled_back_transaction_leaves_no_gap(catalog_db, actor):
    with pytest.raises(RuntimeError), catalog_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft("Sony FX6", "Camera"))
        raise RuntimeError("power cut")
    _busy_day(catalog_db, actor)
    with catalog_db.read() as s:
        assert history.verify_chain(s).ok


def _tamper(path: Path, sql: str) -> None:
    """What someone with a SQLite browser could do: drop the guard and change a row."""
    conn = sqlite3.connect(path)
    conn.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + sql)
    conn.commit()
    conn.close()


@pytest.fixture
def sqlite_db(tmp_path, actor):
    """Editing rows by hand is shown on the embedded SQLite file."""
    db = open_database(f"sqlite:///{tmp_path / 'tamper.sqlite3'}")
    with db.write() as s:
        ensure_standard_categories(s, actor)
        catalog.create_location(s, actor, "Shelf A1")
    yield db
    db.dispose()


@pytest.mark.parametrize(
    ("sql", "bad_id", "words"),
    [
        ("UPDATE events SET summary = 'nothing happened' WHERE id = 5;", 5, "was edited"),
        ("UPDATE events SET operator = 'someone else' WHERE id = 7;", 7, "was edited"),
        ("DELETE FROM events WHERE id = 6;", 7, "#6 is missing"),
        (
            "UPDATE events SET prev_hash = (SELECT hash FROM events WHERE id = 3) WHERE id = 9;",
            9,
            "does not follow",
        ),
    ],
)
def test_tampering_is_named(sqlite_db, actor, sql, bad_id, words):
    _busy_day(sqlite_db, actor)
    sqlite_db.dispose()
    assert sqlite_db.path is not None
    _tamper(sqlite_db.path, sql)
    with sqlite_db.read() as s:
        report = history.verify_chain(s)
    assert not report.ok
    assert report.first_bad_id == bad_id
    assert words in report.problem


def test_history_is_append_only_in_the_database(catalog_db, actor):
    _busy_day(catalog_db, actor)
    with pytest.raises(Exception, match="append-only"), catalog_db.write() as s:
        s.execute(text("UPDATE events SET summary = 'x' WHERE id = 1"))
    with pytest.raises(Exception, match="append-only"), catalog_db.write() as s:
        s.execute(text("DELETE FROM events WHERE id = 1"))
