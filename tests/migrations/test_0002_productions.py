"""Upgrading a catalog-only database (revision 0001) to 0002 keeps every row and adds
productions, reservations, check-outs and service tickets with their guarantees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from gearroom.db import downgrade_schema, open_database, upgrade_schema
from gearroom.engine import create_gearroom_engine
from gearroom.services import (
    availability,
    catalog,
    checkout,
    checkout_cart,
    kits,
    people,
    productions,
    reservations,
)
from gearroom.services.actor import Actor
from gearroom.services.productions import ShootDayDraft

NOW = datetime(2026, 3, 1, 9, 30)
NEW_TABLES = {
    "productions",
    "shoot_days",
    "reservations",
    "checkouts",
    "checkout_lines",
    "service_tickets",
    "service_notes",
    "settings",
}


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_gearroom_engine(empty_db_url)
    yield engine
    engine.dispose()


def _seed_foundation_data(engine: Engine) -> None:
    """Rows as the 0001 schema holds them, written with plain SQL."""
    statements = [
        "INSERT INTO categories (id, name, prefix, fields, next_number, sort_order, created_at,"
        " updated_at) VALUES (1, 'Camera', 'CAM', '[]', 43, 0, :now, :now),"
        " (2, 'Power', 'PWR', '[]', 2, 1, :now, :now)",
        "INSERT INTO locations (id, tag, name, kind, notes, created_at, updated_at)"
        " VALUES (1, 'LOC-0001', 'Shelf A1', 'shelf', '', :now, :now)",
        "INSERT INTO assets (id, tag, name, make, model, serial, category_id, location_id, status,"
        " notes, attributes, created_at, updated_at) VALUES"
        " (1, 'CAM-0042', 'ARRI Alexa 35', 'ARRI', 'Alexa 35', 'A35-1001', 1, 1, 'available',"
        " '', '{}', :now, :now),"
        " (2, 'CAM-0043', 'Sony Venice 2', 'Sony', 'Venice 2', 'V2-77', 1, NULL, 'in_service',"
        " 'sensor clean', '{}', :now, :now)",
        "INSERT INTO stock_items (id, tag, name, category_id, location_id, quantity, unit, notes,"
        " retired, created_at, updated_at) VALUES"
        " (1, 'PWR-0001', 'V-mount 150Wh', 2, 1, 12, 'pcs', '', false, :now, :now)",
        "INSERT INTO kits (id, tag, name, parent_id, location_id, notes, retired, created_at,"
        " updated_at) VALUES (1, 'KIT-0001', 'Alexa package', NULL, 1, '', false, :now, :now)",
        "INSERT INTO kit_assets (kit_id, asset_id, position) VALUES (1, 1, 0)",
        "INSERT INTO kit_stock (kit_id, stock_item_id, quantity) VALUES (1, 1, 4)",
        "INSERT INTO people (id, name, badge, role, company, email, phone, notes, active,"
        " created_at, updated_at) VALUES (1, 'Ana Costa', 'P-0001', 'crew', '', '', '', '',"
        " true, :now, :now)",
        "INSERT INTO tags (tag, kind, ref_id) VALUES ('CAM-0042', 'asset', 1),"
        " ('CAM-0043', 'asset', 2), ('PWR-0001', 'stock', 1), ('KIT-0001', 'kit', 1),"
        " ('P-0001', 'person', 1), ('LOC-0001', 'location', 1)",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"now": NOW})


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_foundation_data_survives_the_upgrade_and_works_with_productions(engine, empty_db_url):
    upgrade_schema(engine, "0001")
    assert _revision(engine) == "0001"
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    _seed_foundation_data(engine)

    upgrade_schema(engine, "0002")
    assert _revision(engine) == "0002"
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES

    db = open_database(empty_db_url)
    try:
        actor = Actor("office")
        with db.read() as s:
            cam = catalog.get_asset(s, "CAM-0042")
            assert (cam.name, cam.serial, cam.location, cam.kit_tag) == (
                "ARRI Alexa 35",
                "A35-1001",
                "Shelf A1",
                "KIT-0001",
            )
            assert catalog.get_asset(s, "CAM-0043").notes == "sensor clean"
            assert kits.get_kit(s, "KIT-0001").all_stock() == {"PWR-0001": 4}
            assert people.get_person(s, "P-0001").name == "Ana Costa"
            assert availability.turnaround_days(s) == 1
        # The old catalog works with the new tables.
        today = datetime.now(UTC).date()
        with db.write() as s:
            productions.create_production(s, actor, "Night Train", days=[ShootDayDraft(today)])
            reservations.reserve(s, actor, "Night Train", ["KIT-0001"])
            cart = checkout_cart.new_cart(s, "Night Train", "P-0001")
            cart = checkout_cart.scan_into_cart(s, cart, "KIT-0001", whole_kit=True).cart
            view = checkout.commit_checkout(s, actor, cart)
        assert sorted(ln.tag for ln in view.lines) == ["CAM-0042", "PWR-0001"]
        # The open-line guarantee exists on the upgraded database too.
        with pytest.raises(IntegrityError), db.write() as s:
            s.execute(
                text(
                    "INSERT INTO checkout_lines (checkout_id, asset_id, quantity,"
                    " returned_quantity, note) VALUES (:c, 1, 1, 0, '')"
                ),
                {"c": view.id},
            )
    finally:
        db.dispose()


def test_downgrade_to_0001_keeps_the_catalog(engine):
    upgrade_schema(engine, "0001")
    _seed_foundation_data(engine)
    upgrade_schema(engine, "0002")
    downgrade_schema(engine, "0001")
    assert _revision(engine) == "0001"
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT tag FROM assets ORDER BY id")).scalars().all() == [
            "CAM-0042",
            "CAM-0043",
        ]
