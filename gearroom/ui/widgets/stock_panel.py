"""The Stock tab: counted things (batteries, cables, media cards) with quantities and history."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from gearroom.services import history, stock
from gearroom.services.actor import Actor
from gearroom.services.history import EventView
from gearroom.services.stock import StockView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog
from gearroom.ui.dialogs.retire import RetireDialog
from gearroom.ui.dialogs.stock import StockItemDialog
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.widgets.history_view import HistoryView
from gearroom.ui.widgets.rate_card import RateCardBox
from gearroom.ui.widgets.record_panel import RecordPanel

STOCK_COLUMNS: tuple[RecordColumn[StockView], ...] = (
    RecordColumn("Tag", lambda s: s.tag, 96),
    RecordColumn("Name", lambda s: s.name, 240, stretch=True),
    RecordColumn("Category", lambda s: s.category, 100),
    RecordColumn("Qty", lambda s: s.quantity, 60, align_right=True),
    RecordColumn("Unit", lambda s: s.unit, 56),
    RecordColumn("Location", lambda s: s.location or "", 150),
)


class StockPanel(RecordPanel[StockView]):
    noun = "stock items"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, STOCK_COLUMNS, lambda s: s.id, "New stock item…", parent)
        self.item: StockView | None = None
        self.events: list[EventView] = []
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.quantity = QLabel()
        self.quantity.setObjectName("stockQuantity")
        self.category = QLabel()
        self.location = QLabel()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        for label, value in (
            ("Quantity owned", self.quantity),
            ("Category", self.category),
            ("Location", self.location),
            ("Notes", self.notes),
        ):
            caption = QLabel(label)
            caption.setStyleSheet("color: #6b7280;")
            self.form.addRow(caption, value)
        self.edit_button = QPushButton("Edit…")
        self.retire_button = QPushButton("Retire…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch(1)
        self.history = HistoryView()
        history_title = QLabel("History")
        history_title.setStyleSheet("font-weight: 600;")
        self.placeholder = QLabel("Select a stock item to see its quantity and history.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6b7280;")
        self.detail_layout.addWidget(self.placeholder)
        self.detail_layout.addWidget(self.title)
        self.detail_layout.addLayout(buttons)
        self.detail_layout.addLayout(self.form)
        self.rates = RateCardBox(context)
        self.detail_layout.addWidget(self.rates)
        self.detail_layout.addWidget(history_title)
        self.detail_layout.addWidget(self.history, 1)
        self._parts: list[QWidget] = [
            self.title,
            self.edit_button,
            self.retire_button,
            history_title,
            self.history,
            self.quantity,
            self.category,
            self.location,
            self.notes,
        ]
        self.edit_button.clicked.connect(self.edit_item)
        self.retire_button.clicked.connect(self.retire_item)
        self.show_record(None)

    def load(self, session: Session) -> Sequence[StockView]:
        return stock.list_stock_items(session)

    def show_record(self, record: StockView | None) -> None:
        """Show ``record`` at once; its history follows through the door."""
        self.item = record
        self.events = []
        self.placeholder.setVisible(record is None)
        for part in self._parts:
            part.setVisible(record is not None)
        for row in range(self.form.rowCount()):
            self.form.setRowVisible(row, record is not None)
        self.rates.show_tag(record.tag if record else None)
        if record is None:
            return
        self.title.setText(f"{record.tag} · {record.name}")
        self.quantity.setText(f"{record.quantity} {record.unit}")
        self.category.setText(record.category)
        self.location.setText(record.location or "—")
        self.notes.setText(record.notes or "—")
        self.history.set_events(self.events)
        item_id = record.id
        self.context.operations.read(
            lambda s: history.events_for(s, "stock", item_id),
            on_done=lambda events: self._history_arrived(item_id, events),
            on_error=lambda exc: self.notes.setText(str(exc)),
            description="Reading the stock item's history",
        )

    def _history_arrived(self, item_id: int, events: list[EventView]) -> None:
        if self.item is None or self.item.id != item_id:
            return  # another item was chosen meanwhile
        self.events = events
        self.history.set_events(events)

    def _open(self, dialog: FormDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, item_id: int) -> None:
        self.refresh(select=item_id)

    def new_item(self) -> None:
        self._open(StockItemDialog(self.context, parent=self))

    def edit_item(self) -> None:
        if self.item is not None:
            self._open(StockItemDialog(self.context, self.item.tag, parent=self))

    def retire_item(self) -> None:
        if self.item is None:
            return
        tag = self.item.tag

        def retire(session: Session, actor: Actor, reason: str) -> int:
            return stock.retire_stock_item(session, actor, tag, reason).id

        self._open(RetireDialog(self.context, f"{tag} {self.item.name}", retire, "stock", self))
