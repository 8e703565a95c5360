"""Change one rate card: the day rate, an optional week rate, (stock) a sale price and the tax
rate its lines are taxed at."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from gearroom.services import pricing, rates
from gearroom.services.actor import Actor
from gearroom.services.rates import RateCardInfo
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog


class RatesDialog(FormDialog):
    """The rate card of an asset, kit or stock item (``tag``) or of a model (``model``);
    saving is for admins (the service refuses anyone else)."""

    def __init__(
        self,
        context: AppContext,
        info: RateCardInfo,
        *,
        tag: str | None = None,
        model: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, f"Rates of {info.target}", parent)
        self.setObjectName("ratesDialog")
        self.tag, self.model = tag, model
        own = info.own
        self.day = QLineEdit(f"{own.day}" if own else "")
        self.day.setPlaceholderText(f"e.g. 100.00 ({info.currency})")
        self.week = QLineEdit(f"{own.week}" if own and own.week is not None else "")
        self.week.setPlaceholderText("none: the days-per-week rule applies")
        self.sale = QLineEdit(f"{own.sale}" if own and own.sale is not None else "")
        self.sale.setPlaceholderText("what a consumable sold costs")
        if info.effective is not None and own is None:
            self.form.addRow(
                "", QLabel(f"Now priced from the {info.effective.source}: {info.effective.day}/day")
            )
        self.add_field("day rate", f"Day rate ({info.currency})", self.day)
        self.add_field("week rate", "Week rate", self.week)
        rules = context.query(pricing.load_rules)
        self.tax_rate = QComboBox()
        self.tax_rate.setObjectName("rateTaxRate")
        self.tax_rate.addItem("as the model or category says (else standard)", "")
        self.tax_rate.addItem(f"{pricing.STANDARD_TAX} {rules.tax_pct} %", pricing.STANDARD_TAX)
        for name, pct in sorted(rules.tax_rates.items()):
            self.tax_rate.addItem(f"{name} {pct} %", name)
        found = self.tax_rate.findData(own.tax_rate) if own and own.tax_rate else 0
        self.tax_rate.setCurrentIndex(max(found, 0))
        self.add_field("sale price", "Sale price", self.sale)
        self.add_field("tax_rate", "Tax rate", self.tax_rate)
        self.finish_layout()
        self.setMinimumWidth(420)

    def save(self) -> int:
        day, week, sale = (
            self.day.text().strip(),
            self.week.text().strip(),
            self.sale.text().strip(),
        )
        tag, model = self.tag, self.model
        tax = self.tax_rate.currentData()

        def write(s: Session, a: Actor) -> int:
            rates.set_rate(
                s,
                a,
                tag=tag,
                model=model,
                day=day,
                week=week or None,
                sale=sale or None,
                tax_rate=tax,
            )
            return 0

        return self.context.perform(write, "rate_card")
