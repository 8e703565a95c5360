"""The rental house's money in the app: a client with a 10 % discount, rate cards set on the
item pages, a production quoted from its bookings on its Quote tab, accepted, sent out, back a
day late with a damaged lens and a lost filter, invoiced, issued, part-paid on the Invoices
page and credited on its Invoice tab. The figures are the ones worked by hand in the command
line's test of the same rental."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from gearroom.models import ShootDayKind
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    payments,
    pricing,
    rates,
    reservations,
    returns,
)
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import page_by_id
from gearroom.ui.pages.clients import ClientsPage
from gearroom.ui.pages.invoices import InvoicesPage
from gearroom.ui.pages.productions import ProductionsPage
from tests.ui._shots import shot
from tests.unit.services._gear import day, person


def show(window: MainWindow, page_id: str):
    page = page_by_id(window.pages, page_id)
    assert page is not None
    window.show_page(window.pages.index(page))
    return page


def gross_net_tax(view) -> list[tuple[str, str, str, str]]:
    return [(ln.kind.value, f"{ln.gross}", f"{ln.net}", f"{ln.tax}") for ln in view.lines]


def test_quote_to_credit_note_in_the_app(qtbot, context, tmp_path, monkeypatch) -> None:
    def setup(s, a: Actor) -> dict[str, str]:
        person(s, a, "Ana Costa")
        pricing.set_rules(s, a, currency="EUR", tax_pct="19", days_per_week=3)
        tags = {
            "cam": create_asset(s, a, AssetDraft(name="Alexa 35", category="Camera")).tag,
            "lens": create_asset(s, a, AssetDraft(name="Prime 50mm", category="Lens")).tag,
            "nd": create_asset(
                s, a, AssetDraft(name="ND 0.9 filter", category="Lens", purchase_value="180.00")
            ).tag,
        }
        rates.set_rate(s, a, category="Camera", day="400", week="1000")
        return tags

    tags = context.perform(setup, "catalog")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()

    # The client, on the Clients page.
    clients_page = show(window, "clients")
    assert isinstance(clients_page, ClientsPage)
    dialog = clients_page.new_client()
    dialog.name.setText("Northlight Films")
    dialog.email.setText("ap@northlight.example")
    dialog.address.setPlainText("12 Harbour Road\nBristol BS1 4RN")
    dialog.tax_number.setText("GB 123 4567 89")
    dialog.contacts.setPlainText("Mira Okafor, line producer, +44 117 496 0000")
    dialog.terms.setValue(14)
    dialog.discount.setText("10")
    dialog.accept()
    assert [c.name for c in clients_page.list.records_model.records()] == ["Northlight Films"]
    assert clients_page.list.records_model.records()[0].payment_terms_days == 14
    shot(window, "clients_page")

    # Rate cards on the item page: the lens's model and the filter's own card.
    inventory = show(window, "inventory")
    assets = inventory.assets
    ids = {t: context.query(lambda s, t=t: catalog.get_asset(s, t)).id for t in tags.values()}
    assert assets.select_asset(ids[tags["lens"]])
    box = assets.rates
    assert box.isVisible() and box.info is not None and box.info.effective is None
    model_dialog = box.change_model()
    assert model_dialog is not None
    model_dialog.day.setText("60")
    model_dialog.accept()
    assert box.day.text() == "€60.00"
    assert assets.select_asset(ids[tags["nd"]])
    nd_dialog = box.change()
    assert nd_dialog is not None
    nd_dialog.day.setText("15.00")
    nd_dialog.accept()
    assert box.day.text() == "€15.00" and "own" in box.source.text()
    shot(window, "asset_rate_card")

    # The production, for the client chosen in its dialog, and its bookings.
    productions_page = show(window, "productions")
    assert isinstance(productions_page, ProductionsPage)
    pdialog = productions_page.new_production()
    pdialog.name.setText("Night Train")
    assert pdialog.client_choice.findText("Northlight Films") >= 0
    pdialog.client_choice.setCurrentIndex(pdialog.client_choice.findText("Northlight Films"))
    pdialog.add_day_rows(day(0), day(0), ShootDayKind.PREP)
    pdialog.add_day_rows(day(1), day(2), ShootDayKind.SHOOT)
    pdialog.add_day_rows(day(3), day(3), ShootDayKind.WRAP)
    pdialog.accept()
    context.perform(
        lambda s, a: reservations.reserve(s, a, "Night Train", list(tags.values())), "production"
    )
    productions_page.refresh()
    money = productions_page.money
    assert money.production_id is not None

    # The quote: 4 hire days at the client's 10 %, tax 19 % per line.
    quote_tab = money.quote
    productions_page.tabs.setCurrentWidget(quote_tab)
    quote_tab.build()
    quote = quote_tab.quote
    assert quote is not None and quote.number == f"Q-{day(0).year}-0001"
    assert [f"{ln.gross}" for ln in quote.lines] == ["1000.00", "180.00", "45.00"]
    assert [f"{ln.net}" for ln in quote.lines] == ["900.00", "162.00", "40.50"]
    assert (f"{quote.tax}", f"{quote.total}") == ("209.48", "1311.98")
    # a line discount (on top of the whole quote's 10 %: 45.00 × 0.5 × 0.9), taken back again
    quote_tab.lines.selectRow(2)
    quote_tab.line_discount.setText("50")
    quote_tab.discount_line()
    assert f"{quote_tab.quote.lines[2].net}" == "20.25"
    quote_tab.lines.selectRow(2)
    quote_tab.line_discount.setText("0")
    quote_tab.discount_line()
    assert f"{quote_tab.quote.total}" == "1311.98"
    quote_tab.mark_sent()
    assert quote_tab.quote.status == "sent"
    shot(window, "quote_tab")
    quote_pdf = quote_tab.save_pdf(tmp_path / "quote.pdf")
    assert quote_pdf is not None
    assert "1,311.98" in "".join(p.extract_text() for p in PdfReader(quote_pdf).pages)
    quote_tab.accept()
    assert quote_tab.quote.status == "accepted"
    assert not quote_tab.build_button.isEnabled() and not quote_tab.accept_button.isEnabled()

    # Out, and back a day late: the lens damaged, the filter lost.
    def send_out(s, a: Actor) -> None:
        cart = checkout_cart.new_cart(s, "Night Train", "Ana Costa", due_back=day(3))
        for tag in tags.values():
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, a, cart)

    context.perform(send_out, "checkout")
    later = datetime.now(UTC) + timedelta(days=4)
    monkeypatch.setattr(returns, "utcnow", lambda: later)
    context.perform(lambda s, a: returns.checkin(s, a, [tags["cam"]]), "checkin")
    context.perform(
        lambda s, a: returns.checkin(s, a, [tags["lens"]], condition="damaged", note="scratch"),
        "checkin",
    )
    context.perform(
        lambda s, a: returns.checkin(s, a, [tags["nd"]], condition="missing", note="gone"),
        "checkin",
    )

    # The invoice tab: the repair cost on the lens's ticket, the draft, issuing.
    invoice_tab = money.invoice
    productions_page.tabs.setCurrentWidget(invoice_tab)
    invoice_tab.repair_key.setText(tags["lens"])
    invoice_tab.repair_amount.setText("250.00")
    invoice_tab.record_repair()
    assert "250.00" in invoice_tab.message.text()
    invoice_tab.draft()
    draft = invoice_tab.document
    assert draft is not None and draft.status == "draft"
    assert gross_net_tax(draft) == [
        ("hire", "1000.00", "900.00", "171.00"),
        ("hire", "180.00", "162.00", "30.78"),
        ("hire", "45.00", "40.50", "7.70"),
        ("late", "400.00", "360.00", "68.40"),
        ("late", "60.00", "54.00", "10.26"),
        ("loss", "180.00", "180.00", "34.20"),
        ("damage", "250.00", "250.00", "47.50"),
    ]
    assert (f"{draft.net}", f"{draft.tax}", f"{draft.total}") == ("1946.50", "369.84", "2316.34")
    assert invoice_tab.issue_button.isEnabled() and not invoice_tab.payment_button.isEnabled()
    invoice_tab.issue()
    issued = invoice_tab.document
    assert issued is not None and issued.number == f"INV-{day(0).year}-0001"
    assert issued.due_on == issued.issued_on + timedelta(days=14)
    assert "Balance due €2,316.34" in invoice_tab.totals.text()
    shot(window, "invoice_tab")

    # Part-paid on the Invoices page.
    invoices_page = show(window, "invoices")
    assert isinstance(invoices_page, InvoicesPage)
    invoices_page.show_state("issued")
    assert [r.document.number for r in invoices_page.rows] == [issued.number]
    assert invoices_page.select_number(issued.number)
    assert invoices_page.amount.text() == "2316.34"  # the balance, ready to take in full
    invoices_page.amount.setText("1000.00")
    invoices_page.record_payment()
    assert "€1,316.34 left" in invoices_page.message.text()
    invoices_page.show_state("overdue")
    assert invoices_page.rows == []
    invoices_page.show_state("all")
    shot(window, "invoices_page")

    # Credited on the production's Invoice tab (opened from the invoice list).
    assert invoices_page.select_number(issued.number)
    invoices_page.open_selected()
    assert window.current_page() is productions_page
    assert productions_page.detail is not None
    assert productions_page.detail.production.name == "Night Train"
    productions_page.tabs.setCurrentWidget(invoice_tab)
    invoice_tab.reload(issued.number)
    invoice_tab.credit_reason.setText("Lens repair covered by insurance")
    invoice_tab.credit_amount.setText("297.50")
    invoice_tab.credit()
    note = invoice_tab.document
    assert note is not None and note.kind == "credit_note"
    assert (f"{note.net}", f"{note.tax}", f"{note.total}") == ("-250.00", "-47.50", "-297.50")
    shot(window, "credit_note")
    invoice_pdf = tmp_path / "invoice.pdf"
    invoice_tab.reload(issued.number)
    assert invoice_tab.save_pdf(invoice_pdf) == invoice_pdf
    words = "".join(p.extract_text() for p in PdfReader(invoice_pdf).pages)
    assert issued.number in words and "2,316.34" in words
    balance = context.query(lambda s: payments.balance_of(s, issued.number))
    assert f"{balance}" == "1018.84"  # 2316.34 − 1000.00 − 297.50
