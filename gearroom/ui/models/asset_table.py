"""The inventory table: holds the ids of the matching assets and loads rows in blocks.

Like Anki's browser table, the model never holds every row. A search gives the list of ids
(cheap even for 50,000 assets); a row is fetched the first time the view asks for it, together
with the rest of its block, and kept in a cache until the next search or refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from gearroom.services import catalog
from gearroom.services.catalog import AssetQuery, AssetRow
from gearroom.ui.context import AppContext
from gearroom.ui.models.status import status_icon, status_label, status_text_color

Index = QModelIndex | QPersistentModelIndex

ASSET_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    visible: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("tag", "Tag", 96),
    Column("name", "Name", 300),
    Column("category", "Category", 120),
    Column("status", "Status", 110),
    Column("location", "Location", 140),
    Column("make", "Make", 120, visible=False),
    Column("model", "Model", 140, visible=False),
    Column("serial", "Serial", 130, visible=False),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class AssetTableModel(QAbstractTableModel):
    """Assets matching an :class:`AssetQuery`, loaded lazily ``block_size`` rows at a time."""

    def __init__(
        self,
        context: AppContext,
        block_size: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.block_size = block_size
        self._query = AssetQuery(include_retired=False)
        self._ids: list[int] = []
        self._rows: dict[int, AssetRow] = {}
        self._row_of: dict[int, int] | None = None
        #: How many blocks were fetched since the last search (for tests and diagnostics).
        self.blocks_fetched = 0

    # ------------------------------------------------------------------ searching

    @property
    def query(self) -> AssetQuery:
        return self._query

    def search(self, query: AssetQuery) -> None:
        """Show the assets matching ``query`` (keeps nothing from the previous search)."""
        ids = self._fetch_ids(query)
        self.beginResetModel()
        self._query = query
        self._ids = ids
        self._rows = {}
        self._row_of = None
        self.blocks_fetched = 0
        self.endResetModel()

    def reload(self) -> None:
        """Search again with the same query (data changed)."""
        self.search(self._query)

    def _fetch_ids(self, query: AssetQuery) -> list[int]:
        return self._context.query(lambda s: catalog.find_asset_ids(s, query))

    # ------------------------------------------------------------------ ids and rows

    def ids(self) -> Sequence[int]:
        return self._ids

    def asset_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, asset_id: int) -> int | None:
        """The row showing ``asset_id``, or None when the current search leaves it out."""
        if self._row_of is None:
            self._row_of = {aid: row for row, aid in enumerate(self._ids)}
        return self._row_of.get(asset_id)

    def row_data(self, row: int) -> AssetRow | None:
        """The asset shown on ``row``, fetching its block if needed."""
        asset_id = self.asset_id(row)
        if asset_id is None:
            return None
        cached = self._rows.get(asset_id)
        if cached is None:
            self._load_block(row)
            cached = self._rows.get(asset_id)
        return cached

    @property
    def rows_loaded(self) -> int:
        return len(self._rows)

    def _load_block(self, row: int) -> None:
        start = row - row % self.block_size
        block = self._ids[start : start + self.block_size]
        result = self._context.query(lambda s: catalog.asset_rows(s, block))
        self.blocks_fetched += 1
        for item in result:
            self._rows[item.id] = item

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == ASSET_ID_ROLE:
            return self.asset_id(index.row())
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.DecorationRole,
        ):
            return None
        row = self.row_data(index.row())
        key = COLUMN_KEYS[index.column()]
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and key == "tag" else None
        if key == "status":
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(row.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_text_color(row.status)
            return status_label(row.status)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(getattr(row, key))
        return None
