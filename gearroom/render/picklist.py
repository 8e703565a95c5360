"""The pick list PDF for the prep technician: sorted by location, a tick box per line, the
production's QR tag at the top so scanning the sheet opens the production's check-out.

QtGui only. The QR code comes from the ``qrcode`` library as a matrix, is put into a QImage one
pixel per module and drawn scaled without smoothing, so every module stays a crisp square.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import qrcode
import qrcode.constants
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from gearroom.errors import GearroomError
from gearroom.render.gui import ensure_gui_app
from gearroom.services.picklist import PickList

RESOLUTION = 300
DOTS_PER_MM = RESOLUTION / 25.4
MARGIN_MM = 14.0
ROW_MM = 7.0
TEXT = QColor("#1d232a")
MUTED = QColor("#5a636c")
RULE = QColor("#8a949e")
STRIPE = QColor("#f2f4f6")


class RenderError(GearroomError):
    """A PDF could not be written (folder missing, no permission, disk full)."""


def mm(value: float) -> float:
    return value * DOTS_PER_MM


def font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"])
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def qr_image(text: str) -> QImage:
    """``text`` as a QR code, one pixel per module, black on white (no quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = QImage(size, size, QImage.Format.Format_Grayscale8)
    image.fill(255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x, y, 0)
    return image


def draw_qr(painter: QPainter, text: str, rect: QRectF) -> None:
    """The QR of ``text`` filling ``rect``, scaled without smoothing."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(rect, qr_image(text))
    painter.restore()


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    right: bool = False


class Sheet:
    """A4 portrait pages with a running header line and rows that flow onto new pages."""

    def __init__(self, path: Path, title: str) -> None:
        ensure_gui_app()
        self.path = path
        self.writer = QPdfWriter(str(path))
        self.writer.setResolution(RESOLUTION)
        self.writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self.writer.setPageOrientation(QPageLayout.Orientation.Portrait)
        # The sheet keeps its own margins: the whole page is the paint area.
        self.writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        self.writer.setTitle(title)
        self.writer.setCreator("Gearroom")
        self.painter = QPainter()
        if not self.painter.begin(self.writer):
            raise RenderError(f"Cannot write {path}: check the folder exists and is writable.")
        self.width = self.writer.width()
        self.height = self.writer.height()
        self.y = mm(MARGIN_MM)
        self.page = 1

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        value: str,
        f: QFont,
        *,
        right: bool = False,
        color: QColor = TEXT,
    ) -> None:
        p = self.painter
        p.setFont(f)
        p.setPen(color)
        shown = QFontMetricsF(f, self.writer).elidedText(value, Qt.TextElideMode.ElideRight, w)
        align = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        )
        p.drawText(QRectF(x, y, w, h), int(align), shown)

    def new_page_if(self, need: float) -> bool:
        if self.y + need <= self.height - mm(MARGIN_MM + 8):
            return False
        self.footer()
        self.writer.newPage()
        self.page += 1
        self.y = mm(MARGIN_MM)
        return True

    def footer(self) -> None:
        self.text(
            mm(MARGIN_MM),
            self.height - mm(MARGIN_MM + 4),
            self.width - mm(2 * MARGIN_MM),
            mm(5),
            f"Page {self.page}",
            font(7),
            right=True,
            color=MUTED,
        )

    def table_header(self, columns: Sequence[Column]) -> None:
        x = mm(MARGIN_MM)
        for c in columns:
            self.text(
                x,
                self.y,
                mm(c.width_mm - (4 if c.right else 1.5)),
                mm(ROW_MM),
                c.title,
                font(8, True),
                right=c.right,
            )
            x += mm(c.width_mm)
        self.y += mm(ROW_MM)
        p = self.painter
        p.setPen(QPen(RULE, mm(0.3)))
        p.drawLine(int(mm(MARGIN_MM)), int(self.y), int(self.width - mm(MARGIN_MM)), int(self.y))

    def finish(self) -> None:
        self.footer()
        if not self.painter.end():
            raise RenderError(f"Cannot finish {self.path}: is the disk full?")


COLUMNS = (
    Column("", 9),
    Column("Location", 34),
    Column("Tag", 26),
    Column("Item", 74),
    Column("Kit", 24),
    Column("Picked", 15, right=True),
)


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def write_picklist(pick: PickList, path: Path, *, house_name: str = "") -> Path:
    """Draw the pick list of a production to a PDF at ``path``."""
    sheet = Sheet(path, f"Pick list {pick.production}")
    p = sheet.painter
    left = mm(MARGIN_MM)
    usable = sheet.width - mm(2 * MARGIN_MM)
    qr = mm(26)
    if house_name:
        sheet.text(left, sheet.y, usable - qr, mm(6), house_name, font(9), color=MUTED)
        sheet.y += mm(6)
    sheet.text(left, sheet.y, usable - qr, mm(10), f"Pick list — {pick.production}", font(17, True))
    draw_qr(p, pick.production_tag, QRectF(sheet.width - mm(MARGIN_MM) - qr, mm(MARGIN_MM), qr, qr))
    sheet.y += mm(11)
    facts = [
        f"Production {pick.production_tag}" + (f" · client {pick.client}" if pick.client else ""),
        f"Gear window {_day(pick.start)} to {_day(pick.end)}",
        f"{pick.picked} of {pick.wanted} picked"
        + (f" · draft check-out #{pick.draft_id}" if pick.draft_id else ""),
    ]
    for line in facts:
        sheet.text(left, sheet.y, usable - qr, mm(5.5), line, font(9.5), color=MUTED)
        sheet.y += mm(5.5)
    sheet.y = max(sheet.y, mm(MARGIN_MM) + qr) + mm(5)
    sheet.table_header(COLUMNS)
    for i, ln in enumerate(pick.lines):
        if sheet.new_page_if(mm(ROW_MM)):
            sheet.table_header(COLUMNS)
        if i % 2:
            p.fillRect(QRectF(left, sheet.y, usable, mm(ROW_MM)), STRIPE)
        box = mm(4.2)
        top = sheet.y + (mm(ROW_MM) - box) / 2
        p.setPen(QPen(TEXT, mm(0.35)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(left + mm(1), top, box, box))
        if ln.done:
            p.setPen(QPen(TEXT, mm(0.6)))
            p.drawLine(
                int(left + mm(1.8)),
                int(top + box * 0.55),
                int(left + mm(2.8)),
                int(top + box * 0.85),
            )
            p.drawLine(
                int(left + mm(2.8)),
                int(top + box * 0.85),
                int(left + mm(4.6)),
                int(top + box * 0.15),
            )
        bold = ln.kind == "kit"
        name = ln.name if ln.kind != "model" else f"{ln.wanted} × {ln.name} (any serial)"
        if ln.kind == "stock":
            name = f"{ln.wanted} × {ln.name}"
        if ln.serial:
            name += f"  · s/n {ln.serial}"
        cells = (
            ln.location,
            ln.tag or "model",
            name,
            ln.kit_tag if ln.kind != "kit" else "case",
            f"{min(ln.picked, ln.wanted)}/{ln.wanted}",
        )
        x = left + mm(COLUMNS[0].width_mm)
        for c, value in zip(COLUMNS[1:], cells, strict=True):
            sheet.text(
                x,
                sheet.y,
                mm(c.width_mm - (4 if c.right else 1.5)),
                mm(ROW_MM),
                value,
                font(8.5, bold),
                right=c.right,
            )
            x += mm(c.width_mm)
        sheet.y += mm(ROW_MM)
    if not pick.lines:
        sheet.text(
            left, sheet.y, usable, mm(ROW_MM), "Nothing is booked for this production.", font(9)
        )
        sheet.y += mm(ROW_MM)
    sheet.y += mm(8)
    if not sheet.new_page_if(mm(14)):
        p.setPen(QPen(RULE, mm(0.3)))
        p.drawLine(int(left), int(sheet.y + mm(8)), int(left + mm(70)), int(sheet.y + mm(8)))
        sheet.text(left, sheet.y + mm(9), mm(70), mm(5), "Picked by", font(8), color=MUTED)
    sheet.finish()
    return path
