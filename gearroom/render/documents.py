"""Quote, invoice and credit-note PDFs: the house's logo, name and address, the client, the
lines with their figures, the totals and the house's terms. QtGui only.

Amounts are printed as CLDR formats them for the currency (Babel), never through floats.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPainter,
    QPdfWriter,
    QPen,
)

from gearroom.paths import resources_dir
from gearroom.render.pdf_file import RESOLUTION, write_pdf_document
from gearroom.services.amounts import display, percent
from gearroom.services.documents import DocumentView
from gearroom.services.pricing import House

TITLES = {"quote": "Quote", "invoice": "Invoice", "credit_note": "Credit note"}
#: Columns: (title, share of the width, right-aligned)
COLUMNS = (
    ("Description", 0.42, False),
    ("Qty", 0.06, True),
    ("Days", 0.07, True),
    ("Gross", 0.13, True),
    ("Disc.", 0.07, True),
    ("Net", 0.13, True),
    ("Tax", 0.12, True),
)


def _logo(house: House) -> QImage | None:
    candidates = [Path(house.logo).expanduser()] if house.logo else []
    candidates.append(resources_dir() / "icons" / "gearroom.png")
    for path in candidates:
        image = QImage(str(path))
        if not image.isNull():
            return image
    return None


class Page:
    """A painter on a page in millimetres, with a cursor running down it."""

    def __init__(self, painter: QPainter, writer: QPdfWriter) -> None:
        self.p = painter
        self.scale = RESOLUTION / 25.4
        rect = writer.pageLayout().paintRect(QPageLayout.Unit.Millimeter)
        self.width = rect.width()
        self.height = rect.height()
        self.y = 0.0

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        s = self.scale
        return QRectF(x * s, y * s, w * s, h * s)

    def font(self, size: float, bold: bool = False) -> None:
        font = QFont("Noto Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        self.p.setFont(font)

    def text(
        self, x: float, w: float, h: float, text: str, align: Qt.AlignmentFlag | None = None
    ) -> None:
        flags = align if align is not None else Qt.AlignmentFlag.AlignLeft
        self.p.drawText(
            self.rect(x, self.y, w, h), int(flags | Qt.AlignmentFlag.AlignVCenter), text
        )

    def rule(self, weight: float = 0.2) -> None:
        pen = QPen(QColor("#555555"))
        pen.setWidthF(weight * self.scale)
        self.p.setPen(pen)
        self.p.drawLine(
            self.rect(0, self.y, self.width, 0).topLeft(),
            self.rect(0, self.y, self.width, 0).topRight(),
        )
        self.p.setPen(QColor("#000000"))


def _header(page: Page, view: DocumentView, house: House) -> None:
    logo = _logo(house)
    if logo is not None:
        page.p.drawImage(page.rect(0, 0, 18, 18), logo)
    page.y = 0
    page.font(14, bold=True)
    page.text(22, 100, 8, house.name)
    page.font(8.5)
    tax_number = f"Tax no. {house.tax_number}" if house.tax_number else ""
    details = [*house.address.splitlines(), house.email, tax_number]
    for i, line in enumerate(line for line in details if line.strip()):
        page.y = 8 + i * 4
        page.text(22, 100, 4, line)
    page.y = 0
    page.font(18, bold=True)
    title = TITLES[view.kind]
    page.text(page.width - 80, 80, 10, title, Qt.AlignmentFlag.AlignRight)
    page.font(9)
    facts = [f"No. {view.number}" + (f"  v{view.version}" if view.kind == "quote" else "")]
    if view.issued_on:
        facts.append(f"Date {view.issued_on.isoformat()}")
    if view.due_on:
        facts.append(f"Due {view.due_on.isoformat()}")
    if view.reference:
        label = "Corrects" if view.kind == "credit_note" else "Order"
        facts.append(f"{label} {view.reference}")
    for i, fact in enumerate(facts):
        page.y = 11 + i * 4.5
        page.text(page.width - 80, 80, 4.5, fact, Qt.AlignmentFlag.AlignRight)
    page.y = 36
    page.font(8, bold=True)
    page.text(0, 80, 4, "Bill to")
    page.font(10)
    for line in [view.client or "—", *view.client_address.splitlines()]:
        page.y += 4.5
        page.text(0, 100, 4.5, line)
    page.y += 6
    page.font(9)
    page.text(0, page.width, 5, f"Production: {view.production}")
    if view.reason:
        page.y += 5
        page.text(0, page.width, 5, f"Reason: {view.reason}")
    page.y += 9


def _columns(page: Page) -> list[tuple[float, float, bool]]:
    out: list[tuple[float, float, bool]] = []
    x = 0.0
    for _title, share, right in COLUMNS:
        out.append((x, share * page.width, right))
        x += share * page.width
    return out


def _row(page: Page, cells: list[str], bold: bool = False) -> None:
    page.font(8.5, bold=bold)
    for (x, w, right), cell in zip(_columns(page), cells, strict=True):
        align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        page.text(x + 0.5, w - 1, 5.5, cell, align)
    page.y += 5.5


def _tax_summary(page: Page, view: DocumentView) -> None:
    """Per tax rate: its name and percent, the net taxed at it and the tax (left of the totals)."""
    c = view.currency
    if not view.tax_summary:
        return
    columns = ((0.0, 34.0, False), (34.0, 24.0, True), (58.0, 22.0, True))  # left of the totals
    page.font(8.5, bold=True)
    for (x, w, right), title in zip(columns, ("Tax rate", "Net", "Tax"), strict=True):
        align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        page.text(x, w, 5.0, title, align)
    page.y += 5.0
    page.font(8.5)
    for band in view.tax_summary:
        cells = (
            f"{band.name} {percent(band.tax_pct)} %",
            display(band.net, c),
            display(band.tax, c),
        )
        for (x, w, right), cell in zip(columns, cells, strict=True):
            align = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            page.text(x, w, 5.0, cell, align)
        page.y += 5.0


def _paint(page: Page, writer: QPdfWriter, view: DocumentView, house: House) -> None:
    c = view.currency
    _header(page, view, house)
    _row(page, [t for t, _s, _r in COLUMNS], bold=True)
    page.rule(0.3)
    for ln in view.lines:
        if page.y > page.height - 60:
            writer.newPage()
            page.y = 0
            _row(page, [t for t, _s, _r in COLUMNS], bold=True)
            page.rule(0.3)
        _row(
            page,
            [
                ln.description,
                str(ln.quantity),
                str(percent(ln.days)) if ln.days else "",
                display(ln.gross, c),
                f"{percent(ln.discount_pct)} %" if ln.discount_pct else "",
                display(ln.net, c),
                f"{display(ln.tax, c)} ({percent(ln.tax_pct)} %)",
            ],
        )
    page.rule(0.3)
    page.y += 2
    top = page.y
    _tax_summary(page, view)
    bottom, page.y = page.y, top
    figures = [("Subtotal", view.subtotal)]
    if view.discount:
        figures.append(("Discount", -view.discount))
    figures += [("Net", view.net), ("Tax", view.tax), (f"Total {c}", view.total)]
    if view.kind == "invoice" and view.issued_on is not None and (view.paid or view.credited):
        figures += [
            ("Paid", -view.paid),
            ("Credited", -view.credited),
            ("Balance due", view.balance),
        ]
    for label, amount in figures:
        bold = label.startswith(("Total", "Balance"))
        page.font(10 if bold else 9, bold=bold)
        page.text(page.width - 90, 50, 5.5, label)
        page.text(page.width - 40, 40, 5.5, display(amount, c), Qt.AlignmentFlag.AlignRight)
        page.y += 5.5
    page.y = max(page.y, bottom)
    if house.terms:
        page.y = max(page.y + 8, page.height - 30)
        page.rule()
        page.y += 1
        page.font(8)
        page.p.drawText(
            page.rect(0, page.y, page.width, 28),
            int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
            house.terms,
        )


def write_document_pdf(view: DocumentView, house: House, path: Path) -> Path:
    """Print a quote, invoice or credit note to the PDF ``path``; returns the path written."""
    return write_pdf_document(
        path,
        title=f"{TITLES[view.kind]} {view.number}",
        page_size="a4",
        orientation=QPageLayout.Orientation.Portrait,
        margin_mm=15,
        lay_out=lambda writer: lambda painter: _paint(Page(painter, writer), writer, view, house),
    )
