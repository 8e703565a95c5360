"""The check-out sheet: every line's tag and serial, the custodian and a signature line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPdfWriter

from gearroom.render.sheets.layout import TEXT, Column, Sheet, mm, paint_qr, write_sheet
from gearroom.services.checkout_out import CheckoutSheet

QR_MM = 24.0


def write_checkout_sheet(
    data: CheckoutSheet,
    path: Path,
    *,
    house_name: str = "",
    page_size: str = "a4",
    now: datetime | None = None,
) -> Path:
    """Write the check-out sheet PDF; returns its path."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    out_at = (
        data.out_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if data.out_at.tzinfo
        else (data.out_at.strftime("%Y-%m-%d %H:%M"))
    )

    def build(writer: QPdfWriter) -> Sheet:
        sheet = Sheet(writer, house_name, f"Check-out #{data.checkout_id}", f"Printed {stamp}")
        qr_x = sheet.width - mm(QR_MM)

        def title(painter: QPainter, y: float) -> None:
            painter.setFont(sheet.big)
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(0, y, qr_x - mm(4), sheet.line * 1.6),
                int(Qt.AlignmentFlag.AlignVCenter),
                f"Check-out #{data.checkout_id}",
            )
            paint_qr(painter, data.production_tag, qr_x, y, QR_MM)
            painter.setFont(sheet.small)
            painter.drawText(
                QRectF(qr_x, y + mm(QR_MM) + mm(1), mm(QR_MM), sheet.line),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                data.production_tag,
            )

        sheet.place(sheet.line * 1.8, title)
        badge = f" (badge {data.custodian_badge})" if data.custodian_badge else ""
        pieces = sum(ln.quantity for ln in data.lines)
        sheet.fields(
            [
                ("Production", f"{data.production} ({data.production_tag})"),
                ("Client", data.client or "—"),
                ("Custodian", f"{data.custodian}{badge}"),
                ("Out", out_at),
                ("Due back", data.due_back.isoformat()),
                ("Handed out by", data.operator),
                ("Lines", f"{len(data.lines)} line(s), {pieces} piece(s)"),
            ],
            width=qr_x - mm(6),
        )
        sheet.y = max(sheet.y, sheet.top + mm(QR_MM) + sheet.line * 1.4)
        sheet.heading("Gear")
        sheet.table(
            [
                Column("#", 0.4, align_right=True),
                Column("Tag", 1.2),
                Column("Item", 3.1),
                Column("Serial", 1.5),
                Column("Kit", 1.0),
                Column("Qty", 0.5, align_right=True),
                Column("Back", 0.6),
            ],
            [
                [
                    str(i),
                    ln.tag,
                    ln.name,
                    ln.serial,
                    ln.kit_tag or "",
                    str(ln.quantity),
                    "[  ]",
                ]
                for i, ln in enumerate(data.lines, start=1)
            ],
            keep_last_with=sheet.signature_height(),
        )
        if data.not_taken:
            sheet.heading("Not taken (kit members that did not go out)")
            sheet.table(
                [
                    Column("Kit", 1.0),
                    Column("Tag", 1.2),
                    Column("Item", 3.3),
                    Column("Not taken", 0.9, align_right=True),
                ],
                [[m.kit_tag, m.tag, m.name, str(m.quantity)] for m in data.not_taken],
                keep_last_with=sheet.signature_height(),
            )
        sheet.signature(data.custodian, data.operator)
        return sheet

    return write_sheet(path, f"Check-out #{data.checkout_id} {data.production}", page_size, build)
