"""The kit report's revenue section: invoices issued in the period net of the credit notes
issued in it, per production and per client; only for viewers who may see prices.

The hand-worked week (2027-W09, Monday 1 to Sunday 7 March), 20 % tax, EUR:

* Night Train (Northlight, 10 % discount): camera 400/day, 4-day window, no week rate, 3 days a
  week → min(4 × 400, 3 × 400) = 1200.00; 4 batteries × 5/day × 4 days → min(20, 15) = 15.00
  each, 60.00; 1260.00 − 10 % = 1134.00 net, issued on Monday 1 March.
* a credit of 120.00 (tax included) against it on Tuesday: 120.00 ÷ 1.2 = 100.00 net.
* Blue Hour (Harbour Films): the lens case at 90/day, 4 days → min(360, 270) = 270.00, issued on
  Wednesday 3 March.
* Ferry: issued on 10 March, after the week: not counted. Drafts never count.

Revenue: 1134.00 + 270.00 − 100.00 = 1304.00.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gearroom.services import invoicing, quotes
from gearroom.services.actor import Actor, Role
from gearroom.services.report import build_report, report_as_dict, week_period
from gearroom.services.report_export import (
    Money,
    cell_text,
    report_sections,
    summary_rows,
    write_csv,
    write_xlsx,
)
from tests.unit.services._money import add_client, book, job, priced_house

D = Decimal
NOW = datetime(2027, 3, 12, 12, tzinfo=UTC)


def _invoiced(s, actor, name: str, on: date) -> str:
    q = quotes.build_quote(s, actor, name)
    quotes.accept_quote(s, actor, q.number)
    draft = invoicing.draft_invoice(s, actor, name)
    return invoicing.issue_invoice(s, actor, draft.number, today=on).number


@pytest.fixture
def money_week(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        add_client(s, actor, "Northlight", discount="10")
        add_client(s, actor, "Harbour Films")
        night = job(s, actor, "Night Train", client="Northlight")
        book(s, actor, night, h.cam, f"{h.batt}:4")
        number = _invoiced(s, actor, night, date(2027, 3, 1))
        invoicing.credit_invoice(
            s, actor, number, "goodwill", amount="120.00", today=date(2027, 3, 2)
        )
        blue = job(s, actor, "Blue Hour", client="Harbour Films")
        book(s, actor, blue, h.case)
        _invoiced(s, actor, blue, date(2027, 3, 3))
        ferry = job(s, actor, "Ferry", first=10, last=13)
        book(s, actor, ferry, h.cam)
        _invoiced(s, actor, ferry, date(2027, 3, 10))
        draft_only = job(s, actor, "Dry Run", first=20, last=23)
        book(s, actor, draft_only, h.cam)
        quotes.accept_quote(s, actor, quotes.build_quote(s, actor, draft_only).number)
        invoicing.draft_invoice(s, actor, draft_only)
    return catalog_db


def _report(db, viewer: Actor | None):
    with db.read() as s:
        return build_report(s, week_period("2027-W09"), now=NOW, viewer=viewer)


def test_revenue_nets_credit_notes_per_production_and_client(money_week):
    revenue = _report(money_week, Actor("desk", Role.STAFF)).revenue
    assert revenue is not None
    (total,) = revenue.totals
    assert (total.currency, total.invoices, total.credit_notes) == ("EUR", 2, 1)
    assert (total.invoiced, total.credited, total.revenue) == (
        D("1404.00"),
        D("-100.00"),
        D("1304.00"),
    )
    # tax: 226.80 + 54.00 − 20.00; totals with tax: 1360.80 + 324.00 − 120.00
    assert (total.tax, total.total) == (D("260.80"), D("1564.80"))
    assert [(p.production, p.client, p.figures.revenue) for p in revenue.by_production] == [
        ("Night Train", "Northlight", D("1034.00")),
        ("Blue Hour", "Harbour Films", D("270.00")),
    ]
    assert [(c.client, c.figures.invoices, c.figures.revenue) for c in revenue.by_client] == [
        ("Northlight", 1, D("1034.00")),
        ("Harbour Films", 1, D("270.00")),
    ]


def test_assistants_and_unnamed_viewers_get_no_revenue_at_all(money_week):
    for viewer in (Actor("ac", Role.ASSISTANT), None):
        report = _report(money_week, viewer)
        assert report.revenue is None
        assert "revenue" not in report_as_dict(report)
        keys = [s.key for s in report_sections(report)]
        assert not [k for k in keys if k.startswith("revenue")]
        assert not [r for r in summary_rows(report) if "Revenue" in str(r[0])]


def test_the_json_gains_a_revenue_key_and_keeps_every_other(money_week):
    plain_report = report_as_dict(_report(money_week, Actor("ac", Role.ASSISTANT)))
    data = report_as_dict(_report(money_week, Actor("boss", Role.ADMIN)))
    assert list(data) == [*plain_report, "revenue"]
    assert {k: v for k, v in data.items() if k != "revenue"} == plain_report
    revenue = data["revenue"]
    assert revenue["totals"] == [
        {
            "currency": "EUR",
            "invoices": 2,
            "credit_notes": 1,
            "invoiced": "1404.00",
            "credited": "-100.00",
            "revenue": "1304.00",
            "tax": "260.80",
            "total": "1564.80",
        }
    ]
    assert [(p["production"], p["revenue"]) for p in revenue["by_production"]] == [
        ("Night Train", "1034.00"),
        ("Blue Hour", "270.00"),
    ]
    assert (revenue["start"], revenue["end"]) == ("2027-03-01", "2027-03-07")


def test_the_sections_show_babel_amounts_and_export_exact_ones(money_week, tmp_path):
    report = _report(money_week, Actor("desk", Role.STAFF))
    sections = {s.key: s for s in report_sections(report)}
    by_production = sections["revenue_productions"]
    last = by_production.rows[-1]
    assert last[1] == "All productions" and last[-1] == Money(D("1304.00"), "EUR")
    assert cell_text(last[-1]) == "€1,304.00"
    assert [cell_text(v) for v in by_production.rows[0][-3:]] == [
        "€1,134.00",
        "-€100.00",
        "€1,034.00",
    ]
    assert dict(summary_rows(report))["Revenue, net of credit notes"] == Money(D("1304.00"), "EUR")

    with zipfile.ZipFile(write_csv(report, tmp_path / "week.zip")) as archive:
        names = archive.namelist()
        rows = list(csv.reader(io.StringIO(archive.read(names[-2]).decode())))
    assert names[-2:] == ["12-revenue-productions.csv", "13-revenue-clients.csv"]
    assert rows[1][2:] == ["Northlight", "EUR", "1", "1", "1134.00", "-100.00", "1034.00"]

    book = load_workbook(write_xlsx(report, tmp_path / "week.xlsx"))
    sheet = book["Revenue by client"]
    cell = sheet.cell(sheet.max_row, 7)
    assert sheet.cell(sheet.max_row, 1).value == "All clients"
    assert D(str(cell.value)) == D("1304.00") and "€" in cell.number_format
