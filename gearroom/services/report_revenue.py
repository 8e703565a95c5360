"""The kit report's revenue section: what was invoiced in the report's period, per production
and per client, for viewers who may see prices (staff and admins; never assistants).

Definitions:

Revenue
    The net (before tax) of the invoices *issued* in the period (``issued_on`` from the
    period's first to its last day, both included) plus the net of the credit notes issued in
    it, which is negative. A credit note counts in the period it is issued, whatever period
    its invoice was in. Drafts never count.

Per production, per client
    Each document counts for the production it is for and for the client it names (else the
    production's client text, else "(no client)"). Rows run from the highest revenue down.

Amounts are exact :class:`~decimal.Decimal` values from the documents' integer minor units,
kept per currency: an invoice is summed with the others of its own currency only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import Client, DocumentKind, Invoice, Production
from gearroom.services.amounts import from_minor
from gearroom.services.report_cells import Cell, Money, Section, col

NO_CLIENT = "(no client)"


@dataclass(frozen=True)
class RevenueFigures:
    """Counts and sums of one group (a production, a client, or all) in one currency."""

    currency: str
    invoices: int
    credit_notes: int
    invoiced: Decimal  # Σ net of the invoices
    credited: Decimal  # Σ net of the credit notes (0 or negative)
    tax: Decimal  # Σ tax of both
    total: Decimal  # Σ total (net + tax) of both

    @property
    def revenue(self) -> Decimal:
        """Invoiced net of credit notes, before tax."""
        return self.invoiced + self.credited


@dataclass(frozen=True)
class ProductionRevenue:
    tag: str
    production: str
    client: str
    figures: RevenueFigures


@dataclass(frozen=True)
class ClientRevenue:
    client: str
    figures: RevenueFigures


@dataclass(frozen=True)
class ReportRevenue:
    """The revenue section: totals per currency (one, in most houses) and the two groupings."""

    start: date
    end: date
    totals: tuple[RevenueFigures, ...]
    by_production: tuple[ProductionRevenue, ...]
    by_client: tuple[ClientRevenue, ...]


class _Sum:
    def __init__(self) -> None:
        self.invoices = 0
        self.credit_notes = 0
        self.invoiced = 0
        self.credited = 0
        self.tax = 0
        self.total = 0

    def add(self, kind: DocumentKind, net: int, tax: int, total: int) -> None:
        if kind is DocumentKind.CREDIT_NOTE:
            self.credit_notes += 1
            self.credited += net
        else:
            self.invoices += 1
            self.invoiced += net
        self.tax += tax
        self.total += total

    def figures(self, currency: str) -> RevenueFigures:
        return RevenueFigures(
            currency,
            self.invoices,
            self.credit_notes,
            from_minor(self.invoiced, currency),
            from_minor(self.credited, currency),
            from_minor(self.tax, currency),
            from_minor(self.total, currency),
        )

    @property
    def revenue(self) -> int:
        return self.invoiced + self.credited


def period_revenue(session: Session, start: date, end: date) -> ReportRevenue:
    """Revenue of the invoices and credit notes issued from ``start`` to ``end`` (included).

    The caller decides who may see it (the report asks its viewer's ``Permission.PRICES``).
    """
    rows = session.execute(
        select(
            Invoice.kind,
            Invoice.currency,
            Invoice.net_minor,
            Invoice.tax_minor,
            Invoice.total_minor,
            Production.tag,
            Production.name,
            Production.client,
            Client.name,
        )
        .join(Production, Production.id == Invoice.production_id)
        .outerjoin(Client, Client.id == Invoice.client_id)
        .where(Invoice.number.is_not(None), Invoice.issued_on.between(start, end))
        .order_by(Invoice.id)
    ).all()
    totals: dict[str, _Sum] = defaultdict(_Sum)
    productions: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    production_names: dict[str, tuple[str, str]] = {}
    clients: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    for kind, currency, net, tax, total, tag, name, client_text, client_name in rows:
        client = client_name or client_text or NO_CLIENT
        totals[currency].add(kind, net, tax, total)
        productions[(tag, currency)].add(kind, net, tax, total)
        production_names[tag] = (name, client)
        clients[(client, currency)].add(kind, net, tax, total)
    return ReportRevenue(
        start,
        end,
        tuple(totals[c].figures(c) for c in sorted(totals)),
        tuple(
            ProductionRevenue(tag, *production_names[tag], s.figures(currency))
            for (tag, currency), s in sorted(
                productions.items(),
                key=lambda kv: (kv[0][1], -kv[1].revenue, production_names[kv[0][0]][0]),
            )
        ),
        tuple(
            ClientRevenue(client, s.figures(currency))
            for (client, currency), s in sorted(
                clients.items(), key=lambda kv: (kv[0][1], -kv[1].revenue, kv[0][0].casefold())
            )
        ),
    )


#: Sections whose last row is a total (bold in XLSX).
TOTAL_LAST = ("productions", "revenue_productions", "revenue_clients")

_REVENUE_COLUMNS = (
    col("Currency"),
    col("Invoices", "int"),
    col("Credit notes", "int"),
    col("Invoiced (net)", "money"),
    col("Credited (net)", "money"),
    col("Revenue", "money"),
)
_REVENUE_NOTE = (
    "Net of tax: invoices issued in the period less the credit notes issued in it. "
    "The last row is the total."
)


def _figures(f: RevenueFigures) -> tuple[Cell, ...]:
    return (
        f.currency,
        f.invoices,
        f.credit_notes,
        Money(f.invoiced, f.currency),
        Money(f.credited, f.currency),
        Money(f.revenue, f.currency),
    )


def revenue_sections(revenue: ReportRevenue | None) -> tuple[Section, ...]:
    """Revenue by production and by client: none at all for a viewer who may not see prices."""
    if revenue is None:
        return ()
    productions: list[tuple[Cell, ...]] = [
        (p.tag, p.production, p.client, *_figures(p.figures)) for p in revenue.by_production
    ]
    productions += [("", "All productions", "", *_figures(f)) for f in revenue.totals]
    clients: list[tuple[Cell, ...]] = [(c.client, *_figures(c.figures)) for c in revenue.by_client]
    clients += [("All clients", *_figures(f)) for f in revenue.totals]
    return (
        Section(
            "revenue_productions",
            "Revenue by production",
            (col("Production tag"), col("Production"), col("Client"), *_REVENUE_COLUMNS),
            tuple(productions),
            _REVENUE_NOTE,
        ),
        Section(
            "revenue_clients",
            "Revenue by client",
            (col("Client"), *_REVENUE_COLUMNS),
            tuple(clients),
            _REVENUE_NOTE,
        ),
    )
