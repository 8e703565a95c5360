"""A searchable list of records beside a detail area: the kits and stock tabs of the inventory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RECORD_ID_ROLE, RecordColumn, RecordTableModel

T = TypeVar("T")


class ItemTable(QTableView):
    """A read-only row table where Enter (and a double click) asks to edit the current row."""

    def __init__(self, on_edit: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.doubleClicked.connect(lambda _index: self._on_edit())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._on_edit()
            return
        super().keyPressEvent(event)


class RecordPanel(QWidget, Generic[T]):
    """Filter box, table of records and a detail area that subclasses fill."""

    noun = "records"

    def __init__(
        self,
        context: AppContext,
        columns: Sequence[RecordColumn[T]],
        record_id: Callable[[T], int],
        new_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.model: RecordTableModel[T] = RecordTableModel(columns, record_id, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(f"Filter {self.noun}  (Ctrl+F)")
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.new_button = QPushButton(new_text)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.new_button)

        self.table = ItemTable(self.edit_item)
        self.table.setModel(self.proxy)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(not any(c.stretch for c in columns))
        for col, column in enumerate(columns):
            self.table.setColumnWidth(col, column.width)
            if column.stretch:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.detail = QWidget()
        self.detail_layout = QVBoxLayout(self.detail)
        self.detail_layout.setContentsMargins(12, 8, 8, 8)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 440])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.search.textChanged.connect(self._filter)
        self.new_button.clicked.connect(self.new_item)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._current_changed())
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.search.clear)

    # ------------------------------------------------------------------ to override

    def load(self, session: Session) -> Sequence[T]:
        raise NotImplementedError

    def show_record(self, record: T | None) -> None:
        """Fill the detail area for ``record`` (None: nothing selected)."""

    def new_item(self) -> None:
        """Open the dialog that adds a record."""

    def edit_item(self) -> None:
        """Open the dialog that edits the current record."""

    # ------------------------------------------------------------------ behaviour

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self, select: int | None = None) -> None:
        """Read the records through the door; keep the selection (or select ``select``)."""
        keep = self.current_id() if select is None else select
        self.context.operations.read(
            self.load,
            on_done=lambda rows: self._listed(rows, keep),
            on_error=lambda exc: self.count.setText(str(exc)),
            description=f"Reading the {self.noun}",
        )

    def _listed(self, rows: Sequence[T], keep: int | None) -> None:
        self.model.set_records(rows)
        self._update_count()
        if keep is None or not self.select_id(keep):
            self.show_record(None)

    def current_record(self) -> T | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]).row())

    def current_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        value = rows[0].data(RECORD_ID_ROLE) if rows else None
        return int(value) if value is not None else None

    def select_id(self, record_id: int) -> bool:
        """Select the record (clearing the filter when it hides it); False if it is not listed."""
        row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{total} {self.noun}" if shown == total else f"{shown} of {total} {self.noun}"
        )

    def _current_changed(self) -> None:
        self.show_record(self.current_record())
