"""The kit report as a printable PDF (A4 or US Letter, landscape): every table and the chart.

Each page carries the rental house's name and the period at the top and "Page x of y" at the
bottom. The layout runs in two passes: the first places every block and row on pages, the
second paints them knowing the page count. Tables flow across pages and repeat their header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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

from gearroom.render.pdf_file import write_pdf_document
from gearroom.render.reports.chart import chart_height, paint_utilisation_chart
from gearroom.render.text import FAMILIES, one_line
from gearroom.services.report import KitReport
from gearroom.services.report_export import Cell, Column, Section, cell_text, report_sections

PageSizeName = Literal["a4", "letter"]
MARGIN_MM = 12.0
#: Sections left out of the PDF (long lists that belong in a spreadsheet).
SPREADSHEET_ONLY = ("utilisation_items",)
#: Lists longer than this are cut in the PDF (with a note); the exports have every row.
PDF_LIST_LIMIT = {"idle": 150}

HEADER_FILL = QColor("#e4e8ec")
STRIPE_FILL = QColor("#f5f6f8")
RULE = QColor("#8a949e")
TEXT = QColor("#1d232a")
MUTED = QColor("#5a636c")

Draw = Callable[[QPainter, float], None]


@dataclass
class _Fonts:
    title: QFont
    heading: QFont
    body: QFont
    bold: QFont
    small: QFont


def _font(size: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


class _Pages:
    """First pass: blocks placed on pages as (y, draw) pairs."""

    def __init__(self, top: float, bottom: float) -> None:
        self.top = top
        self.bottom = bottom
        self.pages: list[list[tuple[float, Draw]]] = [[]]
        self.y = top

    def room(self) -> float:
        return self.bottom - self.y

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def place(self, height: float, draw: Draw, *, keep_with: float = 0.0) -> None:
        if self.y > self.top and height + keep_with > self.room():
            self.new_page()
        self.pages[-1].append((self.y, draw))
        self.y += height

    def gap(self, height: float) -> None:
        self.y = min(self.y + height, self.bottom)


class _Writer:
    def __init__(self, writer: QPdfWriter, report: KitReport, house_name: str) -> None:
        self.report = report
        self.house_name = house_name
        self.width = float(writer.width())
        self.height = float(writer.height())
        self.device = writer
        self.fonts = _Fonts(
            title=_font(16, bold=True),
            heading=_font(11, bold=True),
            body=_font(7.5),
            bold=_font(7.5, bold=True),
            small=_font(7, italic=True),
        )
        self.line = self._fm(self.fonts.body).height()
        self.head_h = self._fm(self.fonts.heading).height() * 2.4
        self.pages = _Pages(self.head_h, self.height - self.line * 2.2)

    def _fm(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    # ---- blocks

    def text(self, text: str, font: QFont, color: QColor = TEXT, *, keep_with: float = 0) -> None:
        height = self._fm(font).height() * 1.35

        def draw(p: QPainter, y: float) -> None:
            p.setFont(font)
            p.setPen(color)
            p.drawText(QRectF(0, y, self.width, height), int(Qt.AlignmentFlag.AlignVCenter), text)

        self.pages.place(height, draw, keep_with=keep_with)

    def heading(self, text: str) -> None:
        self.pages.gap(self.line * 0.8)
        self.text(text, self.fonts.heading, keep_with=self.line * 8)

    def chart(self) -> None:
        categories = self.report.categories
        height = chart_height(len(categories), self.line)
        width = min(self.width, self.width * 0.75)

        def draw(p: QPainter, y: float) -> None:
            paint_utilisation_chart(p, QRectF(0, y, width, height), categories, self.fonts.body)

        self.pages.place(height, draw)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]],
        measure: Sequence[Sequence[Cell]] | None = None,
    ) -> None:
        """A table that flows over pages; ``measure``: rows to size the columns on (default
        ``rows``), so that sibling tables line up."""
        if not rows:
            self.text("None.", self.fonts.small, MUTED)
            return
        widths = self._widths(columns, measure or rows)
        row_h = self.line * 1.45
        pad = self.line * 0.3

        def cells(
            p: QPainter, y: float, values: Sequence[str], font: QFont, fill: QColor | None
        ) -> None:
            if fill is not None:
                p.fillRect(QRectF(0, y, sum(widths), row_h), fill)
            p.setFont(font)
            p.setPen(TEXT)
            fm = QFontMetricsF(font, p.device())
            x = 0.0
            for text, width, column in zip(values, widths, columns, strict=True):
                align = (
                    Qt.AlignmentFlag.AlignRight
                    if column.kind in ("int", "percent", "money")
                    else Qt.AlignmentFlag.AlignLeft
                )
                shown = fm.elidedText(one_line(text), Qt.TextElideMode.ElideRight, width - 2 * pad)
                p.drawText(
                    QRectF(x + pad, y, width - 2 * pad, row_h),
                    int(align | Qt.AlignmentFlag.AlignVCenter),
                    shown,
                )
                x += width

        titles = [c.title for c in columns]

        def header(p: QPainter, y: float) -> None:
            cells(p, y, titles, self.fonts.bold, HEADER_FILL)
            pen = QPen(RULE)
            pen.setWidthF(self.line / 14)
            p.setPen(pen)
            p.drawLine(QPointF(0, y + row_h), QPointF(sum(widths), y + row_h))

        self.pages.place(row_h, header, keep_with=row_h * 2)
        for n, row in enumerate(rows):
            values = [cell_text(v, c.kind) for v, c in zip(row, columns, strict=True)]
            fill = STRIPE_FILL if n % 2 else None
            if row_h > self.pages.room():
                self.pages.new_page()
                self.pages.place(row_h, header)

            def draw(
                p: QPainter, y: float, values: list[str] = values, fill: QColor | None = fill
            ) -> None:
                cells(p, y, values, self.fonts.body, fill)

            self.pages.place(row_h, draw)

    def _widths(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[float]:
        body = self._fm(self.fonts.body)
        bold = self._fm(self.fonts.bold)
        pad = self.line * 0.9
        widths = [bold.horizontalAdvance(c.title) + pad for c in columns]
        for row in rows[:400]:
            for i, (value, column) in enumerate(zip(row, columns, strict=True)):
                widths[i] = max(
                    widths[i], body.horizontalAdvance(cell_text(value, column.kind)) + pad
                )
        cap = self.width * 0.3
        widths = [min(w, cap) for w in widths]
        if sum(widths) > self.width:
            # Narrow the widest text columns first, down to one common width, so that short
            # ones (a category, a tag) stay whole; numbers and dates keep their width.
            fixed = sum(w for w, c in zip(widths, columns, strict=True) if c.kind != "text")
            texts = [w for w, c in zip(widths, columns, strict=True) if c.kind == "text"]
            level = max(_water_level(texts, self.width - fixed), self.line * 3)
            widths = [
                min(w, level) if c.kind == "text" else w
                for w, c in zip(widths, columns, strict=True)
            ]
        return widths

    # ---- the report

    def lay_out(self) -> None:
        r = self.report
        sections = {s.key: s for s in report_sections(r, self.house_name)}
        self.text("Weekly kit report", self.fonts.title)
        self.text(
            f"{r.period.label} · {r.period.days} days · times in {r.timezone}"
            + (
                f" · counted through {r.observed_until.isoformat()}, the period is not over"
                if r.observed_until < r.period.end
                else ""
            ),
            self.fonts.heading,
            MUTED,
        )
        self.heading("Summary")
        summary = sections["summary"]
        half = (len(summary.rows) + 1) // 2
        left, right = summary.rows[:half], summary.rows[half:]
        paired: list[tuple[Cell, ...]] = [
            (*a, *(right[i] if i < len(right) else ("", None))) for i, a in enumerate(left)
        ]
        self.table(
            (Column("Measure"), Column("Value"), Column("Measure"), Column("Value")),
            [tuple(_summary_cell(v) for v in row) for row in paired],
        )
        self.heading("Utilisation by category")
        self.chart()
        for key, section in sections.items():
            if key in ("summary", *SPREADSHEET_ONLY):
                continue
            if key == "gear_out":
                self._gear_out(section)
                continue
            self.heading(section.title)
            if section.note:
                self.text(section.note, self.fonts.small, MUTED, keep_with=self.line * 4)
            limit = PDF_LIST_LIMIT.get(key)
            rows = section.rows[:limit] if limit else section.rows
            self.table(section.columns, rows)
            if len(rows) < len(section.rows):
                self.text(
                    f"… and {len(section.rows) - len(rows)} more: the full list is in the XLSX "
                    "and CSV exports.",
                    self.fonts.small,
                    MUTED,
                )
        self.pages.gap(self.line)
        self.text(
            f"The utilisation of each of the {len(r.items)} items is in the XLSX and CSV exports.",
            self.fonts.small,
            MUTED,
        )

    def _gear_out(self, section: Section) -> None:
        """Gear out, one table per production with its subtotal."""
        self.heading("Gear out, by production")
        if section.note:
            self.text(section.note, self.fonts.small, MUTED, keep_with=self.line * 6)
        if not self.report.productions:
            self.text("None.", self.fonts.small, MUTED)
            return
        keep = [
            i
            for i, c in enumerate(section.columns)
            if c.title not in ("Production tag", "Production")
        ]
        columns = [section.columns[i] for i in keep]
        rows_by_tag: dict[str, list[tuple[Cell, ...]]] = {}
        for row in section.rows:
            rows_by_tag.setdefault(str(row[0]), []).append(tuple(row[i] for i in keep))
        for production in self.report.productions:
            self.pages.gap(self.line * 0.4)
            self.text(
                f"{production.name} ({production.tag}) — {production.client}: "
                f"{production.line_count} lines, {production.days_out} days out",
                self.fonts.bold,
                keep_with=self.line * 4,
            )
            every = [r for rows in rows_by_tag.values() for r in rows]
            self.table(columns, rows_by_tag.get(production.tag, []), measure=every)
        t = self.report.totals
        self.pages.gap(self.line * 0.4)
        self.text(
            f"All productions: {t.lines_out} lines, {t.line_days_out} days out.",
            self.fonts.bold,
        )

    # ---- second pass

    def paint(self, writer: QPdfWriter, painter: QPainter) -> int:
        count = len(self.pages.pages)
        period = f"Kit report {self.report.period.label}"
        generated = self.report.generated_at.strftime("%Y-%m-%d %H:%M")
        for number, page in enumerate(self.pages.pages, start=1):
            if number > 1:
                writer.newPage()
            painter.setPen(TEXT)
            painter.setFont(self.fonts.heading)
            band = QRectF(0, 0, self.width, self.head_h * 0.7)
            painter.drawText(
                band,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                self.house_name or "Gearroom",
            )
            painter.setFont(self.fonts.body)
            painter.drawText(
                band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), period
            )
            pen = QPen(RULE)
            pen.setWidthF(self.line / 12)
            painter.setPen(pen)
            painter.drawLine(
                QPointF(0, self.head_h * 0.75), QPointF(self.width, self.head_h * 0.75)
            )
            for y, draw in page:
                draw(painter, y)
            foot = QRectF(0, self.height - self.line * 1.4, self.width, self.line * 1.4)
            painter.setFont(self.fonts.body)
            painter.setPen(MUTED)
            painter.drawText(
                foot,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"Generated {generated} ({self.report.timezone}) by Gearroom",
            )
            painter.drawText(
                foot,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"Page {number} of {count}",
            )
        return count


def _water_level(widths: Sequence[float], room: float) -> float:
    """The largest width ``w`` with ``sum(min(x, w) for x in widths) <= room``."""
    left = room
    ordered = sorted(widths)
    for index, width in enumerate(ordered):
        share = left / (len(ordered) - index)
        if width > share:
            return share
        left -= width
    return ordered[-1] if ordered else room


def _summary_cell(value: Cell) -> Cell:
    if isinstance(value, float):
        return f"{value * 100:.1f}%"
    return value


def write_pdf(
    report: KitReport,
    path: Path,
    *,
    house_name: str = "",
    page_size: str = "a4",
) -> Path:
    """Write the report as a PDF on A4 or US Letter paper (landscape); returns the path."""

    def lay_out(writer: QPdfWriter) -> Callable[[QPainter], object]:
        layout = _Writer(writer, report, house_name)
        layout.lay_out()
        return lambda painter: layout.paint(writer, painter)

    return write_pdf_document(
        path,
        title=f"Kit report {report.period.label}",
        page_size=page_size,
        orientation=QPageLayout.Orientation.Landscape,
        margin_mm=MARGIN_MM,
        lay_out=lay_out,
    )
