"""The demo rental house: big enough, realistic, nested, in history, refused twice, repeatable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from gearroom.db import Database, open_database
from gearroom.errors import ConflictError
from gearroom.models import (
    Asset,
    AssetStatus,
    Category,
    Event,
    Kit,
    Location,
    Person,
    PersonRole,
    Production,
    StockItem,
    Tag,
)
from gearroom.paths import demo_dir
from gearroom.services import asset_search, catalog, demo, history, kits, service_tickets, stock
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.catalog import AssetDraft

TODAY = date(2026, 6, 1)
ACTOR = Actor("tester", Role.ADMIN)


def _load(url: str) -> tuple[Database, demo.DemoSummary]:
    db = open_database(url)
    with db.write() as s:
        summary = demo.load_demo(s, ACTOR, files=demo_dir(), today=TODAY)
    return db, summary


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Any]]:
    """One demo house for the read-only checks of this module (SQLite)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db, summary = _load(f"sqlite:///{path}")
    yield db, summary
    db.dispose()


@pytest.fixture
def demo_db(loaded) -> Database:
    return loaded[0]


def _assets(db: Database) -> list[Any]:
    """Every asset as a plain row (tag, name, model, serial, category, dates, attributes)."""
    with db.read() as s:
        return list(
            s.execute(
                select(
                    Asset.tag,
                    Asset.name,
                    Asset.model,
                    Asset.serial,
                    Category.name.label("category"),
                    Asset.purchase_date,
                    Asset.purchase_value,
                    Asset.attributes,
                )
                .join(Category, Asset.category_id == Category.id)
                .order_by(Asset.tag)
            )
        )


def _fingerprint(db: Database) -> list[tuple[Any, ...]]:
    with db.read() as s:
        rows = s.execute(
            select(
                Asset.tag,
                Asset.serial,
                Asset.name,
                Asset.purchase_date,
                Asset.purchase_value,
                Asset.status,
            ).order_by(Asset.tag)
        ).all()
        attrs = [a for a in s.scalars(select(Asset.attributes).order_by(Asset.tag))]
        kit_rows = s.execute(select(Kit.tag, Kit.name).order_by(Kit.tag)).all()
        people_rows = s.execute(select(Person.badge, Person.name).order_by(Person.badge)).all()
    return [tuple(r) for r in rows] + attrs + [tuple(r) for r in kit_rows + people_rows]


def test_summary_matches_the_database(loaded):
    db, summary = loaded
    with db.read() as s:

        def count(model: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(model)))

        assert summary.assets == count(Asset) >= 300
        assert summary.stock_items == count(StockItem) >= 20
        assert summary.kits == count(Kit) >= 12
        assert summary.people == count(Person) >= 20
        assert summary.locations == count(Location) >= 20
        statuses = asset_search.count_assets_by_status(s)
    assert summary.in_service == statuses[AssetStatus.IN_SERVICE] >= 1
    assert summary.retired == statuses[AssetStatus.RETIRED] >= 1
    text = summary.describe()
    for number in (summary.assets, summary.stock_items, summary.kits, summary.people):
        assert str(number) in text


def test_every_category_has_gear(demo_db):
    with demo_db.read() as s:
        all_categories = set(s.scalars(select(Category.name)))
        used = set(s.scalars(select(Category.name).join(Asset, Asset.category_id == Category.id)))
    assert len(all_categories) >= 12
    assert used == all_categories


def test_the_well_known_gear_is_there(demo_db):
    names = Counter(a.name for a in _assets(demo_db))
    for expected in (
        "RED V-Raptor 8K VV",
        "ARRI Alexa 35",
        "ARRI Alexa Mini LF",
        "Sony Venice 2 8K",
        "Canon EOS C300 Mark III",
        "Angénieux Optimo 24-290 T2.8",
        "Angénieux Optimo 15-40 T2.6",
        "Angénieux Optimo 28-76 T2.6",
        "ARRI SkyPanel S360-C",
        "Aputure LS 600d Pro",
        "Aputure Nova P600c",
        "Creamsource Vortex8",
        "DJI Inspire 3",
        "DJI Mavic 3 Cine",
        "Teradek Bolt 6 XT 1500 Transmitter",
        "SmallHD Cine 7",
        "Easyrig Vario 5 with Flex Vest",
        "O'Connor 2575D Fluid Head",
    ):
        assert names[expected] >= 1, expected
    assert names["Sony FX6 (ILME-FX6V)"] == 4
    assert names["ARRI SkyPanel S60-C"] == 6
    assert names["DJI TB51 Intelligent Battery"] >= 4
    vespid = [a for a in _assets(demo_db) if a.name.startswith("DZO Vespid Prime")]
    assert sorted(int(a.attributes["focal_length"]) for a in vespid) == [
        16,
        21,
        25,
        35,
        40,
        50,
        75,
        100,
        125,
    ]


def test_tags_and_serials_are_unique_and_registered(demo_db):
    assets = _assets(demo_db)
    tags = [a.tag for a in assets]
    serials = [a.serial for a in assets]
    assert len(set(tags)) == len(tags)
    assert all(serials) and len(set(serials)) == len(serials)
    with demo_db.read() as s:
        registered = int(s.scalar(select(func.count()).select_from(Tag)))
        owners = sum(
            int(s.scalar(select(func.count()).select_from(m)))
            for m in (Asset, StockItem, Kit, Person, Location, Production)
        )
    assert registered == owners


def test_category_fields_are_filled_with_plausible_values(demo_db):
    for a in _assets(demo_db):
        category = a.category
        if category == "Lens":
            assert a.attributes["mount"] in {"PL", "LPL", "E", "RF", "EF"}, a.tag
            assert a.attributes["focal_length"], a.tag
            assert 0.7 <= a.attributes["max_aperture"] <= 22, a.tag
        elif category == "Camera":
            assert a.attributes["mount"] in {"PL", "LPL", "E", "RF", "EF"}, a.tag
            assert isinstance(a.attributes["sensor_hours"], int), a.tag
            assert a.attributes["firmware"], a.tag
        elif category == "Lighting":
            assert a.attributes["power_w"] > 0, a.tag
        elif category == "Drone" and a.model in ("Inspire 3", "Mavic 3 Cine"):
            assert a.attributes["registration"].startswith("FA3"), a.tag
            assert len(a.attributes["registration"]) == 10, a.tag
            assert a.attributes["remote_id"].startswith("1581"), a.tag
            assert a.attributes["battery_cycles"] >= 0, a.tag
        elif category == "Drone" and "TB51" in a.name:
            assert "battery_cycles" in a.attributes, a.tag


def test_purchases_span_the_last_six_years_at_sensible_prices(demo_db):
    assets = _assets(demo_db)
    oldest = TODAY - timedelta(days=round(6 * 365.25))
    for a in assets:
        assert a.purchase_date is not None and oldest <= a.purchase_date < TODAY, a.tag
        assert a.purchase_value is not None and a.purchase_value > 0, a.tag
    years = {a.purchase_date.year for a in assets if a.purchase_date}
    assert len(years) >= 5
    by_name = {a.name: a.purchase_value for a in assets}
    assert Decimal(80_000) <= by_name["ARRI Alexa 35"] <= Decimal(100_000)
    assert Decimal(1_000) <= by_name["DZO Vespid Prime 50mm T2.1"] <= Decimal(2_000)
    assert Decimal(20) <= by_name["Aputure MC RGBWW"] <= Decimal(200)
    # nothing was bought before it came out
    alexa35 = [a for a in assets if a.name == "ARRI Alexa 35"]
    assert all(a.purchase_date and a.purchase_date >= date(2022, 9, 1) for a in alexa35)


def test_kits_nest_and_hold_stock(demo_db):
    with demo_db.read() as s:
        summaries = {k.name: k for k in kits.list_kits(s)}
        raptor = kits.get_kit(s, summaries["RED V-Raptor Camera Package"].tag)
        alexa = kits.get_kit(s, summaries["ARRI Alexa 35 Camera Package"].tag)
        drone = kits.get_kit(s, summaries["DJI Inspire 3 Drone Kit"].tag)
        stock_names = {i.tag: i.name for i in stock.list_stock_items(s)}
    assert [k.name for k in raptor.kits] == ["DZO Vespid Prime Case"]
    assert len(raptor.kits[0].assets) == 9
    everything = {m.name for m in raptor.all_assets()}
    assert "RED V-Raptor 8K VV" in everything
    assert "DZO Vespid Prime 125mm T2.1" in everything
    assert len(raptor.all_assets()) == len(raptor.assets) + 9
    assert {stock_names[t]: q for t, q in raptor.all_stock().items()}["V-Mount Battery 98Wh"] > 0
    assert [k.name for k in alexa.kits] == ["Cooke S4/i Lens Case"]
    assert sum("TB51" in m.name for m in drone.assets) == 4
    assert drone.stock
    nested = [k for k in summaries.values() if k.parent_tag]
    assert len(nested) >= 3
    assert len(summaries) >= 12


def test_every_item_has_exactly_one_creation_in_history(demo_db):
    with demo_db.read() as s:
        creations = Counter(
            (kind, entity_id)
            for kind, entity_id in s.execute(
                select(Event.entity_kind, Event.entity_id).where(Event.action == "create")
            )
        )
        asset_ids = set(s.scalars(select(Asset.id)))
        kinds = Counter(kind for kind, _ in creations)
        assert {i for k, i in creations if k == "asset"} == asset_ids
        assert all(n == 1 for n in creations.values())
        assert kinds["stock"] == s.scalar(select(func.count()).select_from(StockItem))
        assert kinds["kit"] == s.scalar(select(func.count()).select_from(Kit))
        assert kinds["person"] == s.scalar(select(func.count()).select_from(Person))
        assert history.verify_chain(s).ok


def test_some_gear_is_in_service_or_retired_with_a_reason(demo_db):
    with demo_db.read() as s:
        bench = asset_search.list_assets(s, asset_search.AssetQuery(status=AssetStatus.IN_SERVICE))
        retired = asset_search.list_assets(s, asset_search.AssetQuery(status=AssetStatus.RETIRED))
        assert bench and retired
        ticketed = {t.tag for t in service_tickets.list_open_tickets(s)}
        # on the bench by hand (with a reason), or back damaged from a job (with a ticket)
        assert ticketed
        by_hand = [r for r in bench if r.tag not in ticketed]
        assert by_hand and all(r.location == "Service Bench" for r in by_hand)
        for row in by_hand + retired:
            latest = history.events_for_tag(s, row.tag)[0]
            assert latest.after is not None and latest.after["reason"], row.tag
        # a retired item is never packed in a kit
        assert all(catalog.get_asset(s, r.tag).kit_tag is None for r in retired)


def test_people_are_crew_clients_and_staff(demo_db):
    with demo_db.read() as s:
        roles = Counter(s.scalars(select(Person.role)))
        companies = set(s.scalars(select(Person.company).where(Person.role == PersonRole.CLIENT)))
    assert roles[PersonRole.CREW] >= 10
    assert roles[PersonRole.CLIENT] >= 4
    assert roles[PersonRole.STAFF] >= 1
    assert "" not in companies and len(companies) >= 3


def test_every_production_bills_a_client_company(demo_db):
    from gearroom.models import Client, Production

    with demo_db.read() as s:
        billed = s.execute(
            select(Production.client, Client.name, Client.default_discount).join(
                Client, Production.client_id == Client.id, isouter=True
            )
        ).all()
    assert billed and all(name == client for client, name, _ in billed)
    assert any(discount == Decimal("10") for *_, discount in billed)


def test_a_second_load_is_refused_and_changes_nothing(demo_db):
    before = _fingerprint(demo_db)
    with demo_db.read() as s:
        events = history.newest_event_id(s)
    with pytest.raises(ConflictError, match="not empty"), demo_db.write() as s:
        demo.load_demo(s, ACTOR, files=demo_dir(), today=TODAY)
    assert _fingerprint(demo_db) == before
    with demo_db.read() as s:
        assert history.newest_event_id(s) == events


def test_one_asset_is_enough_to_refuse(catalog_db, actor):
    with catalog_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft("Sony FX6", "Camera"))
    with pytest.raises(ConflictError, match=r"1 assets.*--db"), catalog_db.write() as s:
        demo.load_demo(s, actor, files=demo_dir())
    with catalog_db.read() as s:
        assert len(asset_search.list_assets(s)) == 1
        assert len(catalog.list_locations(s)) == 2


def test_only_catalog_editors_may_load_it(database):
    with pytest.raises(PermissionDenied), database.write() as s:
        demo.load_demo(s, Actor("ana", Role.ASSISTANT), files=demo_dir())
    with database.read() as s:
        assert demo.is_catalog_empty(s)
        assert catalog.list_categories(s) == []


def test_same_house_every_time(loaded, tmp_path: Path):
    db, _ = _load(f"sqlite:///{tmp_path / 'again.sqlite3'}")
    try:
        assert _fingerprint(db) == _fingerprint(loaded[0])
    finally:
        db.dispose()


def test_loads_on_every_engine_into_a_house_with_shelves(catalog_db, actor, loaded):
    """Locations named like the demo's are reused, and the result is the same house."""
    with catalog_db.write() as s:
        summary = demo.load_demo(s, actor, files=demo_dir(), today=TODAY)
    assert summary == loaded[1]
    with catalog_db.read() as s:
        assert not demo.is_catalog_empty(s)
        shelf = next(loc for loc in catalog.list_locations(s) if loc.name == "Shelf A1")
        assert shelf.tag == "LOC-0001"  # the house's own, not a second "Shelf A1"
        assert asset_search.list_assets(s, asset_search.AssetQuery(location_id=shelf.id))
    assert _fingerprint(catalog_db) == _fingerprint(loaded[0])


def test_the_demo_books_by_model_and_has_a_draft_check_out_in_progress(database, actor):
    from gearroom.services import drafts, picklist, product_models
    from gearroom.services.demo import load_demo
    from gearroom.services.model_bookings import model_lines
    from gearroom.services.productions import production_by_key

    with database.write() as s:
        load_demo(s, actor, files=demo_dir())
    with database.read() as s:
        promo = production_by_key(s, "Morning Show Promo")
        (line,) = model_lines(s, promo.id)
        assert line.quantity == 2
        assert product_models.model_by_key(s, f"{line.category}/{line.model}").id == line.model_id
        (draft,) = drafts.list_drafts(s)
        assert draft.production == "Morning Show Promo" and len(draft.lines) == 3
        assert draft.custodian == "Luis Ortega"
        pick = picklist.build_picklist(s, "Morning Show Promo")
        assert 0 < pick.picked < pick.wanted
        assert model_lines(s, production_by_key(s, "Salt Flats").id)
