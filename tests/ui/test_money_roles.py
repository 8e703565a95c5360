"""Who sees money: assistants see no price on any page, staff see prices and quote and invoice
but do not change rate cards, admins do everything."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from gearroom.models import Role
from gearroom.services import (
    catalog,
    clients,
    invoicing,
    pricing,
    productions,
    quotes,
    rates,
    reservations,
)
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.dialogs.settings import SettingsDialog
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import page_by_id
from tests.ui._shots import shot
from tests.unit.services._gear import day

STAFF = Actor("kai", Role.STAFF)
ASSISTANT = Actor("ash", Role.ASSISTANT)
#: Anything that looks like an amount of money as the screens show it.
MONEY = re.compile(r"€|\d+\.\d\d\b")


@pytest.fixture
def priced(context):
    """A priced, quoted and accepted production with a drafted invoice."""

    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="20")
        clients.add_client(s, a, "Northlight Films", discount="10")
        tag = create_asset(s, a, AssetDraft(name="Alexa 35", category="Camera")).tag
        rates.set_rate(s, a, tag=tag, day="400")
        productions.create_production(
            s, a, "Night Train", client="Northlight Films", days=[ShootDayDraft(day(1))]
        )
        reservations.reserve(s, a, "Night Train", [tag])
        q = quotes.build_quote(s, a, "Night Train")
        quotes.accept_quote(s, a, q.number)
        invoicing.draft_invoice(s, a, "Night Train")
        return tag

    return context.perform(setup, "catalog")


@pytest.fixture
def window(qtbot, context, priced):
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.resize(1300, 860)
    win.show()
    return win


def go(window, page_id):
    page = page_by_id(window.pages, page_id)
    window.show_page(window.pages.index(page))
    return page


def visible_texts(root: QWidget) -> list[str]:
    """Every label and table cell a person can see on the widget."""
    out = [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(root) and w.text()]
    from PySide6.QtWidgets import QTableView

    for table in root.findChildren(QTableView):
        if not table.isVisibleTo(root):
            continue
        model = table.model()
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                out.append(str(model.index(r, c).data() or ""))
    return out


def nav_titles(window) -> set[str]:
    return {p.title for row, p in enumerate(window.pages) if not window.nav.item(row).isHidden()}


def test_an_assistant_sees_no_price_anywhere(window, context, priced):
    context.set_actor(ASSISTANT)
    assert not {"Clients", "Invoices"} & nav_titles(window)
    products = go(window, "productions")
    products.refresh()
    assert products.detail is not None
    for index in (products.money.quote_index, products.money.invoice_index):
        assert not products.tabs.isTabVisible(index)
    assert products.money.quote.money is None and products.money.invoice.money is None
    inventory = go(window, "inventory")
    inventory.assets.select_asset(context.query(lambda s: catalog.get_asset(s, priced)).id)
    assert inventory.assets.rates.isHidden()
    dashboard = go(window, "dashboard")
    overdue = dashboard.findChild(QWidget, "overdueInvoices")
    assert overdue is not None and overdue.isHidden()
    shot(window, "assistant_productions")
    for page in (products, inventory, dashboard):
        shown = [t for t in visible_texts(page) if MONEY.search(t)]
        assert shown == [], page.page_id


def test_staff_see_prices_but_change_no_rate_card(window, context, priced):
    context.set_actor(STAFF)
    assert {"Clients", "Invoices"} <= nav_titles(window)
    inventory = go(window, "inventory")
    inventory.assets.select_asset(context.query(lambda s: catalog.get_asset(s, priced)).id)
    box = inventory.assets.rates
    assert not box.isHidden() and box.day.text() == "€400.00"
    assert box.change_button.isHidden()
    products = go(window, "productions")
    products.refresh()
    assert products.tabs.isTabVisible(products.money.quote_index)
    assert products.money.quote.quote is not None
    assert products.money.quote.quote.status == "accepted"
    assert products.money.invoice.document is not None
    products.tabs.setCurrentIndex(products.money.quote_index)
    assert any(MONEY.search(t) for t in visible_texts(products))  # the detector sees prices


def test_the_admin_switching_to_an_assistant_hides_the_money_again(window, context):
    products = go(window, "productions")
    products.refresh()
    products.tabs.setCurrentIndex(products.money.invoice_index)
    context.set_actor(ASSISTANT)
    assert products.tabs.currentIndex() == 0
    assert not products.tabs.isTabVisible(products.money.invoice_index)
    context.set_actor(Actor("tester", Role.ADMIN))
    assert products.tabs.isTabVisible(products.money.invoice_index)


def test_pricing_rules_are_in_settings_for_admins_only(qtbot, context, priced):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    section = dialog.findChild(QWidget, "pricingSection")
    assert section is not None
    shot(dialog, "settings_pricing")
    context.set_actor(STAFF)
    staff_dialog = SettingsDialog(context)
    qtbot.addWidget(staff_dialog)
    assert staff_dialog.findChild(QWidget, "pricingSection") is None


def test_the_pricing_section_saves_the_rules(qtbot, context):
    from gearroom.ui.dialogs.pricing_section import PricingSection, parse_table

    section = PricingSection(context)
    qtbot.addWidget(section)
    section.currency.setText("gbp")
    section.tax.setText("20")
    section.days_per_week.setValue(4)
    section.shares["travel"].setText("0.5")
    section.shares["hold"].setText("0")
    section.table.setText("2=1.5, 3-4=2, 5-7=3")
    section.apply()
    rules = context.query(pricing.load_rules)
    assert (rules.currency, f"{rules.tax_pct}", rules.days_per_week) == ("GBP", "20", 4)
    assert {k: f"{v}" for k, v in rules.day_shares.items()} == {"travel": "0.5", "hold": "0"}
    assert [(a, b, f"{f}") for a, b, f in rules.multipliers] == [
        (2, 2, "1.5"),
        (3, 4, "2"),
        (5, 7, "3"),
    ]
    assert "GBP" in section.message.text()
    section.currency.setText("XYZ")
    section.apply()
    assert context.query(pricing.load_rules).currency == "GBP"
    assert "XYZ" in section.message.text()
    section.table.setText("three days=2")
    section.apply()
    assert "duration row" in section.message.text()
    assert parse_table("") == []


def test_the_pricing_section_keeps_named_tax_rates_and_line_kinds(qtbot, context):
    from gearroom.ui.dialogs.pricing_section import PricingSection

    section = PricingSection(context)
    qtbot.addWidget(section)
    section.tax.setText("19")
    section.tax_rates.setText("Reduced=7, zero = 0")
    section.line_tax.setText("loss=zero")
    section.apply()
    rules = context.query(pricing.load_rules)
    assert {k: f"{v}" for k, v in rules.tax_rates.items()} == {"reduced": "7", "zero": "0"}
    assert rules.line_tax == {"loss": "zero"}
    assert section.tax_rates.text() == "reduced=7, zero=0"
    again = PricingSection(context)
    qtbot.addWidget(again)
    assert (again.tax_rates.text(), again.line_tax.text()) == ("reduced=7, zero=0", "loss=zero")
    section.tax_rates.setText("reduced=7")  # zero is still named by loss lines: refused
    section.apply()
    assert "named by a rate card or a line kind" in section.message.text()
    assert set(context.query(pricing.load_rules).tax_rates) == {"reduced", "zero"}
    section.line_tax.setText("")
    section.apply()
    rules = context.query(pricing.load_rules)
    assert (set(rules.tax_rates), rules.line_tax) == ({"reduced"}, {})
    section.tax_rates.setText("reduced")
    section.apply()
    assert "not NAME=VALUE: write e.g. reduced=7" in section.message.text()
    section.resize(760, 420)
    section.show()
    qtbot.waitExposed(section)
    section.grab().save("/tmp/money/pricing-section.png")
