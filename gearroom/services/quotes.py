"""Quotes from a production's bookings; accepting one makes the order, its prices locked.

A quote is numbered ``Q-YYYY-NNNN`` (the year of its issue date). Rebuilding a draft changes it
in place; changing a quote that was sent makes a new version of the same number (the old one is
kept, superseded). The discount is the client's default unless the quote names its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    Client,
    Kit,
    LineKind,
    ModelReservation,
    Order,
    Production,
    Quote,
    QuoteLine,
    QuoteStatus,
    Reservation,
    StockItem,
    utcnow,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import from_minor, parse_percent
from gearroom.services.documents import (
    DocumentView,
    LineDraft,
    fill_line,
    line_tax,
    line_view,
    next_number,
    tax_summary,
    totals,
)
from gearroom.services.pricing import PricingRules, hire_days, hire_price, load_rules
from gearroom.services.productions import production_by_key, require_window
from gearroom.services.rates import Rate, asset_rate, kit_rate, model_rate, stock_rate


def _hire_line(
    rate: Rate | None,
    what: str,
    days: Decimal,
    quantity: int,
    rules: PricingRules,
    **refs: int | None,
) -> LineDraft:
    if rate is None:
        raise ValidationError(
            f"{what} has no rate: set one with 'gearroom rate set' on it, its model or its "
            "category."
        )
    unit = hire_price(rate.day, rate.week, days, rules)
    return LineDraft(
        LineKind.HIRE,
        what,
        unit * quantity,
        quantity=quantity,
        days=days,
        day_rate=rate.day,
        week_rate=rate.week,
        asset_id=refs.get("asset_id"),
        model_id=refs.get("model_id"),
        kit_id=refs.get("kit_id"),
        stock_item_id=refs.get("stock_item_id"),
        category_id=refs.get("category_id"),
        tax_rate=rate.tax_rate,
    )


def booking_lines(session: Session, production: Production, rules: PricingRules) -> list[LineDraft]:
    """One line per booked model, asset, stock item, or kit with a rate of its own."""
    start, end = require_window(production)
    days = hire_days(start, end, {d.day: d.kind for d in production.days}, rules)
    currency = rules.currency
    lines: list[LineDraft] = []
    for booking in session.scalars(
        select(ModelReservation)
        .where(ModelReservation.production_id == production.id)
        .order_by(ModelReservation.id)
    ):
        model = booking.product_model
        lines.append(
            _hire_line(
                model_rate(session, model, currency),
                model.name,
                days,
                booking.quantity,
                rules,
                model_id=model.id,
                category_id=model.category_id,
            )
        )
    whole_kits: set[int] = set()
    for r in session.scalars(
        select(Reservation)
        .where(Reservation.production_id == production.id)
        .order_by(Reservation.kit_id.is_(None), Reservation.kit_id, Reservation.id)
    ):
        if r.kit_id is not None:
            if r.kit_id in whole_kits:
                continue
            kit = session.get(Kit, r.kit_id)
            rate = kit_rate(session, kit, currency) if kit is not None else None
            if kit is not None and rate is not None:
                whole_kits.add(kit.id)
                lines.append(
                    _hire_line(rate, f"{kit.tag} {kit.name}", days, 1, rules, kit_id=kit.id)
                )
                continue
        if r.asset_id is not None:
            asset = session.get_one(Asset, r.asset_id)
            lines.append(
                _hire_line(
                    asset_rate(session, asset, currency),
                    f"{asset.tag} {asset.name}",
                    days,
                    1,
                    rules,
                    asset_id=asset.id,
                    model_id=asset.model_id or 0,
                    category_id=asset.category_id,
                    kit_id=r.kit_id or 0,
                )
            )
        elif r.stock_item_id is not None:
            item = session.get_one(StockItem, r.stock_item_id)
            lines.append(
                _hire_line(
                    stock_rate(session, item, currency),
                    f"{item.tag} {item.name}",
                    days,
                    r.quantity,
                    rules,
                    stock_item_id=item.id,
                    category_id=item.category_id,
                    kit_id=r.kit_id or 0,
                )
            )
    if not lines:
        raise ValidationError(f"{production.name} has nothing booked to quote.")
    return [_no_zero_refs(ln) for ln in lines]


def _no_zero_refs(line: LineDraft) -> LineDraft:
    return replace(
        line,
        model_id=line.model_id or None,
        kit_id=line.kit_id or None,
    )


def latest_quote(session: Session, production_id: int) -> Quote | None:
    return session.scalar(
        select(Quote).where(Quote.production_id == production_id).order_by(Quote.id.desc())
    )


def quote_by_number(session: Session, number: str) -> Quote:
    """The newest version of a quote number."""
    found = session.scalar(
        select(Quote).where(Quote.number == number.strip().upper()).order_by(Quote.version.desc())
    )
    if found is None:
        raise NotFoundError(f"There is no quote {number!r}.")
    return found


def _signature(lines: Sequence[QuoteLine]) -> list[tuple[object, ...]]:
    return [
        (
            ln.kind,
            ln.description,
            ln.quantity,
            ln.days,
            ln.gross_minor,
            ln.net_minor,
            ln.tax_name,
            ln.tax_minor,
        )
        for ln in lines
    ]


def _fill(quote: Quote, drafts: Sequence[LineDraft], rules: PricingRules) -> list[QuoteLine]:
    out: list[QuoteLine] = []
    for i, draft in enumerate(drafts, start=1):
        line = QuoteLine()
        name, pct = line_tax(draft, rules)
        fill_line(
            line,
            draft,
            position=i,
            document_discount=Decimal(quote.discount_pct),
            tax_pct=pct,
            tax_name=name,
            currency=quote.currency,
        )
        out.append(line)
    return out


def build_quote(
    session: Session,
    actor: Actor,
    production_key: str,
    *,
    discount: str | Decimal | None = None,
    today: date | None = None,
) -> DocumentView:
    """Quote a production's bookings at today's rate cards (staff and admins)."""
    actor.require(Permission.PRICES, "quote")
    today = today or date.today()
    production = production_by_key(session, production_key)
    rules = load_rules(session)
    client = session.get(Client, production.client_id) if production.client_id else None
    if discount is not None:
        pct = parse_percent(discount, what="discount")
    else:
        pct = Decimal(client.default_discount) if client is not None else Decimal(0)
    drafts = booking_lines(session, production, rules)
    previous = latest_quote(session, production.id)
    if previous is not None and previous.status is QuoteStatus.ACCEPTED:
        raise ConflictError(
            f"{previous.number} of {production.name} is accepted: its order is locked; "
            "invoice it instead."
        )
    window = require_window(production)
    if previous is not None and previous.status is QuoteStatus.DRAFT:
        quote = previous
        quote.lines.clear()
        session.flush()
        action = "revise"
    else:
        quote = Quote(
            number=previous.number if previous else next_number(session, "Q", today.year),
            version=previous.version + 1 if previous else 1,
            production_id=production.id,
            created_by=actor.name,
        )
        action = "create"
    quote.client_id = production.client_id
    quote.currency = rules.currency
    quote.issued_on = today
    quote.discount_pct = pct
    quote.hire_start, quote.hire_end = window
    new_lines = _fill(quote, drafts, rules)
    if (
        previous is not None
        and previous.status is QuoteStatus.SENT
        and _signature(previous.lines) == _signature(new_lines)
    ):
        return quote_view(session, previous)  # nothing changed since it was sent
    if previous is not None and previous.status is QuoteStatus.SENT:
        previous.status = QuoteStatus.SUPERSEDED
    quote.lines.extend(new_lines)
    if quote.id is None:
        session.add(quote)
    session.flush()
    view = quote_view(session, quote)
    history.record(
        session,
        actor,
        action,
        "quote",
        quote.id,
        production.tag,
        f"Quote {quote.number} v{quote.version} for {production.name}: {view.total} "
        f"{view.currency}",
        after={"number": quote.number, "version": quote.version, "total": view.total},
    )
    return view


def mark_sent(session: Session, actor: Actor, number: str) -> DocumentView:
    """A quote went to the client: changing it now makes a new version."""
    actor.require(Permission.PRICES, "send quotes")
    quote = quote_by_number(session, number)
    if quote.status is QuoteStatus.DRAFT:
        quote.status = QuoteStatus.SENT
        session.flush()
        history.record(
            session,
            actor,
            "send",
            "quote",
            quote.id,
            quote.number,
            f"Quote {quote.number} v{quote.version} sent",
        )
    return quote_view(session, quote)


def set_line_discount(
    session: Session, actor: Actor, number: str, position: int, discount: str | Decimal
) -> DocumentView:
    """Give one line of a quote its own discount (a sent quote gets a new version)."""
    actor.require(Permission.PRICES, "discount quotes")
    quote = quote_by_number(session, number)
    if quote.status is QuoteStatus.ACCEPTED:
        raise ConflictError(f"{quote.number} is accepted: its prices are locked.")
    pct = parse_percent(discount, what="discount")
    if not 1 <= position <= len(quote.lines):
        raise ValidationError(f"{quote.number} has lines 1 to {len(quote.lines)}, not {position}.")
    target = quote
    if quote.status is QuoteStatus.SENT:
        target = Quote(
            number=quote.number,
            version=quote.version + 1,
            production_id=quote.production_id,
            client_id=quote.client_id,
            currency=quote.currency,
            issued_on=quote.issued_on,
            discount_pct=quote.discount_pct,
            hire_start=quote.hire_start,
            hire_end=quote.hire_end,
            created_by=actor.name,
        )
        quote.status = QuoteStatus.SUPERSEDED
        for old in quote.lines:
            copy = QuoteLine()
            for column in [c.key for c in QuoteLine.__table__.columns]:
                if column not in ("id", "quote_id"):
                    setattr(copy, column, getattr(old, column))
            target.lines.append(copy)
        session.add(target)
    line = target.lines[position - 1]
    own = _line_draft(line, target.currency, pct)
    fill_line(
        line,
        own,
        position=position,
        document_discount=Decimal(target.discount_pct),
        tax_pct=Decimal(line.tax_pct),
        tax_name=line.tax_name,
        currency=target.currency,
    )
    session.flush()
    history.record(
        session,
        actor,
        "discount",
        "quote",
        target.id,
        target.number,
        f"Quote {target.number} v{target.version}: line {position} discounted {pct} %",
    )
    return quote_view(session, target)


def _line_draft(line: QuoteLine, currency: str, line_pct: Decimal) -> LineDraft:
    return LineDraft(
        line.kind,
        line.description,
        from_minor(line.gross_minor, currency),
        quantity=line.quantity,
        days=Decimal(line.days),
        day_rate=from_minor(line.day_minor, currency),
        week_rate=from_minor(line.week_minor, currency) if line.week_minor is not None else None,
        discount_pct=line_pct,
        asset_id=line.asset_id,
        model_id=line.model_id,
        kit_id=line.kit_id,
        stock_item_id=line.stock_item_id,
        category_id=line.category_id,
    )


def accept_quote(session: Session, actor: Actor, number: str) -> DocumentView:
    """The client said yes: the newest version becomes the production's order."""
    actor.require(Permission.PRICES, "accept quotes")
    quote = quote_by_number(session, number)
    if quote.status is QuoteStatus.ACCEPTED:
        raise ConflictError(f"{quote.number} is already accepted.")
    if session.scalar(select(Order).where(Order.production_id == quote.production_id)):
        raise ConflictError(f"The production of {quote.number} already has an order.")
    quote.status = QuoteStatus.ACCEPTED
    quote.accepted_at = utcnow()
    order = Order(production_id=quote.production_id, quote_id=quote.id, accepted_by=actor.name)
    session.add(order)
    session.flush()
    view = quote_view(session, quote)
    history.record(
        session,
        actor,
        "accept",
        "quote",
        quote.id,
        quote.number,
        f"Quote {quote.number} v{quote.version} accepted: the order is {view.total} "
        f"{view.currency}",
        after={"number": quote.number, "version": quote.version, "total": view.total},
    )
    return view


def quote_view(session: Session, quote: Quote) -> DocumentView:
    production = session.get_one(Production, quote.production_id)
    client = session.get(Client, quote.client_id) if quote.client_id else None
    lines = [line_view(ln, quote.currency) for ln in quote.lines]
    subtotal, discount, net, tax = totals(lines, quote.currency)
    return DocumentView(
        kind="quote",
        number=quote.number,
        status=quote.status.value,
        version=quote.version,
        production=production.name,
        client=client.name if client else production.client,
        client_address=client.billing_address if client else "",
        currency=quote.currency,
        issued_on=quote.issued_on,
        due_on=None,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount,
        net=net,
        tax=tax,
        total=net + tax,
        tax_summary=tax_summary(lines, quote.currency),
    )


def get_quote(session: Session, actor: Actor, number: str) -> DocumentView:
    actor.require(Permission.PRICES, "see quotes")
    return quote_view(session, quote_by_number(session, number))
