"""Upgrading a 0006 database to 0007 fills the name keys and the folded search text of the
rows that are already there, on both engines, and a downgrade gives 0006's columns back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, text

from gearroom.db import downgrade_schema, open_database, upgrade_schema
from gearroom.engine import create_gearroom_engine
from gearroom.services import asset_search, catalog, people, productions
from gearroom.text import name_key

NOW = datetime(2026, 11, 30, 9, 0)


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_gearroom_engine(empty_db_url)
    yield engine
    engine.dispose()


def _seed_0006(engine: Engine) -> None:
    statements = [
        "INSERT INTO categories (id, name, prefix, fields, next_number, sort_order, created_at,"
        " updated_at) VALUES (1, 'Objectifs', 'LNS', '[]', 3, 0, :now, :now)",
        "INSERT INTO locations (id, tag, name, kind, notes, created_at, updated_at)"
        " VALUES (1, 'LOC-0001', 'SOKODÉ', 'shelf', '', :now, :now)",
        "INSERT INTO assets (id, tag, name, make, model, serial, category_id, location_id, status,"
        " notes, attributes, created_at, updated_at) VALUES"
        " (1, 'LNS-0001', 'Optimo 24-290', 'Angénieux', 'Optimo', 'A-1', 1, 1, 'available',"
        " '', '{}', :now, :now),"
        " (2, 'LNS-0002', 'Zoom İstanbul', 'STRASSE', '', '', 1, NULL, 'available',"
        " '', '{}', :now, :now)",
        "INSERT INTO people (id, name, badge, role, company, email, phone, notes, active,"
        " created_at, updated_at) VALUES (1, 'ÉTÉ Øresund', 'P-0001', 'crew', '', '', '', '',"
        " true, :now, :now)",
        "INSERT INTO productions (id, tag, name, client, notes, created_at, updated_at)"
        " VALUES (1, 'PRD-0001', 'Οδύσσεια', '', '', :now, :now)",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"now": NOW})


def test_existing_rows_get_their_keys_and_are_found_after_the_upgrade(engine, empty_db_url):
    upgrade_schema(engine, "0006")
    _seed_0006(engine)
    upgrade_schema(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT name, name_key FROM people")).all())
        search = dict(conn.execute(text("SELECT tag, search_text FROM assets")).all())
    assert keys == {"ÉTÉ Øresund": name_key("ÉTÉ Øresund")}
    assert search == {
        "LNS-0001": "lns-0001 optimo 24-290 angenieux optimo a-1",
        "LNS-0002": "lns-0002 zoom istanbul strasse  ",
    }
    engine.dispose()
    db = open_database(empty_db_url)
    try:
        with db.read() as s:
            assert people.get_person(s, "été øresund").badge == "P-0001"
            assert productions.get_production(s, "ΟΔΎΣΣΕΙΑ").tag == "PRD-0001"
            assert catalog.get_category(s, "OBJECTIFS").prefix == "LNS"
            for typed in ("angenieux", "ANGÉNIEUX", "Angénieux"):
                assert asset_search.find_asset_ids(s, asset_search.AssetQuery(text=typed)) == [1]
            assert asset_search.find_asset_ids(s, asset_search.AssetQuery(text="straße")) == [2]
            assert asset_search.find_asset_ids(s, asset_search.AssetQuery(text="istanbul")) == [2]
            asset = catalog.get_asset(s, "LNS-0001")
            assert asset.location == "SOKODÉ"
    finally:
        db.dispose()


def test_downgrade_restores_the_generated_search_column(engine):
    upgrade_schema(engine, "0006")
    _seed_0006(engine)
    upgrade_schema(engine)
    downgrade_schema(engine, "0006")
    with engine.connect() as conn:
        search = dict(conn.execute(text("SELECT tag, search_text FROM assets")).all())
        people_columns = list(conn.execute(text("SELECT * FROM people")).keys())
    # 0006's generated lower(): ASCII-folded by SQLite, so the accent stays
    assert search["LNS-0001"].startswith("lns-0001 optimo 24-290 ang")
    assert "name_key" not in people_columns
