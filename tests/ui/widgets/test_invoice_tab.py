"""The Invoice tab: nothing to invoice before the order; refusals said in one line."""

from __future__ import annotations

from gearroom.services import pricing, productions, quotes, rates, reservations
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.widgets.invoice_tab import InvoiceTab
from tests.unit.services._gear import day


def test_invoice_tab_before_and_after_the_order(qtbot, context) -> None:
    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="10")
        tag = create_asset(s, a, AssetDraft(name="Alexa 35", category="Camera")).tag
        rates.set_rate(s, a, tag=tag, day="100")
        p = productions.create_production(s, a, "Blue Hour", days=[ShootDayDraft(day(2))])
        reservations.reserve(s, a, "Blue Hour", [tag])
        return p.id, quotes.build_quote(s, a, "Blue Hour").number

    pid, number = context.perform(setup, "production")
    tab = InvoiceTab(context)
    qtbot.addWidget(tab)
    tab.set_production(pid)
    assert tab.document is None and not tab.draft_button.isEnabled()
    assert "Accept the quote first" in tab.state.text()
    context.perform(lambda s, a: quotes.accept_quote(s, a, number), "quote")
    tab.reload()
    assert tab.draft_button.isEnabled()
    tab.repair_key.setText("")
    tab.record_repair()
    assert "repair cost" in tab.message.text()
    tab.draft()
    assert tab.document is not None and f"{tab.document.total}" == "110.00"
    assert not tab.payment_button.isEnabled() and not tab.credit_button.isEnabled()
    tab.issue()
    issued = tab.document
    assert issued is not None and issued.number.startswith("INV-")
    tab.payment_amount.setText("500")
    tab.pay()
    assert "110.00 EUR left to pay" in tab.message.text()  # refused: more than is due
    tab.payment_amount.setText("")
    tab.pay()
    assert "amount" in tab.message.text()
    tab.credit_reason.setText("   ")
    tab.credit()
    assert "why" in tab.message.text()
    tab.credit_reason.setText("Goodwill")
    tab.credit()
    assert tab.document is not None and tab.document.kind == "credit_note"
    assert f"{tab.document.total}" == "-110.00"
    tab.reload(issued.number)
    assert f"{tab.document.balance}" == "0.00" and tab.document.status == "settled"
    assert not tab.payment_button.isEnabled()
    tab.credit()
    assert "credited in full" in tab.message.text()
