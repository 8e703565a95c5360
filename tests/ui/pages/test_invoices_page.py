"""The Invoices page and the dashboard's overdue invoices: filtered by state, an overdue one
chased from the dashboard, payments recorded and refused."""

from __future__ import annotations

from gearroom.services import (
    clients,
    invoicing,
    payments,
    pricing,
    productions,
    quotes,
    rates,
    reservations,
)
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import page_by_id
from gearroom.ui.pages.invoices import InvoicesPage
from gearroom.ui.widgets.overdue_invoices import OverdueInvoices
from tests.ui._shots import shot
from tests.unit.services._gear import day


def _invoiced(s, a, name: str, issued_days_ago: int | None) -> str:
    tag = create_asset(s, a, AssetDraft(name=f"Camera {name}", category="Camera")).tag
    rates.set_rate(s, a, tag=tag, day="100")
    productions.create_production(
        s, a, name, client="Northlight Films", days=[ShootDayDraft(day(-60))]
    )
    reservations.reserve(s, a, name, [tag])
    q = quotes.build_quote(s, a, name)
    quotes.accept_quote(s, a, q.number)
    draft = invoicing.draft_invoice(s, a, name)
    if issued_days_ago is None:
        return draft.number
    return invoicing.issue_invoice(s, a, draft.number, today=day(-issued_days_ago)).number


def setup(context) -> dict[str, str]:
    def write(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="0")
        clients.add_client(s, a, "Northlight Films", terms_days=14)
        numbers = {
            "late": _invoiced(s, a, "Old Job", 40),  # due 26 days ago
            "open": _invoiced(s, a, "Fresh Job", 2),  # due in 12 days
            "draft": _invoiced(s, a, "Next Job", None),
            "paid": _invoiced(s, a, "Paid Job", 50),
        }
        payments.add_payment(s, a, numbers["paid"], "100.00")
        numbers["credit"] = invoicing.credit_invoice(
            s, a, numbers["open"], "goodwill", amount="10"
        ).number
        return numbers

    return context.perform(write, "invoice")


def test_the_list_filters_by_state_and_takes_payments(qtbot, context) -> None:
    numbers = setup(context)
    page = InvoicesPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert {r.document.number for r in page.rows} == set(numbers.values())
    expected = {
        "draft": [numbers["draft"]],
        "issued": [numbers["open"], numbers["late"]],
        "overdue": [numbers["late"]],
        "settled": [numbers["paid"]],
        "credit_note": [numbers["credit"]],
    }
    for state, wanted in expected.items():
        page.show_state(state)
        assert [r.document.number for r in page.rows] == wanted, state
    page.show_state("overdue")
    assert page.rows[0].state == "overdue"
    assert "balance due €100.00" in page.summary.text()
    assert page.select_number(numbers["late"])
    page.amount.setText("150.00")
    page.record_payment()
    assert "left to pay" in page.message.text()  # refused: more than the balance
    assert "100.00" in page.message.text()
    page.amount.setText("100.00")
    page.record_payment()
    assert "€0.00 left to pay" in page.message.text()
    assert page.rows == []  # nothing overdue any more
    page.show_state("draft")
    assert page.select_number(numbers["draft"])
    assert not page.pay_button.isEnabled()


def test_overdue_invoices_on_the_dashboard_open_their_production(qtbot, context) -> None:
    numbers = setup(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1300, 860)
    window.show()
    dashboard = page_by_id(window.pages, "dashboard")
    section = dashboard.findChild(OverdueInvoices)
    assert section is not None and section.isVisible()
    assert [r.document.number for r in section.rows] == [numbers["late"]]
    assert section.heading.text() == "Overdue invoices (1)"
    shot(window, "dashboard_overdue")
    assert section.table.records_model.index(0, 4).data() == "26 d"
    section.table.selectRow(0)
    section.table._open_current()
    productions_page = page_by_id(window.pages, "productions")
    assert window.current_page() is productions_page
    assert productions_page.detail.production.name == "Old Job"
    # paid off elsewhere: the section empties and hides
    context.perform(lambda s, a: payments.add_payment(s, a, numbers["late"], "100"), "invoice")
    assert section.rows == [] and section.isHidden()
