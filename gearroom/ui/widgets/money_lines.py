"""What the quote and invoice screens share: the table of a document's lines, its totals, and
saving its PDF."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from gearroom.render.documents import write_document_pdf
from gearroom.services.amounts import display
from gearroom.services.documents import DocumentView, LineView
from gearroom.services.pricing import load_house
from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.widgets.desk_table import DeskTable


@dataclass(frozen=True)
class ShownLine:
    """A line as the table shows it: the document's currency rides along."""

    line: LineView
    currency: str


def _money(value: Decimal | None, currency: str) -> str:
    return display(value, currency) if value is not None else ""


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _day_rate(s: ShownLine) -> str:
    """A hire or late line's day rate; loss, damage and sales have none."""
    return _money(s.line.day_rate, s.currency) if s.line.days else ""


LINE_COLUMNS: tuple[RecordColumn[ShownLine], ...] = (
    RecordColumn("#", lambda s: s.line.position, 34, align_right=True),
    RecordColumn("Kind", lambda s: s.line.kind.value.replace("_", " "), 58),
    RecordColumn("Description", lambda s: s.line.description, 240, stretch=True),
    RecordColumn("Qty", lambda s: s.line.quantity, 36, align_right=True),
    RecordColumn("Days", lambda s: _num(s.line.days) if s.line.days else "", 42, align_right=True),
    RecordColumn("Day rate", _day_rate, 80, align_right=True),
    RecordColumn("Gross", lambda s: _money(s.line.gross, s.currency), 84, align_right=True),
    RecordColumn("Disc. %", lambda s: _num(s.line.discount_pct), 52, align_right=True),
    RecordColumn("Net", lambda s: _money(s.line.net, s.currency), 84, align_right=True),
    RecordColumn("Tax", lambda s: _money(s.line.tax, s.currency), 72, align_right=True),
)


def line_table() -> DeskTable[ShownLine]:
    return DeskTable(LINE_COLUMNS, lambda s: s.line.position)


def show_lines(table: DeskTable[ShownLine], view: DocumentView | None) -> None:
    table.set_records([ShownLine(ln, view.currency) for ln in view.lines] if view else [])


def totals_text(view: DocumentView) -> str:
    """The totals under the lines, as on the printout."""
    c = view.currency
    parts = [
        f"Subtotal {display(view.subtotal, c)}",
        f"Discount −{display(view.discount, c)}",
        f"Net {display(view.net, c)}",
        f"Tax {display(view.tax, c)}",
        f"Total {display(view.total, c)}",
    ]
    text = "   ·   ".join(parts)
    if len(view.tax_summary) > 1:  # one rate is said by the tax column already
        text += "\n" + "   ·   ".join(
            f"Tax {b.name} {b.tax_pct.normalize():f} %: {display(b.tax, c)} on {display(b.net, c)}"
            for b in view.tax_summary
        )
    if view.kind == "invoice" and view.status != "draft":
        paid = [
            f"Paid {display(view.paid, c)}",
            f"Credited {display(view.credited, c)}",
            f"Balance due {display(view.balance, c)}",
        ]
        text += "\n" + "   ·   ".join(paid)
    return text


def totals_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("font-weight: 600;")
    return label


def save_document_pdf(
    context: AppContext, view: DocumentView, parent: QWidget, path: Path | None = None
) -> Path | None:
    """Write a quote's or invoice's PDF (asks where when no path is given)."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, f"Save {view.number}", f"{view.number}.pdf", "PDF (*.pdf)"
        )
        if not chosen:
            return None
        path = Path(chosen)
    house = context.query(load_house)
    return write_document_pdf(view, house, path)
