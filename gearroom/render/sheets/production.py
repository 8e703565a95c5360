"""The production sheet: the production's tag as a QR code, its days and its reserved gear."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPdfWriter

from gearroom.render.sheets.layout import TEXT, Column, Sheet, mm, paint_qr, write_sheet
from gearroom.render.text import one_line
from gearroom.services.production_sheet import ProductionSheetData

QR_MM = 30.0


def _d(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def write_production_sheet(
    data: ProductionSheetData,
    path: Path,
    *,
    house_name: str = "",
    page_size: str = "a4",
    now: datetime | None = None,
) -> Path:
    """Write the production sheet PDF; returns its path."""
    p = data.production
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")

    def build(writer: QPdfWriter) -> Sheet:
        sheet = Sheet(writer, house_name, f"Production sheet {p.tag}", f"Printed {stamp}")
        qr_w = sheet.width - mm(QR_MM)

        def title(painter: QPainter, y: float) -> None:
            painter.setFont(sheet.big)
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(0, y, qr_w - mm(4), sheet.line * 1.6),
                int(Qt.AlignmentFlag.AlignVCenter),
                one_line(p.name),
            )
            paint_qr(painter, p.tag, qr_w, y, QR_MM)
            painter.setFont(sheet.bold)
            painter.drawText(
                QRectF(qr_w, y + mm(QR_MM) + mm(1), mm(QR_MM), sheet.line),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                p.tag,
            )

        sheet.place(sheet.line * 1.8, title)
        window = f"{_d(p.window_start)} to {_d(p.window_end)}" if p.window_start else "no days yet"
        pairs = [("Client", p.client or "—")]
        if p.contact:
            pairs.append(("Contact", f"{p.contact} ({p.contact_badge})"))
        pairs.append(("Gear window", window))
        pairs.append(("Reserved", f"{len(data.reservations)} line(s)"))
        if data.out:
            pairs.append(("Out now", f"{len(data.out)} line(s)"))
        if p.notes:
            pairs.append(("Notes", " ".join(p.notes.split())))
        sheet.fields(pairs, width=qr_w - mm(6))
        # Leave the QR code's corner free before the tables start.
        sheet.y = max(sheet.y, sheet.top + mm(QR_MM) + sheet.line * 1.4)

        sheet.heading("Days")
        sheet.table(
            [
                Column("Date", 1.2),
                Column("Day", 0.8),
                Column("Kind", 0.9),
                Column("Location", 3.0),
                Column("Call", 0.8),
            ],
            [
                [
                    d.day.isoformat(),
                    d.day.strftime("%a"),
                    d.kind.value,
                    d.location,
                    d.call_time.strftime("%H:%M") if d.call_time else "",
                ]
                for d in p.days
            ],
        )
        sheet.heading("Reserved gear")
        sheet.table(
            [
                Column("Tag", 1.2),
                Column("Item", 2.4),
                Column("Serial", 1.4),
                Column("Kit", 0.9),
                Column("Qty", 0.45, align_right=True),
                Column("From", 1.15),
                Column("To", 1.15),
            ],
            [
                [
                    r.tag,
                    r.name,
                    data.serials.get(r.item_id, "") if r.item_kind == "asset" else "",
                    r.kit_tag or "",
                    str(r.quantity),
                    r.start.isoformat(),
                    r.end.isoformat(),
                ]
                for r in sorted(data.reservations, key=lambda v: (v.kit_tag or "~", v.tag))
            ],
        )
        return sheet

    return write_sheet(path, f"Production sheet {p.tag} {p.name}", page_size, build)
