"""The Quote tab of a production: build or refresh the quote from its bookings, discounts (a
whole-quote one, the client's default, one per line), send, accept (the order) and the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.services import quotes
from gearroom.services.actor import Actor, Permission
from gearroom.services.documents import DocumentView
from gearroom.services.production_money import ProductionMoney, production_money
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.money_lines import (
    line_table,
    save_document_pdf,
    show_lines,
    totals_label,
    totals_text,
)


class QuoteTab(QWidget):
    """One production's quote; every read and write goes through the operation door."""

    #: The quote changed (built, discounted, sent, accepted): the invoice tab reloads too.
    money_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quoteTab")
        self.context = context
        self.production_id: int | None = None
        self.money: ProductionMoney | None = None
        self.heading = section_label("No quote yet")
        self.heading.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.state = QLabel()
        self.lines = line_table()
        self.totals = totals_label()
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
        self.message = QLabel()
        self.message.setObjectName("quoteMessage")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.state)
        layout.addLayout(head)
        build = QHBoxLayout()
        build.addWidget(QLabel("Whole-quote discount %"))
        build.addWidget(self.discount)
        build.addWidget(self.build_button)
        build.addStretch(1)
        build.addWidget(self.line_discount)
        build.addWidget(self.line_button)
        layout.addLayout(build)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.totals)
        actions = QHBoxLayout()
        for b in (self.sent_button, self.accept_button, self.pdf_button):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self._show(None)

    # ------------------------------------------------------------------ data

    @property
    def quote(self) -> DocumentView | None:
        return self.money.quote if self.money else None

    def set_production(self, production_id: int | None) -> None:
        self.production_id = production_id
        self.reload()

    def reload(self) -> None:
        pid = self.production_id
        if pid is None or not self.context.actor.can(Permission.PRICES):
            self.money = None
            self._show(None)
            return
        actor = self.context.actor
        self.context.operations.read(
            lambda s: production_money(s, actor, pid),
            on_done=lambda m: self._loaded(pid, m),
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the quote",
        )

    def _loaded(self, pid: int, money: ProductionMoney) -> None:
        if pid != self.production_id:
            return
        self.money = money
        self._show(money.quote)

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

    def _write(self, fn: Callable[[Session, Actor], DocumentView], done: str) -> None:
        def finished(view: DocumentView) -> None:
            self.message.setText(done.format(v=view))
            self.reload()
            self.money_changed.emit()

        self.context.operations.write(
            fn,
            "quote",
            on_done=finished,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Saving the quote",
        )

    def build(self) -> None:
        """Build (or refresh) the quote from the bookings, with the discount typed (or the
        client's default when the box is empty)."""
        if self.money is None:
            return
        tag = self.money.production_tag
        text = self.discount.text().strip()
        self._write(
            lambda s, a: quotes.build_quote(s, a, tag, discount=text or None),
            "Quote {v.number} v{v.version}: {v.total} {v.currency}.",
        )

    def discount_line(self) -> None:
        view, line = self.quote, self.lines.current_record()
        if view is None or line is None:
            self.message.setText("Choose a line of the quote first.")
            return
        number, position, text = view.number, line.line.position, self.line_discount.text()
        self._write(
            lambda s, a: quotes.set_line_discount(s, a, number, position, text),
            "Line discounted: the quote is now {v.total} {v.currency}.",
        )

    def mark_sent(self) -> None:
        if (view := self.quote) is not None:
            number = view.number
            self._write(
                lambda s, a: quotes.mark_sent(s, a, number),
                "{v.number} v{v.version} sent: changing it now makes a new version.",
            )

    def accept(self) -> None:
        if (view := self.quote) is not None:
            number = view.number
            self._write(
                lambda s, a: quotes.accept_quote(s, a, number),
                "{v.number} accepted: the order is {v.total} {v.currency}.",
            )

    def save_pdf(self, path: Path | None = None) -> Path | None:
        view = self.quote
        if view is None:
            return None
        try:
            written = save_document_pdf(self.context, view, self, path)
        except (GearroomError, OSError) as exc:
            self.message.setText(str(exc))
            return None
        if written is not None:
            self.message.setText(f"Quote saved to {written}.")
        return written
