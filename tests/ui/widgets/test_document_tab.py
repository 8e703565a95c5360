"""The frame both money tabs share: reads for the production shown only, nothing for those who
may not see prices, and the tax summary in the totals when a document has several rates."""

from __future__ import annotations

from gearroom.models import Role
from gearroom.services import pricing, productions, rates, reservations
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.production_money import production_money
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.invoice_tab import InvoiceTab
from gearroom.ui.widgets.quote_tab import QuoteTab
from tests.unit.services._gear import day


def _house(context: AppContext) -> tuple[int, int]:
    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="19", tax_rates={"reduced": "7"})
        cam = create_asset(s, a, AssetDraft(name="Alexa 35", category="Camera")).tag
        lens = create_asset(s, a, AssetDraft(name="Prime 50", category="Lens")).tag
        rates.set_rate(s, a, tag=cam, day="100")
        rates.set_rate(s, a, tag=lens, day="10", tax_rate="reduced")
        ids = []
        for name, first in (("Blue Hour", 2), ("Red Dawn", 9)):
            p = productions.create_production(s, a, name, days=[ShootDayDraft(day(first))])
            reservations.reserve(s, a, name, [cam, lens])
            ids.append(p.id)
        return ids[0], ids[1]

    return context.perform(setup, "production")


def test_both_tabs_show_the_tax_rates_and_drop_stale_answers(qtbot, context) -> None:
    blue, red = _house(context)
    quote_tab, invoice_tab = QuoteTab(context), InvoiceTab(context)
    for tab in (quote_tab, invoice_tab):
        qtbot.addWidget(tab)
    quote_tab.set_production(blue)
    quote_tab.build()
    # one day each: camera 100.00 at 19 % = 19.00; lens 10.00 at 7 % = 0.70
    assert quote_tab.quote is not None and f"{quote_tab.quote.total}" == "129.70"
    assert "Tax standard 19 %: €19.00 on €100.00" in quote_tab.totals.text()
    assert "Tax reduced 7 %: €0.70 on €10.00" in quote_tab.totals.text()
    stale = context.query(lambda s: production_money(s, context.actor, blue))
    for tab in (quote_tab, invoice_tab):
        tab.set_production(red)
        tab._loaded(blue, stale, None)  # an answer for the production shown before
        assert tab.money is not None and tab.money.production_tag != stale.production_tag
    assert quote_tab.quote is None and quote_tab.heading.text() == "No quote yet"


def test_an_assistant_gets_no_money_read(qtbot, catalog_db, context) -> None:
    blue, _red = _house(context)
    assistant = AppContext(catalog_db, context.settings, Actor("ac", Role.ASSISTANT))
    for tab in (QuoteTab(assistant), InvoiceTab(assistant)):
        qtbot.addWidget(tab)
        tab.set_production(blue)
        assert tab.money is None and tab.shown() is None and tab.message.text() == ""
