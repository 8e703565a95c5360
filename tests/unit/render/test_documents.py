"""Quote, invoice and credit-note printouts: QtGui only, every line and figure on the page,
long documents run onto a second page."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

import gearroom.render
from gearroom.models import LineKind
from gearroom.render.documents import write_document_pdf
from gearroom.services.documents import DocumentView, LineView
from gearroom.services.pricing import House

D = Decimal


def _line(n: int) -> LineView:
    return LineView(n, LineKind.HIRE, f"LNS-{n:04d} Prime {n} mm", 1, D(4), D("50.00"), None,
                    D("150.00"), D("10.00"), D("135.00"), D("20.00"), D("27.00"))  # fmt: skip


def _text(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_a_long_invoice_runs_onto_a_second_page_with_its_totals(tmp_path):
    lines = tuple(_line(n) for n in range(1, 61))
    view = DocumentView(
        kind="invoice", number="INV-2027-0042", status="issued", version=1,
        production="Night Train", client="Northlight Films",
        client_address="1 Film Lane\nLondon", currency="EUR", issued_on=date(2027, 3, 1),
        due_on=date(2027, 3, 15), lines=lines, subtotal=D("9000.00"), discount=D("900.00"),
        net=D("8100.00"), tax=D("1620.00"), total=D("9720.00"), paid=D("720.00"),
        balance=D("9000.00"), reference="Q-2027-0007 v2",
    )  # fmt: skip
    house = House(name="Lumen Camera Rentals", address="12 Dock Road", terms="Net 14 days.",
                  logo=str(tmp_path / "missing.png"))  # fmt: skip
    pages = _text(write_document_pdf(view, house, tmp_path / "invoice.pdf"))
    assert len(pages) == 2
    assert "INV-2027-0042" in pages[0] and "Lumen Camera Rentals" in pages[0]
    assert "1 Film Lane London" in pages[0] and "Q-2027-0007 v2" in pages[0]
    every = " ".join(pages)
    assert all(f"Prime {n} mm" in every for n in range(1, 61))
    assert "€9,720.00" in pages[1] and "€9,000.00" in pages[1] and "Net 14 days." in pages[1]


def test_printouts_import_no_widgets():
    folder = Path(gearroom.render.__file__).parent
    for source in folder.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any("QtWidgets" in n or n.startswith("gearroom.ui") for n in names), source
