"""Invoices: what the return adds, issuing, the database refusing to change an issued invoice,
credit notes, payments and the overdue list; property tests over the arithmetic."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import text

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import Invoice, InvoiceLine, LineKind
from gearroom.services import checkout, checkout_cart, invoicing, payments, quotes, returns
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.amounts import from_minor
from gearroom.services.documents import DocumentView, LineDraft, LineView, fill_line
from tests.unit.services._gear import day, person
from tests.unit.services._money import add_client, book, job, priced_house

D = Decimal


def _issued(db, actor, *, tax: str = "20") -> tuple[str, str]:
    with db.write() as s:
        h = priced_house(s, actor, tax=tax)
        add_client(s, actor, "Northlight", discount="10", terms=7)
        name = job(s, actor, "Night Train", client="Northlight")
        book(s, actor, name, h.cam, f"{h.batt}:4")
        q = quotes.build_quote(s, actor, name)
        quotes.accept_quote(s, actor, q.number)
        draft = invoicing.draft_invoice(s, actor, name)
        issued = invoicing.issue_invoice(s, actor, draft.number, today=date(2027, 3, 1))
    return name, issued.number


def test_stock_that_does_not_come_back_is_sold(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        name = job(s, actor, "Consumed")
        book(s, actor, name, f"{h.batt}:4")
        quotes.accept_quote(s, actor, quotes.build_quote(s, actor, name).number)
        ana = person(s, actor, "Ana Costa")
        cart = checkout_cart.new_cart(s, name, ana, due_back=day(3))
        cart = checkout_cart.scan_into_cart(s, cart, f"{h.batt}:4").cart
        checkout.commit_checkout(s, actor, cart)
        returns.checkin(s, actor, [f"{h.batt}:3"], production=name)
        view = invoicing.draft_invoice(s, actor, name)
    sold = [ln for ln in view.lines if ln.kind is LineKind.SALE]
    assert [(ln.quantity, ln.gross, ln.tax) for ln in sold] == [(1, D("30.00"), D("6.00"))]


def test_an_issued_invoice_gets_the_next_number_and_its_terms(catalog_db, actor):
    _name, number = _issued(catalog_db, actor)
    with catalog_db.read() as s:
        view = invoicing.get_invoice(s, actor, number)
    assert number == "INV-2027-0001"
    assert (view.issued_on, view.due_on) == (date(2027, 3, 1), date(2027, 3, 8))
    # camera min(1600, 1200) − 10 % = 1080.00; 4 batteries × 15 − 10 % = 54.00; tax 20 %
    assert (view.net, view.tax, view.total) == (D("1134.00"), D("226.80"), D("1360.80"))


def test_the_database_refuses_to_change_an_issued_invoice(catalog_db, actor):
    _name, number = _issued(catalog_db, actor)
    statements = [
        "UPDATE invoices SET reason = 'x' WHERE number = :n",
        "DELETE FROM invoices WHERE number = :n",
        "UPDATE invoice_lines SET net_minor = 0, tax_minor = 0 "
        "WHERE invoice_id = (SELECT id FROM invoices WHERE number = :n)",
        "DELETE FROM invoice_lines WHERE invoice_id = (SELECT id FROM invoices WHERE number = :n)",
        "INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, days, "
        "day_minor, gross_minor, discount_pct, net_minor, tax_pct, tax_minor) SELECT id, 9, "
        "'hire', 'extra', 1, 0, 0, 100, 0, 100, 0, 0 FROM invoices WHERE number = :n",
    ]
    for sql in statements:
        with (
            pytest.raises(Exception, match="issued invoice cannot change"),
            catalog_db.write() as s,
        ):
            s.execute(text(sql), {"n": number})
    with catalog_db.read() as s:
        assert invoicing.get_invoice(s, actor, number).total == D("1360.80")


def test_credit_notes_and_payments_settle_the_balance(catalog_db, actor):
    _name, number = _issued(catalog_db, actor)
    with catalog_db.write() as s:
        paid = payments.add_payment(s, actor, number, "360.80", paid_on=date(2027, 3, 2))
        assert paid.balance == D("1000.00")
        with pytest.raises(ValidationError, match="left to pay"):
            payments.add_payment(s, actor, number, "1000.01")
        overdue = payments.list_invoices(s, actor, overdue=True, today=date(2027, 3, 9))
        assert [v.number for v in overdue] == [number]
        assert payments.overdue_invoices(s, Actor("Ari", Role.ASSISTANT), date(2027, 3, 9)) == []
        part = invoicing.credit_invoice(s, actor, number, "goodwill", amount="120.00")
        assert (part.net, part.tax, part.total) == (D("-100.00"), D("-20.00"), D("-120.00"))
        with pytest.raises(ValidationError, match=r"at most 1240\.80"):
            invoicing.credit_invoice(s, actor, number, "too much", amount="1240.81")
        rest = invoicing.credit_invoice(s, actor, number, "cancelled")
        assert rest.total == D("-1240.80") and rest.number.startswith("CN-")
        with pytest.raises(ConflictError, match="credited in full"):
            invoicing.credit_invoice(s, actor, number, "again")
        view = invoicing.get_invoice(s, actor, number)
        assert (view.paid, view.credited, view.balance) == (D("360.80"), D("1360.80"), D("-360.80"))
        assert payments.list_invoices(s, actor, overdue=True, today=date(2027, 4, 1)) == []


def test_a_full_credit_note_mirrors_every_line(catalog_db, actor):
    _name, number = _issued(catalog_db, actor)
    with catalog_db.write() as s:
        note = invoicing.credit_invoice(s, actor, number, "wrong client")
        original = invoicing.get_invoice(s, actor, number)
    assert [ln.net for ln in note.lines] == [-ln.net for ln in original.lines]
    assert [ln.tax for ln in note.lines] == [-ln.tax for ln in original.lines]
    assert note.total + original.total == 0


def test_staff_invoice_and_assistants_are_refused(catalog_db, actor):
    _name, number = _issued(catalog_db, actor)
    with catalog_db.write() as s:
        assert payments.list_invoices(s, Actor("Sam", Role.STAFF))[0].number == number
        for call in (
            lambda: invoicing.get_invoice(s, Actor("Ari", Role.ASSISTANT), number),
            lambda: payments.add_payment(s, Actor("Ari", Role.ASSISTANT), number, "1"),
            lambda: payments.list_invoices(s, Actor("Ari", Role.ASSISTANT)),
        ):
            with pytest.raises(PermissionDenied):
                call()


AMOUNTS = st.integers(min_value=0, max_value=10**9)
PCTS = st.decimals(min_value=0, max_value=100, places=2)
DRAFTS = st.lists(
    st.tuples(AMOUNTS, PCTS, st.integers(min_value=1, max_value=20)), min_size=1, max_size=12
)


def _money_fields(value: object) -> list[object]:
    out: list[object] = []
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        item = getattr(value, f.name)
        if isinstance(item, tuple) and item and isinstance(item[0], LineView):
            for line in item:
                out += _money_fields(line)
        else:
            out.append(item)
    return out


@settings(max_examples=60, deadline=None)
@given(drafts=DRAFTS, document_pct=PCTS, tax=PCTS, currency=st.sampled_from(["EUR", "JPY", "KWD"]))
def test_totals_add_up_per_line_and_never_float(drafts, document_pct, tax, currency):
    invoice = Invoice(currency=currency)
    for i, (gross, pct, qty) in enumerate(drafts, start=1):
        line = InvoiceLine()
        draft = LineDraft(
            LineKind.HIRE, "x", from_minor(gross, currency) * qty, quantity=qty, discount_pct=pct
        )
        fill_line(line, draft, position=i, document_discount=document_pct, tax_pct=tax,
                  currency=currency)  # fmt: skip
        assert all(
            isinstance(getattr(line, c), int)
            for c in ("gross_minor", "net_minor", "tax_minor", "day_minor")
        )
        invoice.lines.append(line)
    invoicing._settle(invoice)
    assert invoice.total_minor == sum(ln.net_minor for ln in invoice.lines) + sum(
        ln.tax_minor for ln in invoice.lines
    )
    assert all(0 <= ln.net_minor <= ln.gross_minor for ln in invoice.lines)


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(cost=st.integers(min_value=1, max_value=10**8), tax=st.sampled_from(["0", "7", "19", "20"]))
def test_credit_notes_net_to_zero_and_documents_hold_no_float(cost, tax, tmp_path_factory):
    from gearroom.db import open_database
    from gearroom.services.setup import ensure_standard_categories

    path = tmp_path_factory.mktemp("prop") / "g.sqlite3"
    db = open_database(f"sqlite:///{path}")
    actor = Actor("tester", Role.ADMIN)
    try:
        with db.write() as s:
            ensure_standard_categories(s, actor)
        _name, number = _issued(db, actor, tax=tax)
        with db.write() as s:
            invoicing.credit_invoice(
                s,
                actor,
                number,
                "partial",
                amount=from_minor(cost % 113399 + 1, "EUR"),  # under any total
            )
            rest = invoicing.credit_invoice(s, actor, number, "the rest")
            view = invoicing.get_invoice(s, actor, number)
            assert view.credited == view.total and rest.total < 0
            for doc in (view, rest):
                assert isinstance(doc, DocumentView)
                assert not any(isinstance(v, float) for v in _money_fields(doc))
                assert all(
                    isinstance(v, Decimal)
                    for v in (doc.subtotal, doc.net, doc.tax, doc.total, doc.balance)
                )
    finally:
        db.dispose()
