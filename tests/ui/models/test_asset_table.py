from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import insert, select

from gearroom.models import Asset, AssetStatus, Category
from gearroom.services.catalog import AssetQuery
from gearroom.ui.models.asset_table import ASSET_ID_ROLE, COLUMN_KEYS, AssetTableModel
from gearroom.ui.models.status import STATUS_STYLES

N = 3000


def _bulk_assets(context, n=N):
    """Thousands of rows straight into the table (the services' speed is not under test)."""
    with context.database.write() as s:
        lens = s.scalar(select(Category.id).where(Category.name == "Lens"))
        s.execute(
            insert(Asset),
            [
                {
                    "tag": f"LNS-{i:05d}",
                    "name": f"Prime {i}mm",
                    "make": "Cooke" if i % 2 else "Zeiss",
                    "model": "S4/i",
                    "serial": f"SN{i:06d}",
                    "category_id": lens,
                    "status": AssetStatus.IN_SERVICE if i % 7 == 0 else AssetStatus.AVAILABLE,
                    "attributes": {},
                }
                for i in range(n)
            ],
        )


def _col(key):
    return COLUMN_KEYS.index(key)


def test_holds_ids_and_loads_only_the_block_it_shows(context):
    _bulk_assets(context)
    model = AssetTableModel(context, block_size=200)
    model.search(AssetQuery())
    assert model.rowCount() == N
    assert model.blocks_fetched == 0 and model.rows_loaded == 0

    assert model.data(model.index(2500, _col("tag"))) == "LNS-02500"
    assert model.data(model.index(2500, _col("name"))) == "Prime 2500mm"
    assert model.data(model.index(2500, _col("serial"))) == "SN002500"
    assert model.blocks_fetched == 1
    assert model.rows_loaded == 200

    # The rest of the block comes from the cache; another block is one more fetch.
    assert model.data(model.index(2599, _col("tag"))) == "LNS-02599"
    assert model.blocks_fetched == 1
    assert model.data(model.index(10, _col("make"))) == "Zeiss"
    assert model.blocks_fetched == 2 and model.rows_loaded == 400


def test_search_narrows_the_ids_and_empties_the_cache(context):
    _bulk_assets(context, 500)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    model.data(model.index(0, 0))
    model.search(AssetQuery(text="sn00012"))
    assert model.rowCount() == 10  # SN000120..SN000129
    assert model.rows_loaded == 0
    tags = {model.data(model.index(r, _col("tag"))) for r in range(model.rowCount())}
    assert tags == {f"LNS-{i:05d}" for i in range(120, 130)}


def test_status_reads_as_a_label_with_its_colour(context):
    _bulk_assets(context, 20)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    index = model.index(7, _col("status"))
    assert model.data(index) == "In service"
    color = model.data(index, Qt.ItemDataRole.ForegroundRole)
    assert color.name() == STATUS_STYLES[AssetStatus.IN_SERVICE].text
    assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(model.index(1, _col("status"))) == "Available"


def test_row_of_finds_an_asset_and_ids_role_names_it(context):
    _bulk_assets(context, 300)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    asset_id = model.data(model.index(250, 0), ASSET_ID_ROLE)
    assert model.row_of(asset_id) == 250
    model.search(AssetQuery(text="LNS-00001"))
    assert model.row_of(asset_id) is None
