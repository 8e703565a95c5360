"""The dashboard's overdue invoices: issued, unpaid and past their due date — what staff and
admins should chase. Operators who may not see prices never see the section."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QVBoxLayout, QWidget

from gearroom.services.actor import Permission
from gearroom.services.amounts import display
from gearroom.services.changes import ChangeKind, DataChange
from gearroom.services.production_money import InvoiceRow, invoice_rows
from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable

CONCERNS = frozenset({ChangeKind.INVOICE, ChangeKind.CLIENT})


def _days_late(row: InvoiceRow) -> str:
    due = row.document.due_on
    return f"{(date.today() - due).days} d" if due else ""


COLUMNS: tuple[RecordColumn[InvoiceRow], ...] = (
    RecordColumn("Invoice", lambda r: r.document.number, 110),
    RecordColumn("Client", lambda r: r.document.client, 150, stretch=True),
    RecordColumn("Production", lambda r: r.document.production, 150),
    RecordColumn("Due", lambda r: r.document.due_on.isoformat() if r.document.due_on else "", 82),
    RecordColumn("Late", _days_late, 50, align_right=True),
    RecordColumn(
        "Balance",
        lambda r: display(r.document.balance, r.document.currency),
        100,
        align_right=True,
    ),
)


class OverdueInvoices(QWidget):
    """A section of the dashboard page: opening a row opens the invoice's production."""

    def __init__(self, context: AppContext, page: Page) -> None:
        super().__init__(page)
        self.setObjectName("overdueInvoices")
        self.context = context
        self.page = page
        self.rows: list[InvoiceRow] = []
        self.heading = section_label("Overdue invoices")
        self.heading.setStyleSheet("color: #b3261e;")
        self.table: DeskTable[InvoiceRow] = DeskTable(
            COLUMNS, lambda r: hash(r.document.number), self._open
        )
        self.table.setMaximumHeight(150)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.heading)
        box.addWidget(self.table)
        context.changed.connect(self._changed)
        context.actor_changed.connect(self.reload)
        self.reload()

    def _changed(self, change: object) -> None:
        if DataChange.of(change).concerns(CONCERNS):
            self.reload()

    def reload(self) -> None:
        """Read the overdue invoices (staff and admins); hidden when there are none."""
        actor = self.context.actor
        if not actor.can(Permission.PRICES):
            self.rows = []
            self.table.set_records([])
            self.hide()
            return
        self.context.operations.read(
            lambda s: invoice_rows(s, actor, state="overdue"),
            on_done=self._show,
            on_error=lambda exc: self.heading.setText(f"Overdue invoices: {exc}"),
            description="Reading the overdue invoices",
        )

    def _show(self, rows: list[InvoiceRow]) -> None:
        if not self.context.actor.can(Permission.PRICES):
            return
        self.rows = rows
        self.table.set_records(rows)
        self.heading.setText(f"Overdue invoices ({len(rows)})")
        self.setVisible(bool(rows))

    def _open(self, row: InvoiceRow) -> None:
        self.page.open_item.emit("production", row.production_id)
