"""The return receipt PDF: what came back and in what condition, and what is still out.

QtGui only; the page furniture comes from :mod:`gearroom.render.picklist`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF

from gearroom.models import ReturnCondition
from gearroom.render.picklist import MARGIN_MM, MUTED, ROW_MM, STRIPE, Column, Sheet, font, mm
from gearroom.services.receipts import ReturnReceipt

RETURNED = (
    Column("Tag", 28),
    Column("Item", 90),
    Column("Qty", 14, right=True),
    Column("Condition", 50),
)
STILL_OUT = (
    Column("Tag", 28),
    Column("Item", 62),
    Column("Qty", 12, right=True),
    Column("Production", 40),
    Column("Due back", 40),
)
CONDITION_TEXT = {
    ReturnCondition.OK: "ok",
    ReturnCondition.DAMAGED: "damaged",
    ReturnCondition.SERVICE: "needs service",
    ReturnCondition.MISSING: "missing",
}


def _rows(sheet: Sheet, columns: tuple[Column, ...], rows: list[tuple[str, ...]]) -> None:
    sheet.table_header(columns)
    left = mm(MARGIN_MM)
    for i, cells in enumerate(rows):
        if sheet.new_page_if(mm(ROW_MM)):
            sheet.table_header(columns)
        if i % 2:
            sheet.painter.fillRect(
                QRectF(left, sheet.y, sheet.width - 2 * left, mm(ROW_MM)), STRIPE
            )
        x = left
        for c, value in zip(columns, cells, strict=True):
            sheet.text(
                x,
                sheet.y,
                mm(c.width_mm - (4 if c.right else 1.5)),
                mm(ROW_MM),
                value,
                font(8.5),
                right=c.right,
            )
            x += mm(c.width_mm)
        sheet.y += mm(ROW_MM)


def write_receipt(receipt: ReturnReceipt, path: Path, *, house_name: str = "") -> Path:
    """Draw a return receipt to a PDF at ``path``."""
    sheet = Sheet(path, "Return receipt")
    left = mm(MARGIN_MM)
    usable = sheet.width - 2 * left
    if house_name:
        sheet.text(left, sheet.y, usable, mm(6), house_name, font(9), color=MUTED)
        sheet.y += mm(6)
    sheet.text(left, sheet.y, usable, mm(10), "Return receipt", font(17, True))
    sheet.y += mm(11)
    who = ", ".join(receipt.custodians) or "—"
    for line in (
        f"{', '.join(receipt.productions) or '—'} · returned by {who}",
        f"Checked in {receipt.at:%Y-%m-%d %H:%M} UTC by {receipt.operator}",
    ):
        sheet.text(left, sheet.y, usable, mm(5.5), line, font(9.5), color=MUTED)
        sheet.y += mm(5.5)
    sheet.y += mm(4)
    sheet.text(left, sheet.y, usable, mm(7), f"Came back ({len(receipt.returned)})", font(11, True))
    sheet.y += mm(8)
    _rows(
        sheet,
        RETURNED,
        [
            (
                r.tag,
                r.name,
                str(r.quantity),
                CONDITION_TEXT[r.condition] + (f" · ticket #{r.ticket_id}" if r.ticket_id else ""),
            )
            for r in receipt.returned
        ],
    )
    sheet.y += mm(6)
    sheet.new_page_if(mm(20))
    sheet.text(
        left, sheet.y, usable, mm(7), f"Still out ({len(receipt.still_out)})", font(11, True)
    )
    sheet.y += mm(8)
    if receipt.still_out:
        _rows(
            sheet,
            STILL_OUT,
            [
                (
                    s.tag,
                    s.name,
                    str(s.quantity),
                    s.production,
                    s.due_back.isoformat()
                    + (" · missing" if s.missing else " · overdue" if s.overdue else ""),
                )
                for s in receipt.still_out
            ],
        )
    else:
        sheet.text(left, sheet.y, usable, mm(ROW_MM), "Nothing: everything is back.", font(9))
    sheet.finish()
    return path
