"""Revenue for a period: per production, client, model and category, and per model beside its
utilisation and purchase value (what each model has earned against what it cost).

Revenue is the net (before tax) of the invoices and credit notes issued in the period; credit
notes count negative. The weekly kit report can call :func:`revenue_report` for its section.
Exports: XLSX with real currency cells (number formats from CLDR via Babel) and CSV.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import (
    Asset,
    Category,
    Checkout,
    CheckoutLine,
    Client,
    Invoice,
    InvoiceLine,
    Production,
    ProductModel,
)
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import excel_format, from_minor, plain
from gearroom.services.pricing import load_rules


@dataclass(frozen=True)
class RevenueRow:
    name: str
    revenue: Decimal


@dataclass(frozen=True)
class ModelEarnings:
    model: str
    category: str
    units: int
    revenue: Decimal
    purchase_value: Decimal
    days_out: int
    utilisation_pct: Decimal  # days out ÷ (units × days in the period)
    earned_pct: Decimal  # revenue ÷ purchase value


@dataclass(frozen=True)
class RevenueReport:
    start: date
    end: date
    currency: str
    total: Decimal
    by_production: tuple[RevenueRow, ...]
    by_client: tuple[RevenueRow, ...]
    by_model: tuple[RevenueRow, ...]
    by_category: tuple[RevenueRow, ...]
    models: tuple[ModelEarnings, ...]


def _rows(sums: dict[str, int], currency: str) -> tuple[RevenueRow, ...]:
    ordered = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(RevenueRow(name, from_minor(minor, currency)) for name, minor in ordered)


def _days_out(session: Session, start: date, end: date) -> dict[int, int]:
    """Per model: asset-days out within the period (check-out day to return day, clipped)."""
    out: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Asset.model_id, Checkout.out_at, CheckoutLine.returned_at)
        .join(CheckoutLine, CheckoutLine.asset_id == Asset.id)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(Asset.model_id.is_not(None))
    )
    for model_id, out_at, returned_at in rows:
        first = max(out_at.date(), start)
        last = min(returned_at.date() if returned_at else end, end)
        if last >= first and model_id is not None:
            out[int(model_id)] += (last - first).days + 1
    return out


def revenue_report(session: Session, actor: Actor, start: date, end: date) -> RevenueReport:
    """Revenue of the invoices and credit notes issued from ``start`` to ``end`` (included)."""
    actor.require(Permission.PRICES, "see revenue")
    if end < start:
        raise ValidationError(f"The period ends ({end}) before it starts ({start}).")
    currency = load_rules(session).currency
    lines = session.execute(
        select(
            InvoiceLine.net_minor,
            InvoiceLine.model_id,
            InvoiceLine.category_id,
            Production.name,
            Client.name,
            Production.client,
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(Production, Production.id == Invoice.production_id)
        .outerjoin(Client, Client.id == Invoice.client_id)
        .where(Invoice.number.is_not(None), Invoice.issued_on.between(start, end))
    ).all()
    models = {m.id: m for m in session.scalars(select(ProductModel))}
    categories = {c.id: c.name for c in session.scalars(select(Category))}
    by_production: dict[str, int] = defaultdict(int)
    by_client: dict[str, int] = defaultdict(int)
    by_model: dict[str, int] = defaultdict(int)
    by_model_id: dict[int, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    for net, model_id, category_id, production, client, client_text in lines:
        by_production[production] += net
        by_client[client or client_text or "(no client)"] += net
        if model_id is not None and model_id in models:
            by_model[models[model_id].name] += net
            by_model_id[model_id] += net
        if category_id is not None:
            by_category[categories.get(category_id, "?")] += net
    units: dict[int | None, int] = {}
    values: dict[int | None, Decimal] = {}
    for model_id, count, value in session.execute(
        select(
            Asset.model_id, func.count(Asset.id), func.coalesce(func.sum(Asset.purchase_value), 0)
        ).group_by(Asset.model_id)
    ):
        units[model_id] = int(count)
        values[model_id] = Decimal(value or 0)
    days = (end - start).days + 1
    out = _days_out(session, start, end)
    earnings: list[ModelEarnings] = []
    for model_id, model in models.items():
        n = int(units.get(model_id, 0))
        earned = from_minor(by_model_id.get(model_id, 0), currency)
        value = Decimal(values.get(model_id, 0) or 0).quantize(Decimal("0.01"))
        if not n and not earned:
            continue
        use = Decimal(out.get(model_id, 0) * 100) / (n * days) if n else Decimal(0)
        earnings.append(
            ModelEarnings(
                model.name,
                model.category.name,
                n,
                earned,
                value,
                out.get(model_id, 0),
                use.quantize(Decimal("0.1")),
                (earned * 100 / value).quantize(Decimal("0.1")) if value else Decimal(0),
            )
        )
    earnings.sort(key=lambda e: (-e.revenue, e.model))
    total = sum(by_production.values())
    return RevenueReport(
        start,
        end,
        currency,
        from_minor(total, currency),
        _rows(by_production, currency),
        _rows(by_client, currency),
        _rows(by_model, currency),
        _rows(by_category, currency),
        tuple(earnings),
    )


def last_days(today: date, n: int = 7) -> tuple[date, date]:
    return today - timedelta(days=n - 1), today


SECTIONS = (
    ("Production", "by_production"),
    ("Client", "by_client"),
    ("Model", "by_model"),
    ("Category", "by_category"),
)


def write_revenue_xlsx(report: RevenueReport, path: Path) -> Path:
    """One sheet per grouping and one for the models' earnings; amounts are currency cells."""
    money = excel_format(report.currency)
    book = Workbook()
    first = True
    for title, attr in SECTIONS:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = f"By {title.lower()}"
        sheet.append([title, f"Revenue ({report.currency})"])
        for row in getattr(report, attr):
            sheet.append([row.name, row.revenue])
            sheet.cell(sheet.max_row, 2).number_format = money
        sheet.append(["Total", report.total])
        sheet.cell(sheet.max_row, 2).number_format = money
    sheet = book.create_sheet("Models")
    sheet.append(
        [
            "Model",
            "Category",
            "Units",
            "Revenue",
            "Purchase value",
            "Days out",
            "Utilisation %",
            "Earned % of value",
        ]
    )
    for e in report.models:
        sheet.append(
            [
                e.model,
                e.category,
                e.units,
                e.revenue,
                e.purchase_value,
                e.days_out,
                e.utilisation_pct,
                e.earned_pct,
            ]
        )
        for col in (4, 5):
            sheet.cell(sheet.max_row, col).number_format = money
    target = Path(path).expanduser()
    book.save(target)
    return target


def _safe(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def write_revenue_csv(report: RevenueReport, path: Path) -> Path:
    """All groupings in one CSV: grouping, name, revenue (a plain decimal), currency."""
    target = Path(path).expanduser()
    with target.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["grouping", "name", "revenue", "currency"])
        for title, attr in SECTIONS:
            for row in getattr(report, attr):
                out.writerow(
                    [
                        title.lower(),
                        _safe(row.name),
                        plain(row.revenue, report.currency),
                        report.currency,
                    ]
                )
        for e in report.models:
            out.writerow(
                [
                    "model earnings",
                    _safe(e.model),
                    plain(e.revenue, report.currency),
                    report.currency,
                ]
            )
    return target
