"""The page furniture of printed sheets: a header with the house's name, flowing tables, a
signature block and "Page x of y" at the foot (A4 or US Letter, portrait).

A sheet is laid out in two passes: blocks are placed on pages first (so the page count is
known), then painted. All coordinates are device dots of a 300 dpi :class:`QPdfWriter`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPainter,
    QPdfWriter,
    QPen,
)

from gearroom.render.labels.painter import begin_mm, paint_label
from gearroom.render.pdf_file import RESOLUTION, write_pdf_document
from gearroom.render.text import FAMILIES, one_line
from gearroom.services.labels import (
    QR_QUIET_MODULES,
    SHEET_GRID_MM,
    LabelContent,
    LabelLayout,
    QrBlock,
    Rect,
    qr_matrix,
)

MARGIN_MM = 14.0
DOTS_PER_MM = RESOLUTION / 25.4

TEXT = QColor("#1d232a")
MUTED = QColor("#5a636c")
RULE = QColor("#8a949e")
HEADER_FILL = QColor("#e4e8ec")
STRIPE_FILL = QColor("#f5f6f8")

Draw = Callable[[QPainter, float], None]


def mm(value: float) -> float:
    return value * DOTS_PER_MM


def font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FAMILIES)
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


@dataclass(frozen=True)
class Column:
    title: str
    #: Share of the table's width.
    weight: float
    align_right: bool = False


class Sheet:
    """Blocks placed on pages, then painted with the header and the page numbers."""

    def __init__(self, writer: QPdfWriter, house_name: str, title: str, footer: str) -> None:
        self.writer = writer
        self.house_name = one_line(house_name or "Gearroom")
        self.title = title
        self.footer = footer
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.body = font(9.5)
        self.bold = font(9.5, bold=True)
        self.small = font(8)
        self.heading_font = font(12, bold=True)
        self.big = font(17, bold=True)
        self.line = QFontMetricsF(self.body, writer).height() * 1.45
        self.head_h = self.line * 2.2
        self.top = self.head_h
        self.bottom = self.height - self.line * 1.8
        self.pages: list[list[tuple[float, Draw]]] = [[]]
        self.y = self.top

    def metrics(self, f: QFont) -> QFontMetricsF:
        return QFontMetricsF(f, self.writer)

    # ------------------------------------------------------------------ placing

    def room(self) -> float:
        return self.bottom - self.y

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def place(self, height: float, draw: Draw, *, keep_with: float = 0.0) -> None:
        if height + keep_with > self.room() and self.y > self.top:
            self.new_page()
        self.pages[-1].append((self.y, draw))
        self.y += height

    def gap(self, height: float) -> None:
        self.y = min(self.y + height, self.bottom)

    def text(self, text: str, f: QFont | None = None, color: QColor = TEXT) -> None:
        used = f or self.body
        h = self.metrics(used).height() * 1.35

        def draw(p: QPainter, y: float) -> None:
            p.setFont(used)
            p.setPen(color)
            p.drawText(QRectF(0, y, self.width, h), int(Qt.AlignmentFlag.AlignVCenter), text)

        self.place(h, draw)

    def heading(self, text: str) -> None:
        h = self.metrics(self.heading_font).height() * 1.6

        def draw(p: QPainter, y: float) -> None:
            p.setFont(self.heading_font)
            p.setPen(TEXT)
            p.drawText(QRectF(0, y, self.width, h), int(Qt.AlignmentFlag.AlignBottom), text)

        self.gap(self.line * 0.4)
        self.place(h + self.line * 0.2, draw, keep_with=self.line * 2)

    def fields(self, pairs: Sequence[tuple[str, str]], *, width: float | None = None) -> float:
        """Label: value lines in a block on the left; returns the block's height."""
        w = width or self.width
        label_w = max(self.metrics(self.bold).horizontalAdvance(k) for k, _ in pairs) + mm(3)
        h = self.line * len(pairs)

        def draw(p: QPainter, y: float) -> None:
            for i, (key, value) in enumerate(pairs):
                row = QRectF(0, y + i * self.line, label_w, self.line)
                p.setPen(MUTED)
                p.setFont(self.bold)
                p.drawText(row, int(Qt.AlignmentFlag.AlignVCenter), key)
                p.setPen(TEXT)
                p.setFont(self.body)
                p.drawText(
                    QRectF(label_w, y + i * self.line, w - label_w, self.line),
                    int(Qt.AlignmentFlag.AlignVCenter),
                    self.metrics(self.body).elidedText(
                        one_line(value), Qt.TextElideMode.ElideRight, w - label_w
                    ),
                )

        return self._place_block(h, draw)

    def _place_block(self, h: float, draw: Draw) -> float:
        self.place(h, draw)
        return h

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        keep_last_with: float = 0.0,
    ) -> None:
        """A table that flows across pages and repeats its header on each; its last row stays
        with ``keep_last_with`` dots of what follows (a signature block, say)."""
        total = sum(c.weight for c in columns)
        widths = [self.width * c.weight / total for c in columns]
        pad = mm(1.5)
        fm = self.metrics(self.body)

        def cells(p: QPainter, y: float, values: Sequence[str], header: bool) -> None:
            x = 0.0
            p.setFont(self.bold if header else self.body)
            p.setPen(TEXT)
            for col, width, value in zip(columns, widths, values, strict=True):
                align = (
                    Qt.AlignmentFlag.AlignRight if col.align_right else Qt.AlignmentFlag.AlignLeft
                )
                shown = fm.elidedText(one_line(value), Qt.TextElideMode.ElideRight, width - 2 * pad)
                p.drawText(
                    QRectF(x + pad, y, width - 2 * pad, self.line),
                    int(align | Qt.AlignmentFlag.AlignVCenter),
                    shown,
                )
                x += width

        def header(p: QPainter, y: float) -> None:
            p.fillRect(QRectF(0, y, self.width, self.line), HEADER_FILL)
            cells(p, y, [c.title for c in columns], True)

        self.place(self.line, header, keep_with=self.line)
        for index, values in enumerate(rows):
            extra = keep_last_with if index == len(rows) - 1 else 0.0
            if self.line + extra > self.room():
                self.new_page()
                self.place(self.line, header)

            def draw(p: QPainter, y: float, values: Sequence[str] = values, i: int = index) -> None:
                if i % 2:
                    p.fillRect(QRectF(0, y, self.width, self.line), STRIPE_FILL)
                cells(p, y, values, False)

            self.place(self.line, draw)
        if not rows:
            self.text("Nothing.", self.body, MUTED)

    def signature_height(self) -> float:
        return self.line * 5.5

    def signature(self, who: str, when: str) -> None:
        """Two signature lines: the custodian's and the rental house's."""
        h = self.line * 4.5

        def draw(p: QPainter, y: float) -> None:
            half = (self.width - mm(12)) / 2
            pen = QPen(TEXT)
            pen.setWidthF(mm(0.25))
            for i, label in enumerate((f"Signed for by {who}", f"Handed out by {when}")):
                x = i * (half + mm(12))
                base = y + self.line * 3
                p.setPen(pen)
                p.drawLine(QPointF(x, base), QPointF(x + half, base))
                p.setFont(self.small)
                p.setPen(MUTED)
                p.drawText(
                    QRectF(x, base + mm(1), half, self.line), int(Qt.AlignmentFlag.AlignTop), label
                )
            p.setFont(self.bold)
            p.setPen(TEXT)
            p.drawText(
                QRectF(0, y, self.width, self.line),
                int(Qt.AlignmentFlag.AlignVCenter),
                "Signature (the gear above was received complete and in working order)",
            )

        self.gap(self.line)
        self.place(h, draw)

    # ------------------------------------------------------------------ painting

    def paint(self, painter: QPainter) -> int:
        count = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            if number > 1:
                self.writer.newPage()
            band = QRectF(0, 0, self.width, self.head_h * 0.7)
            painter.setPen(TEXT)
            painter.setFont(self.heading_font)
            painter.drawText(
                band,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                self.house_name,
            )
            painter.setFont(self.body)
            painter.drawText(
                band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.title
            )
            pen = QPen(RULE)
            pen.setWidthF(mm(0.3))
            painter.setPen(pen)
            painter.drawLine(
                QPointF(0, self.head_h * 0.78), QPointF(self.width, self.head_h * 0.78)
            )
            for y, draw in page:
                draw(painter, y)
            foot = QRectF(0, self.height - self.line, self.width, self.line)
            painter.setFont(self.small)
            painter.setPen(MUTED)
            painter.drawText(
                foot, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.footer
            )
            painter.drawText(
                foot,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"Page {number} of {count}",
            )
        return count


def paint_qr(painter: QPainter, tag: str, x: float, y: float, size_mm: float) -> None:
    """The QR code of ``tag`` in the ``size_mm`` square at (x, y) dots, its quiet zone included.

    Drawn by the label painter, so a sheet's code scans like a label's: its modules are whole
    steps of the sheet grid and its corner sits on the page's grid (the painter's origin is the
    page's corner plus the margin).
    """
    matrix = qr_matrix(tag)
    modules = len(matrix) + 2 * QR_QUIET_MODULES
    grid = SHEET_GRID_MM
    module = max(1, math.floor((size_mm - grid) / modules / grid + 1e-9)) * grid
    quiet = QR_QUIET_MODULES * module
    side = len(matrix) * module
    left, top = MARGIN_MM + x / DOTS_PER_MM, MARGIN_MM + y / DOTS_PER_MM
    corner_x = round((left + quiet) / grid) * grid - left
    corner_y = round((top + quiet) / grid) * grid - top
    layout = LabelLayout(
        content=LabelContent(tag),
        width=size_mm,
        height=size_mm,
        corner_radius=0.0,
        qr=QrBlock(Rect(corner_x, corner_y, side, side), module, matrix),
        code128=None,
        lines=(),
    )
    painter.save()
    painter.translate(x, y)
    begin_mm(painter, RESOLUTION)
    paint_label(painter, layout)
    painter.restore()


def write_sheet(
    path: Path,
    title: str,
    page_size: str,
    build: Callable[[QPdfWriter], Sheet],
) -> Path:
    """Open a PDF writer on ``path``, let ``build`` lay the sheet out, paint it, move it in place.

    The file appears only when it is complete (written beside it first).
    """
    return write_pdf_document(
        path,
        title=title,
        page_size=page_size,
        orientation=QPageLayout.Orientation.Portrait,
        margin_mm=MARGIN_MM,
        lay_out=lambda writer: build(writer).paint,
    )
