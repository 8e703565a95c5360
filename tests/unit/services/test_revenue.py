"""Revenue for a period per production, client, model and category; models' earnings against
their purchase value; XLSX with currency cells and CSV."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gearroom.services import invoicing, quotes, revenue
from gearroom.services.actor import Actor, PermissionDenied, Role
from tests.unit.services._money import add_client, book, job, priced_house

D = Decimal


def _invoiced(db, actor):
    with db.write() as s:
        h = priced_house(s, actor)
        add_client(s, actor, "Northlight")
        for name, items, when in (
            ("Night Train", [h.cam], date(2027, 3, 1)),
            ("Ferry", [h.lenses[0]], date(2027, 3, 5)),
            ("Late", [h.lenses[1]], date(2027, 4, 9)),  # outside the period
        ):
            prod = job(s, actor, name, client="Northlight" if name != "Ferry" else "Harbour")
            book(s, actor, prod, *items)
            quotes.accept_quote(s, actor, quotes.build_quote(s, actor, prod).number)
            draft = invoicing.draft_invoice(s, actor, prod)
            issued = invoicing.issue_invoice(s, actor, draft.number, today=when)
            if name == "Ferry":
                invoicing.credit_invoice(s, actor, issued.number, "goodwill", amount="24.00",
                                         today=when)  # fmt: skip


def test_revenue_per_production_client_model_and_category(catalog_db, actor, tmp_path):
    _invoiced(catalog_db, actor)
    with catalog_db.read() as s:
        report = revenue.revenue_report(s, actor, date(2027, 3, 1), date(2027, 3, 31))
        with pytest.raises(PermissionDenied):
            revenue.revenue_report(s, Actor("Ari", Role.ASSISTANT), date(2027, 3, 1),
                                   date(2027, 3, 31))  # fmt: skip
    # camera 4 days: min(1600, 1200) = 1200; lens 4 days: min(200, 150) = 150, credited 24.00
    # including 20 % tax = 20.00 net → 130.00
    assert report.total == D("1330.00")
    assert [(r.name, r.revenue) for r in report.by_production] == [
        ("Night Train", D("1200.00")), ("Ferry", D("130.00"))
    ]  # fmt: skip
    assert [(r.name, r.revenue) for r in report.by_client] == [
        ("Northlight", D("1200.00")), ("Harbour", D("130.00"))
    ]  # fmt: skip
    assert [(r.name, r.revenue) for r in report.by_category] == [("Camera", D("1200.00")),
                                                                 ("Lens", D("150.00"))]  # fmt: skip
    assert dict((r.name, r.revenue) for r in report.by_model)["Alexa 35"] == D("1200.00")
    cam = next(e for e in report.models if e.model == "Alexa 35")
    assert (cam.units, cam.purchase_value, cam.earned_pct) == (1, D("60000.00"), D("2.0"))

    xlsx = revenue.write_revenue_xlsx(report, tmp_path / "revenue.xlsx")
    sheet = load_workbook(xlsx)["By production"]
    assert sheet["B2"].value == 1200 and sheet["B2"].number_format == '"€"#,##0.00'
    rows = list(csv.reader(revenue.write_revenue_csv(report, tmp_path / "r.csv").open()))
    assert ["production", "Night Train", "1200.00", "EUR"] in rows
