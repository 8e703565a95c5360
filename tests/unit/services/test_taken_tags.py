"""A tag in use anywhere is refused with a clear ConflictError, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError
from gearroom.models import Event
from gearroom.services import catalog, kits, stock
from gearroom.services.catalog import AssetDraft


def _events(db):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Event))


@pytest.fixture
def taken(catalog_db, actor):
    with catalog_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft(name="Sony FX6", category="Camera"))
        catalog.create_asset(s, actor, AssetDraft(name="Sony FX3", category="Camera"))
    return catalog_db


@pytest.mark.parametrize(
    "write",
    [
        lambda s, a: catalog.create_asset(
            s, a, AssetDraft(name="X", category="Camera", tag="cam-0001")
        ),
        lambda s, a: catalog.update_asset(s, a, "CAM-0002", {"tag": "CAM-0001"}),
        lambda s, a: stock.create_stock_item(s, a, "SDI cable", "Grip", 4, tag="CAM-0001"),
        lambda s, a: kits.create_kit(s, a, "Case", tag="CAM-0001"),
    ],
    ids=["new asset", "asset renamed", "new stock item", "new kit"],
)
def test_taken_tag_is_a_conflict_and_writes_nothing(taken, actor, write):
    before = _events(taken)
    match = "CAM-0001 is already used by asset CAM-0001"
    with pytest.raises(ConflictError, match=match), taken.write() as s:
        write(s, actor)
    assert _events(taken) == before
    with taken.read() as s:
        assert catalog.get_asset(s, "CAM-0002").name == "Sony FX3"


def test_stock_item_renamed_to_a_taken_tag(taken, actor):
    with taken.write() as s:
        item = stock.create_stock_item(s, actor, "SDI cable", "Grip", 4)
    with pytest.raises(ConflictError), taken.write() as s:
        stock.update_stock_item(s, actor, item.tag, {"tag": "CAM-0002"})
    with taken.read() as s:
        assert stock.get_stock_item(s, item.tag).name == "SDI cable"
