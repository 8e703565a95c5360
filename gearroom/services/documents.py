"""What quotes, invoices and credit notes share: line arithmetic, number series and views.

A line's figures, all rounded half-even to the currency's minor unit, each on its own line:

* gross = quantity × the hire price of its days (or a fixed amount: loss, damage, sale);
* net = gross × (1 − line discount) × (1 − document discount);
* tax = net × the line's tax rate (the rate its rate card names, else the one its line kind
  names, else the house's standard rate; see :meth:`PricingRules.tax_for`).

A document's net is the sum of its lines' nets, its tax the sum of their taxes, and its total
net + tax: so the total is always Σ lines + tax, to the cent. The tax summary groups the lines
by rate: per rate, Σ net and Σ tax of its lines (the tax of each line rounded on its own, so
the summary's taxes add up to the document's tax exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gearroom.models import DocumentCounter, LineKind
from gearroom.models.money import _PricedLine
from gearroom.services.amounts import from_minor, round_money, to_minor
from gearroom.services.pricing import STANDARD_TAX, PricingRules

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineDraft:
    """One line before its figures are rounded: what, how many, for how long, at what."""

    kind: LineKind
    description: str
    gross: Decimal
    quantity: int = 1
    days: Decimal = Decimal(0)
    day_rate: Decimal = Decimal(0)
    week_rate: Decimal | None = None
    discount_pct: Decimal = Decimal(0)
    asset_id: int | None = None
    model_id: int | None = None
    kit_id: int | None = None
    stock_item_id: int | None = None
    category_id: int | None = None
    #: The tax rate named for the line (its rate card's), None: the line kind's or standard.
    tax_rate: str | None = None
    #: A percent fixed already (late days at their order line's rate), used as it is.
    tax_pct: Decimal | None = None


def line_tax(draft: LineDraft, rules: PricingRules) -> tuple[str, Decimal]:
    """(name, percent) of the tax rate a draft line is taxed at."""
    if draft.tax_pct is not None:
        return draft.tax_rate or STANDARD_TAX, draft.tax_pct
    return rules.tax_for(draft.tax_rate, draft.kind.value)


def combined_discount(line_pct: Decimal, document_pct: Decimal) -> Decimal:
    """Two discounts one after the other, as one percentage (10 % then 10 % = 19 %)."""
    keep = (HUNDRED - line_pct) * (HUNDRED - document_pct) / HUNDRED
    return HUNDRED - keep


def fill_line(
    line: _PricedLine,
    draft: LineDraft,
    *,
    position: int,
    document_discount: Decimal,
    tax_pct: Decimal,
    currency: str,
    tax_name: str = "",
) -> None:
    """Set a quote or invoice line's columns from a draft, rounding each figure once."""
    gross = round_money(draft.gross, currency)
    discount = combined_discount(draft.discount_pct, document_discount)
    net = round_money(gross * (HUNDRED - discount) / HUNDRED, currency)
    tax = round_money(net * tax_pct / HUNDRED, currency)
    line.position = position
    line.kind = draft.kind
    line.description = draft.description[:300]
    line.asset_id = draft.asset_id
    line.model_id = draft.model_id
    line.kit_id = draft.kit_id
    line.stock_item_id = draft.stock_item_id
    line.category_id = draft.category_id
    line.quantity = draft.quantity
    line.days = draft.days
    line.day_minor = to_minor(draft.day_rate, currency)
    line.week_minor = to_minor(draft.week_rate, currency) if draft.week_rate is not None else None
    line.gross_minor = to_minor(gross, currency)
    line.discount_pct = discount
    line.net_minor = to_minor(net, currency)
    line.tax_pct = tax_pct
    line.tax_name = tax_name
    line.tax_minor = to_minor(tax, currency)


def next_number(session: Session, series: str, year: int) -> str:
    """The next number of a gap-free series in a year (``INV-2027-0001``).

    The counter row is locked for the rest of the transaction (``UPDATE`` on PostgreSQL takes a
    row lock; SQLite write transactions begin IMMEDIATE), so two workstations issuing at once get
    consecutive numbers and a rolled-back transaction gives its number back.
    """
    dialect = session.get_bind().dialect.name
    values = {"series": series, "year": year, "next_number": 1}
    table = DocumentCounter
    if dialect == "postgresql":
        session.execute(postgresql.insert(table).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(table).values(values).on_conflict_do_nothing())
    taken = session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.series == series, DocumentCounter.year == year)
        .values(next_number=DocumentCounter.next_number + 1)
        .returning(DocumentCounter.next_number)
    ).scalar_one()
    return f"{series}-{year}-{int(taken) - 1:04d}"


def peek_number(session: Session, series: str, year: int) -> int:
    found = session.scalar(
        select(DocumentCounter.next_number).where(
            DocumentCounter.series == series, DocumentCounter.year == year
        )
    )
    return int(found or 1)


@dataclass(frozen=True)
class LineView:
    position: int
    kind: LineKind
    description: str
    quantity: int
    days: Decimal
    day_rate: Decimal
    week_rate: Decimal | None
    gross: Decimal
    discount_pct: Decimal
    net: Decimal
    tax_pct: Decimal
    tax: Decimal
    tax_name: str = STANDARD_TAX


def line_view(line: _PricedLine, currency: str) -> LineView:
    return LineView(
        line.position,
        line.kind,
        line.description,
        line.quantity,
        Decimal(line.days),
        from_minor(line.day_minor, currency),
        from_minor(line.week_minor, currency) if line.week_minor is not None else None,
        from_minor(line.gross_minor, currency),
        Decimal(line.discount_pct).quantize(Decimal("0.01")),
        from_minor(line.net_minor, currency),
        Decimal(line.tax_pct).quantize(Decimal("0.01")),
        from_minor(line.tax_minor, currency),
        line.tax_name or STANDARD_TAX,
    )


@dataclass(frozen=True)
class TaxBand:
    """One tax rate on a document: its name, percent, and Σ net and Σ tax of its lines."""

    name: str
    tax_pct: Decimal
    net: Decimal
    tax: Decimal


def tax_summary(lines: list[LineView], currency: str) -> tuple[TaxBand, ...]:
    """The lines grouped by tax rate, highest rate first."""
    bands: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}
    zero = from_minor(0, currency)
    for ln in lines:
        net, tax = bands.get((ln.tax_name, ln.tax_pct), (zero, zero))
        bands[(ln.tax_name, ln.tax_pct)] = (net + ln.net, tax + ln.tax)
    return tuple(
        TaxBand(name, pct, net, tax)
        for (name, pct), (net, tax) in sorted(bands.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    )


@dataclass(frozen=True)
class DocumentView:
    """A quote, an invoice or a credit note as printed: every amount a Decimal."""

    kind: str  # "quote", "invoice", "credit_note"
    number: str
    status: str
    version: int
    production: str
    client: str
    client_address: str
    currency: str
    issued_on: date | None
    due_on: date | None
    lines: tuple[LineView, ...]
    subtotal: Decimal  # Σ gross
    discount: Decimal  # Σ gross − Σ net
    net: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal = Decimal(0)
    credited: Decimal = Decimal(0)
    balance: Decimal = Decimal(0)
    reference: str = ""  # a credit note: the invoice it corrects; an invoice: its order's quote
    reason: str = ""
    tax_summary: tuple[TaxBand, ...] = ()


def totals(lines: list[LineView], currency: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(subtotal, discount, net, tax) of lines, exact in the currency."""
    zero = from_minor(0, currency)
    subtotal = sum((ln.gross for ln in lines), zero)
    net = sum((ln.net for ln in lines), zero)
    tax = sum((ln.tax for ln in lines), zero)
    return subtotal, subtotal - net, net, tax
