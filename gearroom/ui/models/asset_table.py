"""The inventory table: holds the ids of the matching assets and loads rows in blocks.

Like Anki's browser table, the model never holds every row. A search gives the list of ids
(cheap even for 50,000 assets); a row is fetched the first time the view asks for it, together
with the rest of its block, and kept in a cache until the next search.

:meth:`AssetTableModel.data` never touches the database: a row not loaded yet shows a
placeholder and asks for its block, which is read through the operation door (off the UI
thread) and announced with ``dataChanged`` when it arrives. When the data changes but the
matching ids do not, the cached rows are marked stale rather than the model reset: they keep
showing until their block is read again. A block that cannot be read (the connection is lost)
keeps its placeholders; the door announces the loss for the banner, and the blocks are asked
for again once the database answers.
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
    QTimer,
)

from gearroom.errors import GearroomError
from gearroom.services import asset_search
from gearroom.services.asset_search import AssetQuery, AssetRow
from gearroom.ui.context import AppContext
from gearroom.ui.models.status import status_icon, status_label, status_text_color

Index = QModelIndex | QPersistentModelIndex

ASSET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: What a cell shows while its row is being read (or cannot be read).
PLACEHOLDER = "…"
UNREACHABLE_TIP = "Not loaded: the database does not answer. Gearroom keeps trying."


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
        #: Ids whose cached row is out of date (shown until their block is read again).
        self._stale: set[int] = set()
        #: Block starts asked for and not read yet; blocks that could not be read.
        self._wanted: set[int] = set()
        self._in_flight: set[int] = set()
        self._failed: set[int] = set()
        #: Changes with every search: blocks of an older search are dropped when they arrive.
        self._generation = 0
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self.fetch_wanted)
        context.connection_restored.connect(self._retry_failed)
        #: How many blocks were fetched since the last search (for tests and diagnostics).
        self.blocks_fetched = 0
        #: How many searches ran (ids read again), for tests and diagnostics.
        self.searches = 0

    # ------------------------------------------------------------------ searching

    @property
    def query(self) -> AssetQuery:
        return self._query

    def search(self, query: AssetQuery) -> None:
        """Show the assets matching ``query`` (keeps nothing from the previous search)."""
        ids = self._fetch_ids(query)
        self.beginResetModel()
        self._query = query
        self._set_ids(ids)
        self._rows = {}
        self._stale = set()
        self.blocks_fetched = 0
        self.endResetModel()

    def reload(self) -> None:
        """Data changed: search again; when the same ids match, mark the rows stale instead of
        resetting the model (the view keeps its selection and scroll position)."""
        ids = self._fetch_ids(self._query)
        if ids != self._ids:
            self.beginResetModel()
            self._set_ids(ids)
            self._rows = {aid: row for aid, row in self._rows.items() if aid in set(ids)}
            self._stale = set(self._rows)
            self.endResetModel()
            return
        self.mark_stale()

    def mark_stale(self, ids: Sequence[int] | None = None) -> None:
        """The rows of ``ids`` (default: every loaded row) are out of date: read them again
        when they are next shown."""
        stale = set(self._rows) if ids is None else set(ids) & set(self._rows)
        self._stale |= stale
        rows = [r for r in (self.row_of(i) for i in stale) if r is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def _set_ids(self, ids: list[int]) -> None:
        self._ids = ids
        self._row_of = None
        self._generation += 1
        self._wanted.clear()
        self._in_flight.clear()
        self._failed.clear()

    def _fetch_ids(self, query: AssetQuery) -> list[int]:
        self.searches += 1
        return self._context.query(lambda s: asset_search.find_asset_ids(s, query))

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
        """The asset shown on ``row``, reading its block now if needed (not for Qt's calls:
        the view gets rows through :meth:`data`, which never waits for the database)."""
        asset_id = self.asset_id(row)
        if asset_id is None:
            return None
        if asset_id not in self._rows or asset_id in self._stale:
            start = self._block_start(row)
            try:
                rows = self._context.query(lambda s: asset_search.asset_rows(s, self._block(start)))
            except GearroomError:
                return self._rows.get(asset_id)
            self._store(start, rows)
        return self._rows.get(asset_id)

    @property
    def rows_loaded(self) -> int:
        return len(self._rows)

    @property
    def unreachable(self) -> bool:
        """Whether some block could not be read (the connection was lost)."""
        return bool(self._failed)

    def _block_start(self, row: int) -> int:
        return row - row % self.block_size

    def _block(self, start: int) -> list[int]:
        return self._ids[start : start + self.block_size]

    def _want(self, row: int) -> None:
        start = self._block_start(row)
        if start in self._in_flight or start in self._failed or start in self._wanted:
            return
        self._wanted.add(start)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def fetch_wanted(self) -> None:
        """Read the blocks the view asked for, through the door (one operation per block)."""
        self._fetch_timer.stop()
        wanted, self._wanted = sorted(self._wanted), set()
        generation = self._generation
        for start in wanted:
            block = self._block(start)
            if not block:
                continue
            self._in_flight.add(start)
            self._read_block(generation, start, block)

    def _read_block(self, generation: int, start: int, block: list[int]) -> None:
        def arrived(rows: list[AssetRow]) -> None:
            self._arrived(generation, start, rows)

        def unreadable(_error: GearroomError) -> None:
            self._unreadable(generation, start)

        self._context.operations.read(
            lambda s: asset_search.asset_rows(s, block),
            on_done=arrived,
            on_error=unreadable,
            description="Reading the inventory",
        )

    def _arrived(self, generation: int, start: int, rows: list[AssetRow]) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(start)
        self._store(start, rows)
        last = min(start + self.block_size, len(self._ids)) - 1
        if last >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(last, len(COLUMNS) - 1))

    def _store(self, start: int, rows: list[AssetRow]) -> None:
        self.blocks_fetched += 1
        self._failed.discard(start)
        self._stale.difference_update(self._block(start))
        for item in rows:
            self._rows[item.id] = item

    def _unreadable(self, generation: int, start: int) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(start)
        self._failed.add(start)
        last = min(start + self.block_size, len(self._ids)) - 1
        if last >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(last, len(COLUMNS) - 1))

    def _retry_failed(self) -> None:
        """The database answers again: ask for the blocks that could not be read."""
        failed, self._failed = sorted(self._failed), set()
        for start in failed:
            self._want(start)

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
        asset_id = self.asset_id(index.row())
        row = self._rows.get(asset_id) if asset_id is not None else None
        if row is None or asset_id in self._stale:
            self._want(index.row())  # read later, off the UI thread: never here
        key = COLUMN_KEYS[index.column()]
        if row is None:
            if (
                role == Qt.ItemDataRole.ToolTipRole
                and self._block_start(index.row()) in self._failed
            ):
                return UNREACHABLE_TIP
            return PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole and key == "tag" else None
        if key == "status":
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(row.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_text_color(row.status)
            return status_label(row.status)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(getattr(row, key))
        return None
