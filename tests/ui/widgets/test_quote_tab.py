"""The Quote tab: refusals come back as one-line messages and leave the quote as it was."""

from __future__ import annotations

from gearroom.services import clients, pricing, productions, rates, reservations
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.widgets.quote_tab import QuoteTab
from tests.unit.services._gear import day


def test_quote_tab_builds_versions_and_refuses(qtbot, context) -> None:
    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="0")
        clients.add_client(s, a, "Parade Records", discount="5")
        tag = create_asset(s, a, AssetDraft(name="Alexa 35", category="Camera")).tag
        rates.set_rate(s, a, tag=tag, day="100")
        empty = productions.create_production(s, a, "No Days Yet", client="Parade Records")
        p = productions.create_production(
            s, a, "Blue Hour", client="Parade Records", days=[ShootDayDraft(day(2))]
        )
        reservations.reserve(s, a, "Blue Hour", [tag])
        return empty.id, p.id

    empty_id, pid = context.perform(setup, "production")
    tab = QuoteTab(context)
    qtbot.addWidget(tab)
    tab.set_production(empty_id)
    assert tab.quote is None and not tab.accept_button.isEnabled()
    tab.build()
    assert tab.quote is None and tab.message.text()  # no gear window: refused, said why
    assert "\n" not in tab.message.text()

    tab.set_production(pid)
    tab.discount.setText("lots")
    tab.build()
    assert tab.quote is None and "discount" in tab.message.text().lower()
    tab.discount.setText("")
    tab.build()
    assert tab.quote is not None and f"{tab.quote.total}" == "95.00"  # the client's 5 %
    tab.discount.setText("20")
    tab.build()
    assert (tab.quote.version, f"{tab.quote.total}") == (1, "80.00")  # a draft is revised
    tab.mark_sent()
    assert not tab.sent_button.isEnabled()
    tab.lines.selectRow(0)
    tab.line_discount.setText("50")
    tab.discount_line()
    assert (tab.quote.version, tab.quote.status) == (2, "draft")  # changed after sending
    assert f"{tab.quote.total}" == "40.00"
    tab.accept()
    assert tab.quote.status == "accepted"
    tab.build()
    assert "accepted" in tab.message.text() and f"{tab.quote.total}" == "40.00"
    tab.set_production(None)
    assert tab.quote is None and not tab.build_button.isEnabled()
