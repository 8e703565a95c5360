"""Invoices from the order plus what the return adds; issuing; credit notes.

What the return adds, line by line, each taxed at its own rate (late days at their order line's
rate; loss and damage at the rate their line kind names, else the standard rate; stock sold at
its rate card's, else its line kind's, else the standard rate):

* **late return**: every day an item came back after its due-back day, at its order line's day
  rate (the order line's discount applies);
* **loss**: an item closed out as missing, at its replacement value (else its purchase value);
* **damage**: the repair cost recorded on the service ticket its check-in opened;
* **stock sold**: consumables that did not come back, at their sale price.

A draft is rebuilt each time it is asked for. Issuing gives it the next number of the year's
gap-free series (``INV-2027-0001``) and from then on the database refuses any change to it. A
correction is a credit note (``CN-2027-0001``), issued at once, its lines negative.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    Client,
    DocumentKind,
    Invoice,
    InvoiceLine,
    LineKind,
    Order,
    Payment,
    Production,
    QuoteLine,
    ReturnCondition,
    ServiceTicket,
    StockItem,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import from_minor, parse_amount, round_money, to_minor
from gearroom.services.documents import (
    HUNDRED,
    DocumentView,
    LineDraft,
    fill_line,
    line_tax,
    line_view,
    next_number,
    tax_summary,
    totals,
)
from gearroom.services.pricing import STANDARD_TAX, load_rules
from gearroom.services.productions import production_by_key
from gearroom.services.rates import stock_rate
from gearroom.services.validation import clean_text

DRAFT_PREFIX = "DRAFT-"


def _copy(line: QuoteLine) -> InvoiceLine:
    copy = InvoiceLine()
    for column in [c.key for c in QuoteLine.__table__.columns]:
        if column not in ("id", "quote_id"):
            setattr(copy, column, getattr(line, column))
    return copy


def _order_line_for(
    lines: list[QuoteLine], cl: CheckoutLine, asset: Asset | None
) -> QuoteLine | None:
    for ln in lines:
        if asset is not None and ln.asset_id == asset.id:
            return ln
    for ln in lines:
        if cl.kit_id is not None and ln.kit_id == cl.kit_id and ln.asset_id is None:
            return ln
    for ln in lines:
        model_id = asset.model_id if asset is not None else None
        if (
            model_id is not None
            and ln.model_id == model_id
            and ln.asset_id is None
            and not ln.kit_id
        ):
            return ln
    for ln in lines:
        if cl.stock_item_id is not None and ln.stock_item_id == cl.stock_item_id:
            return ln
    return None


def return_lines(
    session: Session, production: Production, order_lines: list[QuoteLine], currency: str
) -> list[LineDraft]:
    """What the return of a production's gear adds to its order: late, loss, damage, sold."""
    out: list[LineDraft] = []
    late_kits: set[int] = set()
    rows = session.scalars(
        select(CheckoutLine)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(Checkout.production_id == production.id)
        .order_by(CheckoutLine.id)
    )
    for cl in rows:
        asset = session.get(Asset, cl.asset_id) if cl.asset_id is not None else None
        name = f"{asset.tag} {asset.name}" if asset else ""
        if cl.condition is ReturnCondition.MISSING and asset is not None:
            value = asset.replacement_value or asset.purchase_value
            if value is None:
                raise ValidationError(
                    f"{asset.tag} is lost but has no replacement or purchase value: set one first."
                )
            out.append(
                LineDraft(
                    LineKind.LOSS,
                    f"Loss: {name}",
                    Decimal(value),
                    day_rate=Decimal(0),
                    asset_id=asset.id,
                    model_id=asset.model_id,
                    category_id=asset.category_id,
                )
            )
            continue
        if cl.returned_at is not None:
            late = (cl.returned_at.date() - cl.checkout.due_back).days
            base = _order_line_for(order_lines, cl, asset)
            if late > 0 and base is not None and not (base.kit_id and base.kit_id in late_kits):
                if base.kit_id and base.asset_id is None:
                    late_kits.add(base.kit_id)
                day = from_minor(base.day_minor, currency)
                units = cl.quantity if cl.stock_item_id is not None else 1
                out.append(
                    LineDraft(
                        LineKind.LATE,
                        f"Late return, {late} day{'s' if late != 1 else ''}: {base.description}",
                        day * late * units,
                        quantity=units,
                        days=Decimal(late),
                        day_rate=day,
                        discount_pct=_undo_document(base),
                        asset_id=base.asset_id,
                        model_id=base.model_id,
                        kit_id=base.kit_id,
                        stock_item_id=base.stock_item_id,
                        category_id=base.category_id,
                        tax_rate=base.tax_name or None,
                        tax_pct=Decimal(base.tax_pct),
                    )
                )
        if cl.stock_item_id is not None:  # what has not come back by now was used up
            kept = cl.quantity - cl.returned_quantity
            if kept > 0:
                item = session.get_one(StockItem, cl.stock_item_id)
                rate = stock_rate(session, item, currency)
                if rate is None or rate.sale is None:
                    raise ValidationError(
                        f"{kept} {item.name} did not come back and {item.tag} has no sale price: "
                        f"set one with 'gearroom rate set {item.tag} --sale AMOUNT'."
                    )
                out.append(
                    LineDraft(
                        LineKind.SALE,
                        f"Sold: {item.tag} {item.name}",
                        rate.sale * kept,
                        quantity=kept,
                        day_rate=rate.sale,
                        stock_item_id=item.id,
                        category_id=item.category_id,
                        tax_rate=rate.tax_rate,
                    )
                )
    tickets = session.scalars(
        select(ServiceTicket)
        .join(CheckoutLine, CheckoutLine.id == ServiceTicket.checkout_line_id)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(Checkout.production_id == production.id, ServiceTicket.repair_cost.is_not(None))
        .order_by(ServiceTicket.id)
    )
    for t in tickets:
        out.append(
            LineDraft(
                LineKind.DAMAGE,
                f"Repair: {t.asset.tag} {t.asset.name} (ticket #{t.id})",
                Decimal(t.repair_cost or 0),
                asset_id=t.asset_id,
                model_id=t.asset.model_id,
                category_id=t.asset.category_id,
            )
        )
    return out


def _undo_document(line: QuoteLine) -> Decimal:
    """The line's combined discount: late days are discounted as the line was."""
    return Decimal(line.discount_pct)


def set_repair_cost(session: Session, actor: Actor, key: str, amount: str | Decimal) -> Decimal:
    """Record what repairing a damage costs on its service ticket (``#12`` or the asset's tag:
    its open ticket, else its newest)."""
    actor.require(Permission.PRICES, "record repair costs")
    currency = load_rules(session).currency
    value = parse_amount(amount, currency, what="repair cost")
    text = key.strip()
    if text.lstrip("#").isdigit():
        ticket = session.get(ServiceTicket, int(text.lstrip("#")))
    else:
        from gearroom.services.catalog import _asset_by_tag

        asset = _asset_by_tag(session, text)
        ticket = session.scalar(
            select(ServiceTicket)
            .where(ServiceTicket.asset_id == asset.id)
            .order_by(ServiceTicket.closed_at.is_not(None), ServiceTicket.id.desc())
        )
    if ticket is None:
        raise NotFoundError(f"There is no service ticket for {key!r}.")
    before = ticket.repair_cost
    ticket.repair_cost = value
    session.flush()
    history.record(
        session,
        actor,
        "repair_cost",
        "service_ticket",
        ticket.id,
        ticket.asset.tag,
        f"Repair cost of ticket #{ticket.id} ({ticket.asset.tag}): {value} {currency}",
        before={"repair_cost": before},
        after={"repair_cost": value},
    )
    return value


def _order_of(session: Session, production: Production) -> Order:
    order = session.scalar(select(Order).where(Order.production_id == production.id))
    if order is None:
        raise ConflictError(
            f"{production.name} has no order yet: quote it and accept the quote first."
        )
    return order


def _settle(invoice: Invoice) -> None:
    invoice.net_minor = sum(ln.net_minor for ln in invoice.lines)
    invoice.tax_minor = sum(ln.tax_minor for ln in invoice.lines)
    invoice.total_minor = invoice.net_minor + invoice.tax_minor


def draft_invoice(session: Session, actor: Actor, production_key: str) -> DocumentView:
    """The production's draft invoice, (re)built from its order and its gear's return."""
    actor.require(Permission.PRICES, "invoice")
    production = production_by_key(session, production_key)
    order = _order_of(session, production)
    quote = order.quote
    rules = load_rules(session)
    draft = session.scalar(
        select(Invoice).where(
            Invoice.production_id == production.id,
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.number.is_(None),
        )
    )
    if draft is None:
        draft = Invoice(kind=DocumentKind.INVOICE, production_id=production.id)
        session.add(draft)
    else:
        draft.lines.clear()
        session.flush()
    draft.order_id = order.id
    draft.client_id = quote.client_id
    draft.currency = quote.currency
    order_lines = list(quote.lines)
    for ordered in order_lines:
        draft.lines.append(_copy(ordered))
    extras = return_lines(session, production, order_lines, quote.currency)
    for i, extra in enumerate(extras, start=len(order_lines) + 1):
        added = InvoiceLine()
        # late days carry their order line's discount; loss, damage and sales none
        name, pct = line_tax(extra, rules)
        fill_line(
            added,
            extra,
            position=i,
            document_discount=Decimal(0),
            tax_pct=pct,
            tax_name=name,
            currency=quote.currency,
        )
        draft.lines.append(added)
    _settle(draft)
    session.flush()
    view = invoice_view(session, draft)
    history.record(
        session,
        actor,
        "draft",
        "invoice",
        draft.id,
        production.tag,
        f"Draft invoice for {production.name}: {view.total} {view.currency}",
        after={"total": view.total, "lines": len(view.lines)},
    )
    return view


def invoice_by_number(session: Session, number: str) -> Invoice:
    text = number.strip().upper()
    found: Invoice | None
    if text.startswith(DRAFT_PREFIX) and text[len(DRAFT_PREFIX) :].isdigit():
        found = session.get(Invoice, int(text[len(DRAFT_PREFIX) :]))
        if found is not None and found.number is not None:
            found = None
    else:
        found = session.scalar(select(Invoice).where(Invoice.number == text))
    if found is None:
        raise NotFoundError(f"There is no invoice or credit note {number!r}.")
    return found


def issue_invoice(
    session: Session, actor: Actor, number: str, *, today: date | None = None
) -> DocumentView:
    """Give a draft the next number of the year's series; it can never change again."""
    actor.require(Permission.PRICES, "issue invoices")
    invoice = invoice_by_number(session, number)
    if invoice.number is not None:
        raise ConflictError(f"{invoice.number} is already issued; correct it with a credit note.")
    if not invoice.lines:
        raise ValidationError("An empty invoice cannot be issued.")
    today = today or date.today()
    client = session.get(Client, invoice.client_id) if invoice.client_id else None
    invoice.number = next_number(session, "INV", today.year)
    invoice.issued_on = today
    invoice.due_on = today + timedelta(days=client.payment_terms_days if client else 30)
    invoice.issued_by = actor.name
    session.flush()
    view = invoice_view(session, invoice)
    history.record(
        session,
        actor,
        "issue",
        "invoice",
        invoice.id,
        invoice.number,
        f"Invoice {invoice.number} issued: {view.total} {view.currency}, due {invoice.due_on}",
        after={"number": invoice.number, "total": view.total, "due_on": invoice.due_on},
    )
    return view


def credited_minor(session: Session, invoice_id: int) -> int:
    """Σ of the credit notes against an invoice (a negative number or 0)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Invoice.total_minor), 0)).where(
                Invoice.credits_id == invoice_id
            )
        )
        or 0
    )


def credit_invoice(
    session: Session,
    actor: Actor,
    number: str,
    reason: str,
    *,
    amount: str | Decimal | None = None,
    today: date | None = None,
) -> DocumentView:
    """A credit note against an issued invoice: all of what is left (every line negated), or
    an amount including tax, shared among the invoice's tax rates (see :func:`_split`)."""
    actor.require(Permission.PRICES, "credit invoices")
    invoice = invoice_by_number(session, number)
    if invoice.kind is not DocumentKind.INVOICE or invoice.number is None:
        raise ConflictError(f"{number} is not an issued invoice: only those can be credited.")
    why = clean_text(reason, "reason", max_length=500, required=True)
    currency = invoice.currency
    left = invoice.total_minor + credited_minor(session, invoice.id)
    if left <= 0:
        raise ConflictError(f"{invoice.number} is already credited in full.")
    today = today or date.today()
    note = Invoice(
        kind=DocumentKind.CREDIT_NOTE,
        production_id=invoice.production_id,
        order_id=invoice.order_id,
        client_id=invoice.client_id,
        credits_id=invoice.id,
        reason=why,
        currency=currency,
    )
    if amount is None and left == invoice.total_minor:
        for line in invoice.lines:
            copy = InvoiceLine()
            for column in [c.key for c in InvoiceLine.__table__.columns]:
                if column not in ("id", "invoice_id"):
                    setattr(copy, column, getattr(line, column))
            copy.kind = LineKind.CREDIT
            copy.description = f"Credit: {line.description}"[:300]
            copy.gross_minor, copy.net_minor = -line.gross_minor, -line.net_minor
            copy.tax_minor = -line.tax_minor
            note.lines.append(copy)
    else:
        wanted = (
            to_minor(parse_amount(amount, currency, what="credit"), currency)
            if amount is not None
            else left
        )
        if wanted <= 0 or wanted > left:
            raise ValidationError(
                f"A credit against {invoice.number} must be more than 0 and at most "
                f"{from_minor(left, currency)} {currency}."
            )
        for position, (name, rate, share) in enumerate(_split(invoice, wanted), start=1):
            gross = from_minor(share, currency)
            net = to_minor(round_money(gross * HUNDRED / (HUNDRED + rate), currency), currency)
            note.lines.append(
                InvoiceLine(
                    position=position,
                    kind=LineKind.CREDIT,
                    description=f"Credit: {why}"[:300],
                    quantity=1,
                    days=Decimal(0),
                    day_minor=0,
                    gross_minor=-net,
                    discount_pct=Decimal(0),
                    net_minor=-net,
                    tax_pct=rate,
                    tax_name=name,
                    tax_minor=-(share - net),
                )
            )
    _settle(note)
    session.add(note)
    session.flush()  # lines first: once numbered, the note can take no more lines
    note.number = next_number(session, "CN", today.year)
    note.issued_on = today
    note.issued_by = actor.name
    session.flush()
    view = invoice_view(session, note)
    history.record(
        session,
        actor,
        "credit",
        "invoice",
        note.id,
        note.number,
        f"Credit note {note.number} against {invoice.number}: {view.total} {currency} ({why})",
        after={"number": note.number, "credits": invoice.number, "total": view.total},
    )
    return view


def _split(invoice: Invoice, wanted: int) -> list[tuple[str, Decimal, int]]:
    """A credit of ``wanted`` minor units (tax included) shared among the invoice's tax rates
    in proportion to each rate's total (net + tax), half-even; the last rate takes what rounding
    leaves, so the shares add up to ``wanted`` exactly. Each share is then split into net and
    tax at its own rate."""
    bands: dict[tuple[str, Decimal], int] = {}
    for ln in invoice.lines:
        key = (ln.tax_name or STANDARD_TAX, Decimal(ln.tax_pct))
        bands[key] = bands.get(key, 0) + ln.net_minor + ln.tax_minor
    ordered = sorted(((k, v) for k, v in bands.items() if v > 0), key=lambda kv: -kv[0][1])
    whole = sum(v for _, v in ordered)
    out: list[tuple[str, Decimal, int]] = []
    given = 0
    for n, ((name, rate), total) in enumerate(ordered):
        if n == len(ordered) - 1:
            share = wanted - given
        else:
            share = int((Decimal(wanted) * total / whole).to_integral_value(ROUND_HALF_EVEN))
        given += share
        if share:
            out.append((name, rate, share))
    return out


def paid_minor(session: Session, invoice_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
                Payment.invoice_id == invoice_id
            )
        )
        or 0
    )


def invoice_view(session: Session, invoice: Invoice) -> DocumentView:
    production = session.get_one(Production, invoice.production_id)
    client = session.get(Client, invoice.client_id) if invoice.client_id else None
    currency = invoice.currency
    lines = [line_view(ln, currency) for ln in invoice.lines]
    subtotal, discount, net, tax = totals(lines, currency)
    reference = ""
    paid = credited = balance = from_minor(0, currency)
    if invoice.kind is DocumentKind.CREDIT_NOTE and invoice.credits_id is not None:
        reference = session.get_one(Invoice, invoice.credits_id).number or ""
    elif invoice.order_id is not None:
        order = session.get_one(Order, invoice.order_id)
        reference = f"{order.quote.number} v{order.quote.version}"
    if invoice.kind is DocumentKind.INVOICE and invoice.number is not None:
        paid = from_minor(paid_minor(session, invoice.id), currency)
        credited = -from_minor(credited_minor(session, invoice.id), currency)
        balance = net + tax - credited - paid
    status = "draft" if invoice.number is None else "issued"
    if invoice.number is not None and invoice.kind is DocumentKind.INVOICE and balance <= 0:
        status = "settled"
    return DocumentView(
        kind=invoice.kind.value,
        number=invoice.number or f"{DRAFT_PREFIX}{invoice.id}",
        status=status,
        version=1,
        production=production.name,
        client=client.name if client else production.client,
        client_address=client.billing_address if client else "",
        currency=currency,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount,
        net=net,
        tax=tax,
        total=net + tax,
        paid=paid,
        credited=credited,
        balance=balance,
        reference=reference,
        reason=invoice.reason,
        tax_summary=tax_summary(lines, currency),
    )


def get_invoice(session: Session, actor: Actor, number: str) -> DocumentView:
    actor.require(Permission.PRICES, "see invoices")
    return invoice_view(session, invoice_by_number(session, number))
