"""The rate card box of an item page: what the asset, kit or stock item hires for (its own
card or the one it falls back on), its model's card, and — for admins — changing them.

Operators who may not see prices (assistants) never see the box."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from gearroom.services import rates
from gearroom.services.actor import Permission
from gearroom.services.amounts import display
from gearroom.services.rates import RateCardInfo
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.rates import RatesDialog

NONE = "—"


class RateCardBox(QGroupBox):
    """Shows one item's rates (read through the operation door); admins may change them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Rate card", parent)
        self.setObjectName("rateCard")
        self.context = context
        self.tag: str | None = None
        self.info: RateCardInfo | None = None
        self.model_info: RateCardInfo | None = None
        self.day = QLabel()
        self.day.setObjectName("rateDay")
        self.week = QLabel()
        self.sale = QLabel()
        self.tax = QLabel()
        self.tax.setObjectName("rateTax")
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: #6b7280;")
        form = QFormLayout(self)
        form.setContentsMargins(10, 4, 10, 6)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(2)
        form.addRow("Day", self.day)
        form.addRow("Week", self.week)
        form.addRow("Sale", self.sale)
        form.addRow("Tax rate", self.tax)
        form.addRow("", self.source)
        self.change_button = QPushButton("Change rate…")
        self.change_button.setObjectName("changeRate")
        self.change_button.clicked.connect(lambda: self.change())
        self.model_button = QPushButton("Model rates…")
        self.model_button.setObjectName("modelRates")
        self.model_button.clicked.connect(lambda: self.change_model())
        buttons = QHBoxLayout()
        buttons.addWidget(self.change_button)
        buttons.addWidget(self.model_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.hide()

    def show_tag(self, tag: str | None) -> None:
        """Show the rate card of the item with ``tag`` (None: nothing is selected)."""
        self.tag = tag
        actor = self.context.actor
        if tag is None or not actor.can(Permission.PRICES):
            self.info = None
            self.hide()
            return
        self.context.operations.read(
            lambda s: rates.rate_card(s, actor, tag=tag),
            on_done=lambda info: self._loaded(tag, info),
            on_error=lambda exc: self.source.setText(str(exc)),
            description="Reading the rate card",
        )

    def _loaded(self, tag: str, info: RateCardInfo) -> None:
        if tag != self.tag:
            return
        self.info = info
        c, rate = info.currency, info.effective
        self.day.setText(display(rate.day, c) if rate else NONE)
        self.week.setText(display(rate.week, c) if rate and rate.week is not None else NONE)
        self.sale.setText(display(rate.sale, c) if rate and rate.sale is not None else NONE)
        self.tax.setText(rate.tax_rate if rate and rate.tax_rate else "the house's rule")
        if info.own is not None:
            self.source.setText("Its own rate card.")
        elif rate is not None:
            source = rate.source
            if source == "model" and info.model:
                source = f"model {info.model.partition('/')[2]}"
            self.source.setText(f"From the {source}'s rate card.")
        elif tag and info.target.startswith("kit"):
            self.source.setText("No card: the kit is priced as the sum of its contents.")
        else:
            self.source.setText("No rate card yet: quotes price it at nothing.")
        admin = self.context.actor.can(Permission.RATES)
        self.change_button.setVisible(admin)
        self.model_button.setVisible(info.model is not None)
        self.model_button.setText("Model rates…" if admin else "Model rates")
        self.show()

    def change(self) -> RatesDialog | None:
        """Change this item's own card (admins)."""
        if self.info is None or self.tag is None:
            return None
        dialog = RatesDialog(self.context, self.info, tag=self.tag, parent=self)
        dialog.saved.connect(lambda _i: self.show_tag(self.tag))
        dialog.open()
        return dialog

    def change_model(self) -> RatesDialog | None:
        """See (staff) or change (admins) the card of the asset's model."""
        if self.info is None or self.info.model is None:
            return None
        model, actor = self.info.model, self.context.actor
        info = self.context.query(lambda s: rates.rate_card(s, actor, model=model))
        self.model_info = info
        dialog = RatesDialog(self.context, info, model=model, parent=self)
        if not actor.can(Permission.RATES):
            for edit in (dialog.day, dialog.week, dialog.sale):
                edit.setReadOnly(True)
            dialog.buttons.hide()
        dialog.saved.connect(lambda _i: self.show_tag(self.tag))
        dialog.open()
        return dialog
