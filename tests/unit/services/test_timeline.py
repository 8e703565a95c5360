"""The availability chart's rows: booked assets, stock and models, with a bar per production."""

from __future__ import annotations

from datetime import date, timedelta

from gearroom.db import Database
from gearroom.services import catalog, model_bookings, productions, reservations
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.services.timeline import BarKind, timeline

LF = "ARRI Alexa Mini LF"
START = date(2026, 12, 7)


def _house(db: Database, actor: Actor) -> str:
    with db.write() as s:
        for n in range(3):
            catalog.create_asset(
                s,
                actor,
                AssetDraft(name=f"LF {n}", category="Camera", make="ARRI", model="Alexa Mini LF"),
            )
        lens = catalog.create_asset(s, actor, AssetDraft(name="Prime 40", category="Lens")).tag
        for name, first in (("Nightfall", 0), ("Daybreak", 5)):
            days = [ShootDayDraft(START + timedelta(days=first + n)) for n in range(3)]
            productions.create_production(s, actor, name, days=days)
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)])
        model_bookings.reserve_models(s, actor, "Daybreak", [(LF, 1)])
        reservations.reserve(s, actor, "Nightfall", [lens])
    return lens


def test_a_model_booking_is_a_row_with_a_bar_per_production(
    catalog_db: Database, actor: Actor
) -> None:
    lens = _house(catalog_db, actor)
    with catalog_db.read() as s:
        chart = timeline(s, START, START + timedelta(days=13), today=START)
    rows = {(r.item_kind, r.name): r for r in chart.rows}
    model = rows[("model", LF)]
    assert model.tag == "Model"
    assert [(b.production, b.start, b.end, b.quantity, b.kind) for b in model.bars] == [
        ("Nightfall", START, START + timedelta(days=2), 2, BarKind.RESERVED),
        ("Daybreak", START + timedelta(days=5), START + timedelta(days=7), 1, BarKind.RESERVED),
    ]
    assert [r.tag for r in chart.rows if r.item_kind == "asset"] == [lens]


def test_a_production_s_chart_has_its_models_and_only_what_is_asked(
    catalog_db: Database, actor: Actor
) -> None:
    _house(catalog_db, actor)
    with catalog_db.read() as s:
        nightfall = productions.get_production(s, "Nightfall")
        lines = model_bookings.model_lines(s, nightfall.id)
        end = START + timedelta(days=13)
        mine = timeline(s, START, end, model_ids=[ln.model_id for ln in lines], today=START)
        assets_only = timeline(s, START, end, asset_ids=[], today=START)
        later = timeline(s, START + timedelta(days=9), end, today=START)
    assert [(r.item_kind, r.name) for r in mine.rows] == [("model", LF)]
    assert [b.production for b in mine.rows[0].bars] == ["Nightfall", "Daybreak"]
    assert assets_only.rows == ()
    assert later.rows == ()  # nothing booked in those days
