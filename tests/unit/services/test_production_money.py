"""What the money screens read: a production's quote, order and invoices; the invoice list by
state with each invoice's production."""

from __future__ import annotations

import pytest

from gearroom.models import Role
from gearroom.services import invoicing, payments, quotes
from gearroom.services.actor import Actor, PermissionDenied
from gearroom.services.production_money import invoice_rows, production_money
from gearroom.services.productions import production_by_key
from tests.unit.services._gear import day
from tests.unit.services._money import add_client, book, job, priced_house


def test_a_production_money_follows_quote_order_and_invoices(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor, tax="0")
        add_client(s, actor, "Northlight Films", discount="10", terms=14)
        name = job(s, actor, "Night Train", client="Northlight Films", first=1, last=3)
        book(s, actor, name, h.cam)
        production = production_by_key(s, name)
        empty = production_money(s, actor, production.id)
        assert (empty.quote, empty.has_order, empty.invoices) == (None, False, ())
        q = quotes.build_quote(s, actor, name)
        quoted = production_money(s, actor, production.id)
        assert quoted.quote is not None and quoted.quote.number == q.number
        assert not quoted.has_order and quoted.draft is None
        quotes.accept_quote(s, actor, q.number)
        draft = invoicing.draft_invoice(s, actor, name)
        money = production_money(s, actor, production.id)
        assert money.has_order and money.draft is not None and money.draft.number == draft.number
        assert money.issued == () and money.production_tag == production.tag
        # 3 hire days (day 1..3) of the camera at 400.00, 3 days = a week = 3 × 400, 10 % off
        assert f"{money.draft.total}" == "1080.00"
        issued = invoicing.issue_invoice(s, actor, draft.number, today=day(-30))
        payments.add_payment(s, actor, issued.number, "80.00")
        rows = {state: [r.document.number for r in invoice_rows(s, actor, state=state)]
                for state in ("all", "draft", "issued", "overdue", "settled")}  # fmt: skip
        assert rows == {
            "all": [issued.number],
            "draft": [],
            "issued": [issued.number],
            "overdue": [issued.number],  # due 16 days ago, 1000.00 left
            "settled": [],
        }
        (row,) = invoice_rows(s, actor, state="overdue")
        assert (row.production_id, row.production_tag, row.state) == (
            production.id,
            production.tag,
            "overdue",
        )
        assert f"{row.document.balance}" == "1000.00"
        with pytest.raises(ValueError):
            invoice_rows(s, actor, state="paid-ish")
        with pytest.raises(PermissionDenied):
            production_money(s, Actor("ash", Role.ASSISTANT), production.id)
        with pytest.raises(PermissionDenied):
            invoice_rows(s, Actor("ash", Role.ASSISTANT))
