"""Clients: the companies productions are for, with their billing details, terms and default
discount (staff and admins)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gearroom.services import clients
from gearroom.services.actor import Permission
from gearroom.services.changes import ChangeKind
from gearroom.services.clients import ClientView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.client import ClientDialog
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EmptyState, NextStep

COLUMNS: tuple[RecordColumn[ClientView], ...] = (
    RecordColumn("Name", lambda c: c.name, 200, stretch=True),
    RecordColumn("Email", lambda c: c.email, 170),
    RecordColumn("Tax number", lambda c: c.tax_number, 110),
    RecordColumn("Terms", lambda c: f"{c.payment_terms_days} days", 70, align_right=True),
    RecordColumn("Discount", lambda c: f"{c.default_discount} %", 70, align_right=True),
    RecordColumn("Contacts", lambda c: "; ".join(c.contacts), 200),
)


class ClientsPage(Page):
    """The list of clients; add and edit them."""

    page_id = "clients"
    title = "Clients"
    icon_name = "clients"
    permission = Permission.PRICES
    concerns = frozenset({ChangeKind.CLIENT})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("clientsPage")
        self.list: DeskTable[ClientView] = DeskTable(
            COLUMNS, lambda c: c.id, lambda c: self._open(c)
        )
        self.new_button = QPushButton("New client…")
        self.new_button.clicked.connect(lambda: self.new_client())
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        EmptyState.over(
            self.list,
            "No clients yet",
            "A client is the company a production is for: its billing address, payment terms "
            "and default discount go on quotes and invoices.",
            NextStep("New client…", self.new_button.click, name="new_client"),
        )
        self.message = QLabel()
        self.message.setObjectName("clientsMessage")
        self.message.setWordWrap(True)
        self.address = QLabel()
        self.address.setTextFormat(Qt.TextFormat.PlainText)
        self.address.setWordWrap(True)
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(section_label("Clients"))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.address)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        if not self.context.actor.can(Permission.PRICES):
            self.list.set_records([])
            return
        actor = self.context.actor
        self.context.operations.read(
            lambda s: clients.list_clients(s, actor),
            on_done=self._show,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the clients",
        )

    def _show(self, rows: list[ClientView]) -> None:
        current = self.list.current_record()
        self.list.set_records(rows)
        row = self.list.records_model.row_of(current.id) if current else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.list.selectRow(row)
        self._selected()

    def _selected(self) -> None:
        client = self.list.current_record()
        self.edit_button.setEnabled(client is not None)
        self.address.setText(
            f"Billing address: {client.billing_address or '—'}" if client is not None else ""
        )

    def new_client(self) -> ClientDialog:
        dialog = ClientDialog(self.context, parent=self)
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def edit_client(self, client: ClientView) -> ClientDialog:
        dialog = ClientDialog(self.context, client, parent=self)
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, _client_id: int) -> None:
        self.message.setText("Client saved.")
        self.refresh()

    def _open(self, client: ClientView) -> None:
        self.edit_client(client)

    def edit_selected(self) -> ClientDialog | None:
        client = self.list.current_record()
        return self.edit_client(client) if client is not None else None

    def gated_widgets(self) -> Iterable[tuple[QWidget, Permission]]:
        yield self.new_button, Permission.PRICES
        yield self.edit_button, Permission.PRICES
