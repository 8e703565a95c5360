"""A read-only table of service views with its model, for the front-desk pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtWidgets import QHeaderView, QWidget

from gearroom.ui.models.records import RecordColumn, RecordTableModel
from gearroom.ui.widgets.record_panel import ItemTable

T = TypeVar("T")


class DeskTable(ItemTable, Generic[T]):
    """Rows of records; Enter or a double click calls ``on_open`` with the current record."""

    def __init__(
        self,
        columns: Sequence[RecordColumn[T]],
        record_id: Callable[[T], int],
        on_open: Callable[[T], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self._open_current, parent)
        self._on_open = on_open
        self.records_model: RecordTableModel[T] = RecordTableModel(columns, record_id, self)
        self.setModel(self.records_model)
        header = self.horizontalHeader()
        for i, column in enumerate(columns):
            self.setColumnWidth(i, column.width)
            if column.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)

    def set_records(self, records: Sequence[T]) -> None:
        self.records_model.set_records(records)

    def current_record(self) -> T | None:
        index = self.currentIndex()
        return self.records_model.record(index.row()) if index.isValid() else None

    def _open_current(self) -> None:
        record = self.current_record()
        if record is not None and self._on_open is not None:
            self._on_open(record)
