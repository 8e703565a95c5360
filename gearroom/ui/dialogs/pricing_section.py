"""The house's pricing rules in Settings (admins): currency, tax rate, how many day rates a
week costs, which shoot-day kinds count as hire days and at what share, and an optional
duration table of multipliers. Applied at once through the operation door."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.services import pricing
from gearroom.services.pricing import SHARE_KINDS, PricingRules
from gearroom.ui.context import AppContext

parse_table = pricing.parse_durations


def format_table(rules: PricingRules) -> str:
    """The duration table as the field shows it: ``2=1.5, 3-4=2``."""
    return pricing.format_durations(rules).replace(",", ", ")


def _rate_changes(session: Session, typed: dict[str, str]) -> dict[str, str | Decimal | None]:
    """The named rates as typed: those typed are set, those no longer typed removed."""
    before = pricing.load_rules(session).tax_rates
    changes: dict[str, str | Decimal | None] = {name: None for name in before if name not in typed}
    changes.update(typed)
    return changes


class PricingSection(QGroupBox):
    """Edits the pricing rules; shown to operators who may change rate cards (admins)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Pricing rules", parent)
        self.setObjectName("pricingSection")
        self.context = context
        self.currency = QLineEdit()
        self.currency.setObjectName("pricingCurrency")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(70)
        self.tax = QLineEdit()
        self.tax.setObjectName("pricingTax")
        self.tax.setMaximumWidth(90)
        self.days_per_week = QSpinBox()
        self.days_per_week.setObjectName("pricingDaysPerWeek")
        self.days_per_week.setRange(1, 7)
        self.days_per_week.setSuffix(" day rates a week")
        self.shares: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        for i, kind in enumerate(SHARE_KINDS):
            edit = QLineEdit()
            edit.setPlaceholderText("1")
            edit.setMaximumWidth(56)
            self.shares[kind] = edit
            grid.addWidget(QLabel(kind), 0, i)
            grid.addWidget(edit, 1, i)
        shares = QWidget()
        shares.setLayout(grid)
        self.table = QLineEdit()
        self.table.setObjectName("pricingMultipliers")
        self.table.setPlaceholderText("none: weeks and day rates (e.g. 2=1.5, 3-4=2, 5-7=3)")
        self.tax_rates = QLineEdit()
        self.tax_rates.setObjectName("pricingTaxRates")
        self.tax_rates.setPlaceholderText("none besides the standard rate (e.g. reduced=7, zero=0)")
        self.line_tax = QLineEdit()
        self.line_tax.setObjectName("pricingLineTax")
        self.line_tax.setPlaceholderText(
            "line kinds at a named rate when no rate card names one (e.g. loss=zero)"
        )
        self.apply_button = QPushButton("Apply pricing rules")
        self.apply_button.clicked.connect(lambda: self.apply())
        self.message = QLabel()
        self.message.setObjectName("pricingMessage")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.setHorizontalSpacing(12)
        form.addRow("Currency (ISO)", self.currency)
        form.addRow("Standard tax rate %", self.tax)
        form.addRow("Named tax rates %", self.tax_rates)
        form.addRow("Line kinds taxed at", self.line_tax)
        form.addRow("A week costs", self.days_per_week)
        form.addRow("Hire-day share", shares)
        form.addRow("Duration table", self.table)
        row = QHBoxLayout()
        row.addWidget(self.apply_button)
        row.addWidget(self.message, 1)
        form.addRow("", row)
        # The rules are read through the door; Apply waits for them.
        self.apply_button.setEnabled(False)
        self.message.setText("Loading…")
        context.operations.read(
            pricing.load_rules,
            on_done=self._show_rules,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the pricing rules",
        )

    def _show_rules(self, rules: PricingRules) -> None:
        self.currency.setText(rules.currency)
        self.tax.setText(f"{rules.tax_pct}")
        self.days_per_week.setValue(rules.days_per_week)
        for kind, edit in self.shares.items():
            share = rules.day_shares.get(kind)
            edit.setText(f"{share.normalize():f}" if share is not None else "")
        self.table.setText(format_table(rules))
        self.tax_rates.setText(pricing.format_tax_rates(rules))
        self.line_tax.setText(", ".join(f"{k}={v}" for k, v in sorted(rules.line_tax.items())))
        self.message.setText("")
        self.apply_button.setEnabled(True)

    def apply(self) -> None:
        """Save the rules as typed (the service validates and records them)."""
        currency, tax = self.currency.text().strip(), self.tax.text().strip()
        dpw = self.days_per_week.value()
        shares = {k: e.text().strip() for k, e in self.shares.items() if e.text().strip()}
        try:
            table = parse_table(self.table.text())
            named = pricing.parse_pairs(self.tax_rates.text(), "tax_rates", "reduced=7")
            kinds = pricing.parse_pairs(self.line_tax.text(), "line_tax", "loss=zero")
        except ValidationError as exc:
            self.message.setText(str(exc))
            return

        def done(rules: PricingRules) -> None:
            self.currency.setText(rules.currency)
            self.tax_rates.setText(pricing.format_tax_rates(rules))
            self.message.setText(
                f"Pricing rules saved: {rules.currency}, tax {rules.tax_pct} %, "
                f"a week is {rules.days_per_week} day rates."
            )

        self.context.operations.write(
            lambda s, a: pricing.set_rules(
                s,
                a,
                currency=currency,
                tax_pct=tax or "0",
                days_per_week=dpw,
                day_shares=shares,
                multipliers=table,
                tax_rates=_rate_changes(s, named),
                line_tax=kinds,
            ),
            "settings",
            on_done=done,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Saving the pricing rules",
        )
