"""UI fixtures: an AppContext over a fresh catalog, and quick ways to add gear."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from gearroom.config import Settings
from gearroom.db import Database
from gearroom.models import Event
from gearroom.services import catalog, kits, stock
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, AssetView
from gearroom.ui.context import AppContext
from gearroom.ui.operations import Operations


@pytest.fixture(autouse=True)
def _synchronous_operations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operation door runs its work inline in UI tests (tests of the threaded path opt out
    per door with ``context.operations.inline = False``)."""
    monkeypatch.setattr(Operations, "synchronous", True)


@pytest.fixture
def context(catalog_db: Database, actor: Actor, qtbot: Any) -> AppContext:
    """The app's shared state over a catalog with standard categories and two locations."""
    return AppContext(catalog_db, Settings(), actor)


@pytest.fixture
def add_asset(context: AppContext) -> Callable[..., AssetView]:
    """Add an asset through the service (defaults: a camera on Shelf A1)."""

    def add(**fields: Any) -> AssetView:
        draft = AssetDraft(**{"name": "Sony FX6", "category": "Camera", **fields})
        return context.perform(lambda s, a: catalog.create_asset(s, a, draft), "asset")

    return add


@pytest.fixture
def event_count(context: AppContext) -> Callable[[], int]:
    def count() -> int:
        return int(context.query(lambda s: s.scalar(select(func.count()).select_from(Event))))

    return count


@pytest.fixture
def small_catalog(context: AppContext, add_asset: Callable[..., AssetView]) -> dict[str, Any]:
    """A few cameras and lenses, a kit and a stock item."""
    alexa = add_asset(
        name="ARRI Alexa Mini LF",
        make="ARRI",
        model="Alexa Mini LF",
        serial="AML-2201",
        location="Shelf A1",
        attributes={"mount": "LPL", "sensor_hours": "1200"},
    )
    fx6 = add_asset(name="Sony FX6", make="Sony", model="ILME-FX6", serial="FX6-9910")
    vespid = add_asset(
        name="DZO Vespid 50mm T2.1",
        category="Lens",
        make="DZOFilm",
        serial="VSP-050",
        location="Prep Bay 1",
        attributes={"mount": "PL", "focal_length": "50"},
    )
    vespid75 = add_asset(name="DZO Vespid 75mm T2.1", category="Lens", make="DZOFilm")
    context.perform(
        lambda s, a: catalog.set_status(s, a, fx6.tag, "in_service", "sensor clean"), "asset"
    )
    kit = context.perform(lambda s, a: kits.create_kit(s, a, "Vespid lens case"), "kit")
    context.perform(lambda s, a: kits.add_to_kit(s, a, kit.tag, vespid.tag), "kit")
    battery = context.perform(
        lambda s, a: stock.create_stock_item(s, a, "V-mount battery 150Wh", "Power", 12),
        "stock",
    )
    return {
        "alexa": alexa,
        "fx6": fx6,
        "vespid": vespid,
        "vespid75": vespid75,
        "kit": kit,
        "battery": battery,
    }
