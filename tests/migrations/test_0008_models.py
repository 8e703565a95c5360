"""Upgrading a database at 0007 with gear to 0008 creates one model per category and make +
model, links every asset to it and keeps every row; the models can be booked at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from gearroom.db import downgrade_schema, open_database, upgrade_schema
from gearroom.engine import create_gearroom_engine
from gearroom.services import catalog, model_bookings, product_models, productions
from gearroom.services.actor import Actor
from gearroom.services.productions import ShootDayDraft

NOW = datetime(2026, 11, 1, 9, 30)
ASSETS = [
    # id, tag, name, make, model, category
    (1, "CAM-0001", "Alexa Mini LF #1", "ARRI", "Alexa Mini LF", 1),
    (2, "CAM-0002", "Alexa Mini LF #2", "arri", "ALEXA  Mini LF", 1),
    (3, "CAM-0003", "Sony FX6", "Sony", "FX6", 1),
    (4, "LNS-0001", "Mystery lens", "", "", 2),
    (5, "LNS-0002", "ARRI Alexa Mini LF", "ARRI", "Alexa Mini LF", 2),
]


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_gearroom_engine(empty_db_url)
    yield engine
    engine.dispose()


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO categories (id, name, name_key, prefix, fields, next_number,"
                " sort_order, created_at, updated_at) VALUES"
                " (1, 'Camera', 'camera', 'CAM', '[]', 4, 0, :now, :now),"
                " (2, 'Lens', 'lens', 'LNS', '[]', 3, 1, :now, :now)"
            ),
            {"now": NOW},
        )
        for aid, tag, name, make, model, cat in ASSETS:
            conn.execute(
                text(
                    "INSERT INTO assets (id, tag, name, make, model, serial, category_id,"
                    " status, notes, attributes, created_at, updated_at, search_text) VALUES"
                    " (:id, :tag, :name, :make, :model, :serial, :cat, 'available', 'keep me',"
                    " '{}', :now, :now, :search)"
                ),
                {
                    "id": aid,
                    "tag": tag,
                    "name": name,
                    "make": make,
                    "model": model,
                    "serial": f"SN-{aid}",
                    "cat": cat,
                    "now": NOW,
                    "search": tag.lower(),
                },
            )
            conn.execute(
                text("INSERT INTO tags (tag, kind, ref_id) VALUES (:t, 'asset', :i)"),
                {"t": tag, "i": aid},
            )


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_models_come_from_makes_and_models_and_every_asset_is_linked(engine, empty_db_url):
    upgrade_schema(engine, "0007")
    _seed(engine)
    upgrade_schema(engine, "0008")
    assert _revision(engine) == "0008"
    with engine.connect() as conn:
        models = conn.execute(
            text("SELECT category_id, name FROM product_models ORDER BY category_id, name")
        ).all()
        links = dict(conn.execute(text("SELECT tag, model_id FROM assets")).all())
        notes = set(conn.execute(text("SELECT notes FROM assets")).scalars())
    # "arri ALEXA  Mini LF" is the same model as "ARRI Alexa Mini LF" (case and spaces aside);
    # the same name in another category is another model; no make or model: the item's name.
    assert [tuple(m) for m in models] == [
        (1, "ARRI Alexa Mini LF"),
        (1, "Sony FX6"),
        (2, "ARRI Alexa Mini LF"),
        (2, "Mystery lens"),
    ]
    assert None not in links.values()
    assert links["CAM-0001"] == links["CAM-0002"] != links["LNS-0002"]
    assert notes == {"keep me"}

    db = open_database(empty_db_url)
    try:
        actor = Actor("office")
        with db.write() as s:
            assert catalog.get_asset(s, "CAM-0002").model == "ALEXA  Mini LF"
            productions.create_production(
                s,
                actor,
                "Nightfall",
                days=[ShootDayDraft(date(2026, 12, 2)), ShootDayDraft(date(2026, 12, 3))],
            )
            result = model_bookings.reserve_models(
                s, actor, "Nightfall", [("Camera/arri alexa mini lf", 2)], today=date(2026, 12, 1)
            )
            assert [ln.quantity for ln in result.booked] == [2]
        with db.read() as s:
            cam = product_models.model_by_key(s, "Camera/ARRI Alexa Mini LF")
            free = product_models.model_availability(
                s, [cam.id], date(2026, 12, 2), date(2026, 12, 3), today=date(2026, 12, 1)
            )[cam.id]
            assert [d.free for d in free.days] == [0, 0]
    finally:
        db.dispose()

    downgrade_schema(engine, "0007")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assets")).scalar_one() == len(ASSETS)
