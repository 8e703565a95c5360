"""Payments against issued invoices (part payments add up), balances, the overdue list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import DocumentKind, Invoice, Payment
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import from_minor, parse_amount, to_minor
from gearroom.services.documents import DocumentView
from gearroom.services.invoicing import invoice_by_number, invoice_view
from gearroom.services.validation import clean_text


@dataclass(frozen=True)
class PaymentView:
    invoice: str
    amount: Decimal
    paid_on: date
    currency: str
    balance: Decimal


def add_payment(
    session: Session,
    actor: Actor,
    number: str,
    amount: str | Decimal,
    *,
    paid_on: date | None = None,
    note: str = "",
) -> PaymentView:
    """Money received against an issued invoice; more than its balance is refused."""
    actor.require(Permission.PRICES, "record payments")
    invoice = invoice_by_number(session, number)
    if invoice.number is None or invoice.kind is not DocumentKind.INVOICE:
        raise ConflictError(f"{number} is not an issued invoice: issue it before taking payment.")
    value = parse_amount(amount, invoice.currency, what="payment")
    if value <= 0:
        raise ValidationError("A payment must be more than zero.")
    before = invoice_view(session, invoice)
    if value > before.balance:
        raise ValidationError(
            f"{invoice.number} has {before.balance} {invoice.currency} left to pay; "
            f"{value} is more than that."
        )
    payment = Payment(
        invoice_id=invoice.id,
        amount_minor=to_minor(value, invoice.currency),
        paid_on=paid_on or date.today(),
        recorded_by=actor.name,
        note=clean_text(note, "note", max_length=500),
    )
    session.add(payment)
    session.flush()
    balance = before.balance - value
    history.record(
        session,
        actor,
        "payment",
        "invoice",
        invoice.id,
        invoice.number,
        f"Payment of {value} {invoice.currency} on {invoice.number}; {balance} left",
        before={"balance": before.balance},
        after={"balance": balance, "paid": value},
    )
    return PaymentView(invoice.number, value, payment.paid_on, invoice.currency, balance)


def list_invoices(
    session: Session, actor: Actor, *, overdue: bool = False, today: date | None = None
) -> list[DocumentView]:
    """Invoices and credit notes, newest first; ``overdue``: issued, unpaid and past due."""
    actor.require(Permission.PRICES, "see invoices")
    today = today or date.today()
    stmt = select(Invoice).order_by(Invoice.id.desc())
    if overdue:
        stmt = stmt.where(
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.number.is_not(None),
            Invoice.due_on < today,
        )
    views = [invoice_view(session, inv) for inv in session.scalars(stmt)]
    if overdue:
        views = [v for v in views if v.balance > 0]
    return views


def overdue_invoices(
    session: Session, actor: Actor, today: date | None = None
) -> list[DocumentView]:
    """For the dashboard: what staff and admins should chase (assistants see nothing)."""
    if not actor.can(Permission.PRICES):
        return []
    return list_invoices(session, actor, overdue=True, today=today)


def balance_of(session: Session, number: str) -> Decimal:
    invoice = invoice_by_number(session, number)
    return invoice_view(session, invoice).balance if invoice.number else from_minor(0, "EUR")
