from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert, select

from gearroom.models import Asset, AssetStatus, Category
from gearroom.services.asset_search import AssetQuery
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


def _shown(qtbot, model, row, key, role=Qt.ItemDataRole.DisplayRole):
    """What the view gets for a cell once its block has arrived through the door."""
    index = model.index(row, _col(key))
    model.data(index)  # asks for the block; data() itself never reads
    qtbot.waitUntil(lambda: model.asset_id(row) in model._rows, timeout=5000)
    return model.data(index, role)


def test_holds_ids_and_loads_only_the_block_it_shows(qtbot, context):
    _bulk_assets(context)
    model = AssetTableModel(context, block_size=200)
    model.search(AssetQuery())
    assert model.rowCount() == N
    assert model.blocks_fetched == 0 and model.rows_loaded == 0

    assert _shown(qtbot, model, 2500, "tag") == "LNS-02500"
    assert model.data(model.index(2500, _col("name"))) == "Prime 2500mm"
    assert model.data(model.index(2500, _col("serial"))) == "SN002500"
    assert model.blocks_fetched == 1
    assert model.rows_loaded == 200

    # The rest of the block comes from the cache; another block is one more fetch.
    assert model.data(model.index(2599, _col("tag"))) == "LNS-02599"
    assert model.blocks_fetched == 1
    assert _shown(qtbot, model, 10, "make") == "Zeiss"
    assert model.blocks_fetched == 2 and model.rows_loaded == 400


def test_search_narrows_the_ids_and_empties_the_cache(qtbot, context):
    _bulk_assets(context, 500)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    model.data(model.index(0, 0))
    model.search(AssetQuery(text="sn00012"))
    assert model.rowCount() == 10  # SN000120..SN000129
    assert model.rows_loaded == 0
    _shown(qtbot, model, 0, "tag")
    tags = {model.data(model.index(r, _col("tag"))) for r in range(model.rowCount())}
    assert tags == {f"LNS-{i:05d}" for i in range(120, 130)}


def test_status_reads_as_a_label_with_its_colour(qtbot, context):
    _bulk_assets(context, 20)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    index = model.index(7, _col("status"))
    assert _shown(qtbot, model, 7, "status") == "In service"
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


@pytest.mark.sqlite_only
def test_data_never_reads_and_a_lost_connection_shows_placeholders_and_the_banner(
    qtbot, context, catalog_db
):
    _bulk_assets(context, 30)
    model = AssetTableModel(context, block_size=10)
    model.search(AssetQuery())
    reads = []
    # The database's file goes away (a share unmounted): no connection can be opened.
    folder = catalog_db.path.parent
    gone = folder.with_name(folder.name + "-gone")
    catalog_db.engine.dispose()
    folder.rename(gone)
    try:
        with qtbot.waitSignal(context.connection_lost, timeout=5000) as lost:
            for row in range(4):
                for col in range(len(COLUMN_KEYS)):
                    reads.append(model.data(model.index(row, col)))  # never raises
        assert lost.args[0].startswith("The database file")
        qtbot.waitUntil(lambda: model.unreachable, timeout=5000)
        assert model.blocks_fetched == 0 and model.rows_loaded == 0
        tag = model.index(2, _col("tag"))
        assert model.data(tag) == "…"
        assert "does not answer" in model.data(tag, Qt.ItemDataRole.ToolTipRole)
        assert model.data(model.index(2, _col("name"))) is None
        assert not context.connected
    finally:
        gone.rename(folder)
    assert reads[0] == "…"  # data() answered at once, from what it holds
    # Back again: the banner's check finds the database, and the blocks are read again.
    with qtbot.waitSignal(context.connection_restored, timeout=5000):
        assert context.check_connection()
    qtbot.waitUntil(lambda: model.data(model.index(2, _col("tag"))) == "LNS-00002", timeout=5000)
    assert not model.unreachable


def test_changed_rows_are_marked_stale_not_reset(qtbot, context):
    _bulk_assets(context, 50)
    model = AssetTableModel(context)
    model.search(AssetQuery())
    _shown(qtbot, model, 3, "status")
    resets, changed = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    with context.database.write() as s:
        asset = s.get(Asset, model.asset_id(3))
        asset.status = AssetStatus.OUT
    model.reload()  # the same ids match: rows are stale, no reset
    assert resets == [] and changed == [(0, 49)]
    assert model.data(model.index(3, _col("status"))) == "Available"  # until read again
    qtbot.waitUntil(lambda: model.data(model.index(3, _col("status"))) == "Out", timeout=5000)
    assert resets == []
