"""A production's money at a glance, and the invoice list, for the desk's screens.

What the production page's Quote and Invoice tabs show (its newest quote, whether it has an
order, its invoices and credit notes) and what the Invoices page lists (each invoice with the
production it belongs to, filtered by state), read in one session each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import Invoice, Order, Production
from gearroom.services.actor import Actor, Permission
from gearroom.services.documents import DocumentView
from gearroom.services.invoicing import invoice_view
from gearroom.services.pricing import load_rules
from gearroom.services.quotes import latest_quote, quote_view

#: The states the invoice list filters by ("overdue": issued, unpaid and past its due date).
INVOICE_STATES = ("all", "draft", "issued", "overdue", "settled", "credit_note")


@dataclass(frozen=True)
class ProductionMoney:
    """A production's newest quote, whether it was accepted (its order) and its invoices."""

    production_id: int
    production_tag: str
    client: str
    currency: str
    quote: DocumentView | None
    has_order: bool
    invoices: tuple[DocumentView, ...]

    @property
    def draft(self) -> DocumentView | None:
        """The draft invoice being worked on, if any."""
        return next((v for v in self.invoices if v.status == "draft"), None)

    @property
    def issued(self) -> tuple[DocumentView, ...]:
        return tuple(v for v in self.invoices if v.kind == "invoice" and v.status != "draft")


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice or credit note in the list, with the production it belongs to."""

    document: DocumentView
    production_id: int
    production_tag: str
    overdue: bool

    @property
    def state(self) -> str:
        if self.document.kind == "credit_note":
            return "credit note"
        return "overdue" if self.overdue else self.document.status


def production_money(session: Session, actor: Actor, production_id: int) -> ProductionMoney:
    """What the Quote and Invoice tabs of one production show (staff and admins)."""
    actor.require(Permission.PRICES, "see quotes and invoices")
    production = session.get_one(Production, production_id)
    quote = latest_quote(session, production.id)
    has_order = (
        session.scalar(select(Order.id).where(Order.production_id == production.id)) is not None
    )
    invoices = session.scalars(
        select(Invoice).where(Invoice.production_id == production.id).order_by(Invoice.id)
    )
    return ProductionMoney(
        production.id,
        production.tag,
        production.client,
        load_rules(session).currency,
        quote_view(session, quote) if quote is not None else None,
        has_order,
        tuple(invoice_view(session, inv) for inv in invoices),
    )


def _is_overdue(view: DocumentView, today: date) -> bool:
    return (
        view.kind == "invoice"
        and view.status == "issued"
        and view.due_on is not None
        and view.due_on < today
        and view.balance > 0
    )


def invoice_rows(
    session: Session, actor: Actor, *, state: str = "all", today: date | None = None
) -> list[InvoiceRow]:
    """Invoices and credit notes, newest first, in one state (:data:`INVOICE_STATES`)."""
    actor.require(Permission.PRICES, "see invoices")
    if state not in INVOICE_STATES:
        raise ValueError(f"unknown invoice state {state!r}")
    today = today or date.today()
    rows: list[InvoiceRow] = []
    found = session.execute(
        select(Invoice, Production.tag)
        .join(Production, Production.id == Invoice.production_id)
        .order_by(Invoice.id.desc())
    )
    for invoice, tag in found:
        view = invoice_view(session, invoice)
        row = InvoiceRow(view, invoice.production_id, tag, _is_overdue(view, today))
        if state == "all" or (
            (state == "credit_note" and view.kind == "credit_note")
            or (state == "overdue" and row.overdue)
            or (view.kind == "invoice" and state == view.status)
        ):
            rows.append(row)
    return rows
