"""The kit report's numbers as JSON-ready data with stable keys (``gearroom report --json``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gearroom.services.amounts import plain
from gearroom.services.report_results import ItemUtilisation, KitReport, Movement, TicketRow
from gearroom.services.report_revenue import ReportRevenue, RevenueFigures


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _item_dict(i: ItemUtilisation) -> dict[str, Any]:
    return {
        "tag": i.tag,
        "item": i.item,
        "category": i.category,
        "available_days": i.available_days,
        "days_out": i.days_out,
        "utilisation": round(i.ratio, 4),
        "last_out": _iso(i.last_out),
    }


def _ticket_dict(t: TicketRow) -> dict[str, Any]:
    return {
        "ticket": t.ticket_id,
        "tag": t.tag,
        "item": t.item,
        "category": t.category,
        "production": t.production_tag,
        "opened_at": _iso(t.opened_at),
        "opened_by": t.opened_by,
        "closed_at": _iso(t.closed_at),
        "closed_by": t.closed_by,
        "note": t.note,
        "days_in_service": t.days_in_service,
    }


def _movement_dict(m: Movement) -> dict[str, Any]:
    return {
        "at": _iso(m.at),
        "production": m.production_tag,
        "tag": m.tag,
        "item": m.item,
        "quantity": m.quantity,
        "custodian": m.custodian,
        "condition": m.condition,
    }


def report_as_dict(report: KitReport) -> dict[str, Any]:
    """The report's numbers as JSON-ready data with stable keys (``gearroom report --json``)."""
    t = report.totals
    data: dict[str, Any] = {
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "week": report.period.iso_week,
            "days": report.period.days,
            "timezone": report.timezone,
            "observed_until": report.observed_until.isoformat(),
        },
        "totals": {
            "productions": t.productions,
            "lines_out": t.lines_out,
            "items_out": t.items_out,
            "line_days_out": t.line_days_out,
            "checkouts": t.checkouts,
            "lines_checked_out": t.checked_out,
            "lines_returned": t.returned,
            "damaged_returns": t.damaged_returns,
            "tickets_opened": t.tickets_opened,
            "tickets_closed": t.tickets_closed,
            "in_service_at_end": t.in_service_at_end,
            "missing_at_end": t.missing_at_end,
            "overdue_at_end": t.overdue_at_end,
            "available_days": t.available_days,
            "days_out": t.days_out,
            "utilisation": round(t.utilisation, 4),
        },
        "productions": [
            {
                "tag": p.tag,
                "name": p.name,
                "client": p.client,
                "lines": p.line_count,
                "items": p.item_count,
                "days_out": p.days_out,
                "gear": [
                    {
                        "tag": g.tag,
                        "item": g.item,
                        "serial": g.serial,
                        "category": g.category,
                        "quantity": g.quantity,
                        "custodian": g.custodian,
                        "out_at": _iso(g.out_at),
                        "due_back": _iso(g.due_back),
                        "returned_at": _iso(g.returned_at),
                        "condition": g.condition,
                        "days_out": g.days_out,
                    }
                    for g in p.lines
                ],
            }
            for p in report.productions
        ],
        "checkouts": [_movement_dict(m) for m in report.checkouts],
        "returns": [_movement_dict(m) for m in report.returns],
        "service": {
            "opened": [_ticket_dict(x) for x in report.tickets_opened],
            "closed": [_ticket_dict(x) for x in report.tickets_closed],
            "in_service_at_end": [_ticket_dict(x) for x in report.in_service],
        },
        "missing_overdue": [
            {
                "state": e.state,
                "tag": e.tag,
                "item": e.item,
                "serial": e.serial,
                "production": e.production_tag,
                "custodian": e.custodian,
                "out_at": _iso(e.out_at),
                "due_back": _iso(e.due_back),
                "days_late": e.days_late,
            }
            for e in report.missing_overdue
        ],
        "utilisation": {
            "idle_weeks": report.idle_weeks,
            "categories": [
                {
                    "category": c.category,
                    "items": c.items,
                    "available_days": c.available_days,
                    "days_out": c.days_out,
                    "utilisation": round(c.ratio, 4),
                }
                for c in report.categories
            ],
            "busiest": [_item_dict(i) for i in report.busiest],
            "idle": [_item_dict(i) for i in report.idle],
            "items": [_item_dict(i) for i in report.items],
        },
    }
    if report.revenue is not None:  # only for a viewer who may see prices
        data["revenue"] = revenue_as_dict(report.revenue)
    return data


def _figures_dict(f: RevenueFigures) -> dict[str, Any]:
    return {
        "currency": f.currency,
        "invoices": f.invoices,
        "credit_notes": f.credit_notes,
        "invoiced": plain(f.invoiced, f.currency),
        "credited": plain(f.credited, f.currency),
        "revenue": plain(f.revenue, f.currency),
        "tax": plain(f.tax, f.currency),
        "total": plain(f.total, f.currency),
    }


def revenue_as_dict(revenue: ReportRevenue) -> dict[str, Any]:
    """The revenue section: amounts are decimal strings ("360.00"), one total per currency."""
    return {
        "start": revenue.start.isoformat(),
        "end": revenue.end.isoformat(),
        "totals": [_figures_dict(f) for f in revenue.totals],
        "by_production": [
            {"tag": p.tag, "production": p.production, "client": p.client}
            | _figures_dict(p.figures)
            for p in revenue.by_production
        ],
        "by_client": [{"client": c.client} | _figures_dict(c.figures) for c in revenue.by_client],
    }
