"""The revenue report as a PDF: totals per production, client, model and category, and each
model's earnings beside its utilisation and purchase value. QtGui only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPdfWriter

from gearroom.render.documents import Page
from gearroom.render.pdf_file import write_pdf_document
from gearroom.services.amounts import display
from gearroom.services.revenue import SECTIONS, RevenueReport

RIGHT = Qt.AlignmentFlag.AlignRight


def _paint(page: Page, writer: QPdfWriter, report: RevenueReport, house_name: str) -> None:
    c = report.currency

    def need(rows: float) -> None:
        if page.y + rows > page.height - 10:
            writer.newPage()
            page.y = 0

    page.font(14, bold=True)
    page.text(0, page.width, 8, f"{house_name} — revenue {report.start} to {report.end}")
    page.y += 10
    page.font(10, bold=True)
    page.text(0, 100, 6, "Total (net of tax)")
    page.text(page.width - 50, 50, 6, display(report.total, c), RIGHT)
    page.y += 10
    for title, attr in SECTIONS:
        rows = getattr(report, attr)
        need(12)
        page.font(10, bold=True)
        page.text(0, page.width, 6, f"By {title.lower()}")
        page.y += 6
        page.rule()
        page.font(9)
        for row in rows:
            need(5)
            page.text(0, page.width - 50, 5, row.name)
            page.text(page.width - 50, 50, 5, display(row.revenue, c), RIGHT)
            page.y += 5
        if not rows:
            page.text(0, page.width, 5, "Nothing invoiced.")
            page.y += 5
        page.y += 4
    need(12)
    page.font(10, bold=True)
    page.text(0, page.width, 6, "Models: earnings against purchase value")
    page.y += 6
    page.rule()
    heads = ("Model", "Units", "Revenue", "Purchase value", "Utilisation", "Earned")
    xs = (0.0, 0.38, 0.46, 0.62, 0.8, 0.9)
    widths = (0.38, 0.07, 0.15, 0.17, 0.1, 0.1)
    page.font(8.5, bold=True)
    for head, x, w in zip(heads, xs, widths, strict=True):
        page.text(x * page.width, w * page.width, 5, head, None if x == 0 else RIGHT)
    page.y += 5
    page.font(8.5)
    for e in report.models:
        need(5)
        cells = (
            e.model,
            str(e.units),
            display(e.revenue, c),
            display(e.purchase_value, c),
            f"{e.utilisation_pct} %",
            f"{e.earned_pct} %",
        )
        for cell, x, w in zip(cells, xs, widths, strict=True):
            page.text(x * page.width, w * page.width, 5, cell, None if x == 0 else RIGHT)
        page.y += 5


def write_revenue_pdf(report: RevenueReport, path: Path, *, house_name: str = "") -> Path:
    return write_pdf_document(
        path,
        title=f"Revenue {report.start} to {report.end}",
        page_size="a4",
        orientation=QPageLayout.Orientation.Portrait,
        margin_mm=15,
        lay_out=lambda writer: (
            lambda painter: _paint(Page(painter, writer), writer, report, house_name or "Gearroom")
        ),
    )
