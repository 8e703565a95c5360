"""Invoices: every invoice and credit note, filtered by state (draft, issued, overdue, settled,
credit notes); open the production an invoice is for, record a payment (staff and admins)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gearroom.services import payments
from gearroom.services.actor import Permission
from gearroom.services.amounts import display
from gearroom.services.changes import ChangeKind
from gearroom.services.payments import PaymentView
from gearroom.services.production_money import INVOICE_STATES, InvoiceRow, invoice_rows
from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EmptyState

STATE_TITLES = {
    "all": "All",
    "draft": "Drafts",
    "issued": "Issued, open",
    "overdue": "Overdue",
    "settled": "Settled",
    "credit_note": "Credit notes",
}


def _day(row: InvoiceRow, which: str) -> str:
    value = getattr(row.document, which)
    return value.isoformat() if value else ""


COLUMNS: tuple[RecordColumn[InvoiceRow], ...] = (
    RecordColumn("Number", lambda r: r.document.number, 110),
    RecordColumn("State", lambda r: r.state, 80),
    RecordColumn("Production", lambda r: f"{r.production_tag} {r.document.production}", 180),
    RecordColumn("Client", lambda r: r.document.client, 140, stretch=True),
    RecordColumn("Issued", lambda r: _day(r, "issued_on"), 82),
    RecordColumn("Due", lambda r: _day(r, "due_on"), 82),
    RecordColumn(
        "Total", lambda r: display(r.document.total, r.document.currency), 96, align_right=True
    ),
    RecordColumn(
        "Balance",
        lambda r: display(r.document.balance, r.document.currency),
        96,
        align_right=True,
    ),
)


class InvoicesPage(Page):
    """The invoice list; its rows open the production they are for."""

    page_id = "invoices"
    title = "Invoices"
    icon_name = "invoices"
    permission = Permission.PRICES
    concerns = frozenset({ChangeKind.INVOICE, ChangeKind.CLIENT, ChangeKind.PRODUCTION})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("invoicesPage")
        self.state = QComboBox()
        self.state.setObjectName("invoiceState")
        for state in INVOICE_STATES:
            self.state.addItem(STATE_TITLES[state], state)
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list: DeskTable[InvoiceRow] = DeskTable(
            COLUMNS, lambda r: hash(r.document.number), self.open_production
        )
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        EmptyState.over(
            self.list,
            "No invoices yet",
            "An invoice is drafted on the Invoice tab of a production (Productions page), "
            "from its accepted quote and what came back late, lost or damaged.",
            self.step_to("productions", "Go to Productions"),
            when=lambda: self.state.currentData() in (None, "all"),
        )
        self.open_button = QPushButton("Open production")
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.amount = QLineEdit()
        self.amount.setObjectName("invoicePaymentAmount")
        self.amount.setPlaceholderText("Amount received")
        self.amount.setMaximumWidth(140)
        self.pay_button = QPushButton("Record payment")
        self.pay_button.clicked.connect(lambda: self.record_payment())
        self.summary = QLabel()
        self.summary.setObjectName("invoicesSummary")
        self.message = QLabel()
        self.message.setObjectName("invoicesMessage")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        head = QHBoxLayout()
        head.addWidget(section_label("Invoices"))
        head.addStretch(1)
        head.addWidget(QLabel("Show"))
        head.addWidget(self.state)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(self.amount)
        actions.addWidget(self.pay_button)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self.rows: list[InvoiceRow] = []
        self._selected()

    def show_state(self, state: str) -> None:
        """Filter the list by one of :data:`INVOICE_STATES`."""
        self.state.setCurrentIndex(max(self.state.findData(state), 0))

    def refresh(self) -> None:
        if not self.context.actor.can(Permission.PRICES):
            self._show([])
            return
        actor, state = self.context.actor, str(self.state.currentData() or "all")
        self.context.operations.read(
            lambda s: invoice_rows(s, actor, state=state),
            on_done=self._show,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the invoices",
        )

    def _show(self, rows: list[InvoiceRow]) -> None:
        current = self.list.current_record()
        self.rows = rows
        self.list.set_records(rows)
        keep = current.document.number if current else None
        index = next((i for i, r in enumerate(rows) if r.document.number == keep), None)
        if index is None and rows:
            index = 0
        if index is not None:
            self.list.selectRow(index)
        by_currency: dict[str, object] = {}
        for r in rows:
            if r.document.kind == "invoice":
                c = r.document.currency
                by_currency[c] = by_currency.get(c, 0) + r.document.balance  # type: ignore[operator]
        due = ", ".join(display(v, c) for c, v in by_currency.items())  # type: ignore[arg-type]
        self.summary.setText(f"{len(rows)} shown" + (f" · balance due {due}" if due else ""))
        self._selected()

    def _selected(self) -> None:
        row = self.list.current_record()
        self.open_button.setEnabled(row is not None)
        payable = (
            row is not None
            and row.document.kind == "invoice"
            and row.document.status == "issued"
            and row.document.balance > 0
        )
        self.pay_button.setEnabled(payable)
        self.amount.setEnabled(payable)
        if payable and row is not None and not self.amount.hasFocus():
            self.amount.setText(f"{row.document.balance}")

    def select_number(self, number: str) -> bool:
        index = next((i for i, r in enumerate(self.rows) if r.document.number == number), None)
        if index is None:
            return False
        self.list.selectRow(index)
        self._selected()
        return True

    def open_production(self, row: InvoiceRow) -> None:
        """Ask the window to show the production the invoice is for."""
        self.open_item.emit("production", row.production_id)

    def open_selected(self) -> None:
        row = self.list.current_record()
        if row is not None:
            self.open_production(row)

    def record_payment(self) -> None:
        row = self.list.current_record()
        if row is None:
            return
        number, amount = row.document.number, self.amount.text().strip()

        def done(p: PaymentView) -> None:
            self.message.setText(
                f"Payment of {display(p.amount, p.currency)} on {p.invoice}; "
                f"{display(p.balance, p.currency)} left to pay."
            )
            self.refresh()

        self.context.operations.write(
            lambda s, a: payments.add_payment(s, a, number, amount),
            "invoice",
            on_done=done,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Recording the payment",
        )

    def gated_widgets(self) -> Iterable[tuple[QWidget, Permission]]:
        yield self.pay_button, Permission.PRICES
        yield self.amount, Permission.PRICES
