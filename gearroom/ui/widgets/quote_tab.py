"""The Quote tab of a production: build or refresh the quote from its bookings, discounts (a
whole-quote one, the client's default, one per line), send, accept (the order) and the PDF."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from gearroom.services import quotes
from gearroom.services.documents import DocumentView
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.document_tab import DocumentTab
from gearroom.ui.widgets.money_lines import show_lines, totals_text


class QuoteTab(DocumentTab):
    """One production's quote; every read and write goes through the operation door."""

    change_kind = "quote"
    noun = "quote"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "No quote yet", parent)
        self.setObjectName("quoteTab")
        self.discount = QLineEdit()
        self.discount.setObjectName("quoteDiscount")
        self.discount.setPlaceholderText("client's default")
        self.discount.setMaximumWidth(120)
        self.build_button = QPushButton("Build quote from bookings")
        self.build_button.clicked.connect(lambda: self.build())
        self.line_discount = QLineEdit()
        self.line_discount.setObjectName("lineDiscount")
        self.line_discount.setPlaceholderText("%")
        self.line_discount.setMaximumWidth(70)
        self.line_button = QPushButton("Discount selected line")
        self.line_button.clicked.connect(lambda: self.discount_line())
        self.sent_button = QPushButton("Mark sent")
        self.sent_button.clicked.connect(lambda: self.mark_sent())
        self.accept_button = QPushButton("Accept → order")
        self.accept_button.clicked.connect(lambda: self.accept())
        self.pdf_button = QPushButton("Save quote PDF…")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.message.setObjectName("quoteMessage")

        build = QHBoxLayout()
        build.addWidget(QLabel("Whole-quote discount %"))
        build.addWidget(self.discount)
        build.addWidget(self.build_button)
        build.addStretch(1)
        build.addWidget(self.line_discount)
        build.addWidget(self.line_button)
        actions = QHBoxLayout()
        for b in (self.sent_button, self.accept_button, self.pdf_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.frame((), build, actions)
        self._show(None)

    # ------------------------------------------------------------------ data

    @property
    def quote(self) -> DocumentView | None:
        return self.money.quote if self.money else None

    def shown(self) -> DocumentView | None:
        return self.quote

    def refresh(self, select: str | None) -> None:
        self._show(self.quote)

    def _show(self, view: DocumentView | None) -> None:
        show_lines(self.lines, view)
        has_production = self.production_id is not None
        accepted = view is not None and view.status == "accepted"
        self.build_button.setEnabled(has_production and not accepted)
        self.line_button.setEnabled(view is not None and not accepted)
        self.sent_button.setEnabled(view is not None and view.status == "draft")
        self.accept_button.setEnabled(view is not None and not accepted)
        self.pdf_button.setEnabled(view is not None)
        if view is None:
            self.heading.setText("No quote yet")
            self.state.setText("Build the quote from the production's bookings.")
            self.totals.setText("")
            return
        self.heading.setText(f"Quote {view.number} v{view.version}")
        state = f"{view.status.capitalize()} · {view.client or 'no client'}"
        if accepted:
            state += " · the order is locked at these prices"
        self.state.setText(state)
        self.totals.setText(totals_text(view))

    # ------------------------------------------------------------------ actions

    def build(self) -> None:
        """Build (or refresh) the quote from the bookings, with the discount typed (or the
        client's default when the box is empty)."""
        if self.money is None:
            return
        tag = self.money.production_tag
        text = self.discount.text().strip()
        self.write(
            lambda s, a: quotes.build_quote(s, a, tag, discount=text or None),
            lambda v: f"Quote {v.number} v{v.version}: {v.total} {v.currency}.",
        )

    def discount_line(self) -> None:
        view, line = self.quote, self.lines.current_record()
        if view is None or line is None:
            self.message.setText("Choose a line of the quote first.")
            return
        number, position, text = view.number, line.line.position, self.line_discount.text()
        self.write(
            lambda s, a: quotes.set_line_discount(s, a, number, position, text),
            lambda v: f"Line discounted: the quote is now {v.total} {v.currency}.",
        )

    def mark_sent(self) -> None:
        if (view := self.quote) is not None:
            number = view.number
            self.write(
                lambda s, a: quotes.mark_sent(s, a, number),
                lambda v: f"{v.number} v{v.version} sent: changing it now makes a new version.",
            )

    def accept(self) -> None:
        if (view := self.quote) is not None:
            number = view.number
            self.write(
                lambda s, a: quotes.accept_quote(s, a, number),
                lambda v: f"{v.number} accepted: the order is {v.total} {v.currency}.",
            )
