"""The Invoice tab of a production: the draft invoice from the order and what the return adds
(loss, damage, late days, stock sold), a repair cost on a service ticket, issuing, payments,
credit notes and the invoice PDF."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from gearroom.errors import ValidationError
from gearroom.services import invoicing, payments
from gearroom.services.documents import DocumentView
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.document_tab import DocumentTab
from gearroom.ui.widgets.money_lines import show_lines, totals_text


class InvoiceTab(DocumentTab):
    """One production's invoices and credit notes; writes go through the operation door."""

    change_kind = "invoice"
    noun = "invoices"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "No invoice yet", parent)
        self.setObjectName("invoiceTab")
        self.documents = QComboBox()
        self.documents.setObjectName("invoiceDocuments")
        self.documents.setMinimumWidth(220)
        self.documents.currentIndexChanged.connect(lambda _i: self._show(self.document))
        self.draft_button = QPushButton("Draft invoice from order and return")
        self.draft_button.clicked.connect(lambda: self.draft())
        self.repair_key = QLineEdit()
        self.repair_key.setPlaceholderText("Tag or #ticket")
        self.repair_key.setMaximumWidth(120)
        self.repair_amount = QLineEdit()
        self.repair_amount.setPlaceholderText("Repair cost")
        self.repair_amount.setMaximumWidth(100)
        self.repair_button = QPushButton("Record repair cost")
        self.repair_button.clicked.connect(lambda: self.record_repair())
        self.issue_button = QPushButton("Issue")
        self.issue_button.clicked.connect(lambda: self.issue())
        self.payment_amount = QLineEdit()
        self.payment_amount.setObjectName("paymentAmount")
        self.payment_amount.setPlaceholderText("Amount")
        self.payment_amount.setMaximumWidth(100)
        self.payment_button = QPushButton("Record payment")
        self.payment_button.clicked.connect(lambda: self.pay())
        self.credit_reason = QLineEdit()
        self.credit_reason.setObjectName("creditReason")
        self.credit_reason.setPlaceholderText("Reason for the credit note")
        self.credit_amount = QLineEdit()
        self.credit_amount.setObjectName("creditAmount")
        self.credit_amount.setPlaceholderText("all that is left")
        self.credit_amount.setMaximumWidth(110)
        self.credit_button = QPushButton("Credit note")
        self.credit_button.clicked.connect(lambda: self.credit())
        self.pdf_button = QPushButton("Save PDF…")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.message.setObjectName("invoiceMessage")

        top = QHBoxLayout()
        top.addWidget(self.draft_button)
        top.addStretch(1)
        for w in (self.repair_key, self.repair_amount, self.repair_button):
            top.addWidget(w)
        actions = QHBoxLayout()
        actions.addWidget(self.issue_button)
        actions.addWidget(self.payment_amount)
        actions.addWidget(self.payment_button)
        actions.addWidget(self.credit_reason, 1)
        actions.addWidget(self.credit_amount)
        actions.addWidget(self.credit_button)
        actions.addWidget(self.pdf_button)
        self.frame((self.documents,), top, actions)
        self._fill(None)

    # ------------------------------------------------------------------ data

    @property
    def document(self) -> DocumentView | None:
        if self.money is None:
            return None
        number = self.documents.currentData()
        return next((v for v in self.money.invoices if v.number == number), None)

    def shown(self) -> DocumentView | None:
        return self.document

    def refresh(self, select: str | None) -> None:
        self._fill(select)

    def _fill(self, select: str | None) -> None:
        keep = select or self.documents.currentData()
        self.documents.blockSignals(True)
        self.documents.clear()
        for v in self.money.invoices if self.money else ():
            kind = "Credit note" if v.kind == "credit_note" else "Invoice"
            self.documents.addItem(f"{kind} {v.number} ({v.status})", v.number)
        index = self.documents.findData(keep) if keep else -1
        self.documents.setCurrentIndex(index if index >= 0 else self.documents.count() - 1)
        self.documents.blockSignals(False)
        self._show(self.document)

    def _show(self, view: DocumentView | None) -> None:
        show_lines(self.lines, view)
        money = self.money
        has_order = money is not None and money.has_order
        issued = view is not None and view.kind == "invoice" and view.status != "draft"
        self.draft_button.setEnabled(has_order)
        self.repair_button.setEnabled(has_order)
        self.issue_button.setEnabled(view is not None and view.status == "draft")
        self.payment_button.setEnabled(issued and view is not None and view.balance > 0)
        self.credit_button.setEnabled(issued)
        self.pdf_button.setEnabled(view is not None)
        self.documents.setVisible(self.documents.count() > 0)
        if view is None:
            self.heading.setText("No invoice yet")
            self.state.setText(
                "Draft the invoice once the order's gear is back."
                if has_order
                else "Accept the quote first: the invoice is drawn from its order."
            )
            self.totals.setText("")
            return
        self.heading.setText("Credit note" if view.kind == "credit_note" else "Invoice")
        facts = [view.client or "no client"]
        if view.issued_on and view.status != "draft":
            facts.append(f"issued {view.issued_on.isoformat()}")
        if view.due_on and view.kind == "invoice":
            facts.append(f"due {view.due_on.isoformat()}")
        if view.reference:
            facts.append(f"for {view.reference}")
        if view.reason:
            facts.append(view.reason)
        self.state.setText(" · ".join(facts))
        self.totals.setText(totals_text(view))

    # ------------------------------------------------------------------ actions

    def draft(self) -> None:
        if self.money is None:
            return
        tag = self.money.production_tag
        self.write(
            lambda s, a: invoicing.draft_invoice(s, a, tag),
            lambda v: f"Draft invoice: {v.total} {v.currency}.",
        )

    def record_repair(self) -> None:
        key, amount = self.repair_key.text().strip(), self.repair_amount.text().strip()
        if not key or not amount:
            self.message.setText("Give the damaged item's tag (or #ticket) and the repair cost.")
            return
        self.write(
            lambda s, a: invoicing.set_repair_cost(s, a, key, amount),
            lambda v: f"Repair cost {v} recorded for {key}: draft the invoice again to bill it.",
        )

    def issue(self) -> None:
        if (view := self.document) is not None:
            number = view.number
            self.write(
                lambda s, a: invoicing.issue_invoice(s, a, number),
                lambda v: f"Issued as {v.number}: it can no longer change.",
            )

    def pay(self) -> None:
        if (view := self.document) is None:
            return
        number, amount = view.number, self.payment_amount.text().strip()
        if not amount:
            self.message.setText("Type the amount received.")
            return

        def done(p: payments.PaymentView) -> str:
            return f"Payment of {p.amount} {p.currency} recorded; {p.balance} left to pay."

        self.write(lambda s, a: payments.add_payment(s, a, number, amount), done)

    def credit(self) -> None:
        if (view := self.document) is None:
            return
        number, reason = view.number, self.credit_reason.text()
        amount = self.credit_amount.text().strip() or None
        if not reason.strip():
            self.show_error(ValidationError("Say why the invoice is credited."))
            return
        self.write(
            lambda s, a: invoicing.credit_invoice(s, a, number, reason, amount=amount),
            lambda v: f"Credit note {v.number}: {v.total}.",
        )
