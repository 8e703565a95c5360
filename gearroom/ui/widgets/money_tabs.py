"""The Quote and Invoice tabs a production page carries: shown only to operators who may see
prices (staff, admins), and pointed at the production the page shows."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from gearroom.services.actor import Permission
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.invoice_tab import InvoiceTab
from gearroom.ui.widgets.quote_tab import QuoteTab


class MoneyTabs:
    """Adds the two tabs to ``tabs`` and keeps them out of sight of roles without prices."""

    def __init__(self, context: AppContext, tabs: QTabWidget) -> None:
        self.context = context
        self.tabs = tabs
        self.quote = QuoteTab(context)
        self.invoice = InvoiceTab(context)
        self.quote_index = tabs.addTab(self.quote, "Quote")
        self.invoice_index = tabs.addTab(self.invoice, "Invoice")
        self.quote.money_changed.connect(self.invoice.reload)
        self.invoice.money_changed.connect(self.quote.reload)
        self.production_id: int | None = None
        context.actor_changed.connect(self.apply_role)
        self.apply_role()

    @property
    def allowed(self) -> bool:
        return self.context.actor.can(Permission.PRICES)

    def apply_role(self) -> None:
        allowed = self.allowed
        for index in (self.quote_index, self.invoice_index):
            self.tabs.setTabVisible(index, allowed)
        if not allowed and self.tabs.currentIndex() in (self.quote_index, self.invoice_index):
            self.tabs.setCurrentIndex(0)
        self.set_production(self.production_id)

    def set_production(self, production_id: int | None) -> None:
        self.production_id = production_id
        for tab in (self.quote, self.invoice):
            tab.set_production(production_id)
