"""The kit report as tables, and its XLSX and CSV exports (no Qt).

:func:`report_sections` turns a :class:`~gearroom.services.report.KitReport` into titled
tables of typed cells; the XLSX and CSV writers, the PDF writer and the Reports page all show
those same tables, so every output has the same columns and the same numbers.

Text that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is written with a leading single quote (OWASP's CSV-injection advice), in
CSV and XLSX alike, so a hostile item name cannot execute in the office's spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gearroom.atomic import write_atomic
from gearroom.errors import GearroomError, ValidationError
from gearroom.services.amounts import display, excel_format, plain as plain_amount
from gearroom.services.report_cells import (
    Cell as Cell,
    Column as Column,
    ColumnKind as ColumnKind,
    Money as Money,
    Section as Section,
    col as _c,
)
from gearroom.services.report_results import ItemUtilisation, KitReport, Movement, TicketRow
from gearroom.services.report_revenue import TOTAL_LAST, revenue_sections
from gearroom.services.text import export_text

#: The first characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """``text`` made inert for spreadsheets: a leading single quote before a formula trigger."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _naive_local(value: datetime) -> datetime:
    """A datetime as the wall-clock time it shows (spreadsheets have no time zones)."""
    return value.replace(tzinfo=None)


def _movement_rows(moves: Sequence[Movement], with_condition: bool) -> tuple[tuple[Cell, ...], ...]:
    rows: list[tuple[Cell, ...]] = []
    for m in moves:
        row: tuple[Cell, ...] = (m.at, m.production_tag, m.tag, m.item, m.quantity, m.custodian)
        rows.append((*row, m.condition) if with_condition else row)
    return tuple(rows)


def _ticket_rows(label: str, tickets: Sequence[TicketRow]) -> list[tuple[Cell, ...]]:
    return [
        (
            label,
            t.ticket_id,
            t.tag,
            t.item,
            t.category,
            t.production_tag,
            t.opened_at,
            t.opened_by,
            t.closed_at,
            t.closed_by,
            t.days_in_service,
            t.note,
        )
        for t in tickets
    ]


def _item_rows(items: Sequence[ItemUtilisation]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(
        (i.tag, i.item, i.category, i.days_out, i.available_days, i.ratio, i.last_out)
        for i in items
    )


def summary_rows(report: KitReport, house_name: str = "") -> tuple[tuple[Cell, ...], ...]:
    """The summary: what the report covers and its totals."""
    t = report.totals
    rows: list[tuple[Cell, ...]] = []
    if house_name:
        rows.append(("Rental house", house_name))
    rows += [
        ("Period", report.period.label),
        ("First day", report.period.start),
        ("Last day", report.period.end),
        ("Days", report.period.days),
        ("Time zone", report.timezone),
        ("Generated", report.generated_at),
    ]
    if report.observed_until < report.period.end:
        rows.append(("Counted through (period not over)", report.observed_until))
    rows += [
        ("Productions with gear out", t.productions),
        ("Items out", t.items_out),
        ("Lines out", t.lines_out),
        ("Days out (sum of lines)", t.line_days_out),
        ("Check-outs", t.checkouts),
        ("Lines checked out", t.checked_out),
        ("Lines returned", t.returned),
        ("Damaged returns", t.damaged_returns),
        ("Service tickets opened", t.tickets_opened),
        ("Service tickets closed", t.tickets_closed),
        ("Items in service at end", t.in_service_at_end),
        ("Missing at end", t.missing_at_end),
        ("Overdue at end", t.overdue_at_end),
        ("Item days out", t.days_out),
        ("Item days available", t.available_days),
        ("Utilisation", t.utilisation),
    ]
    if report.revenue is not None:
        for f in report.revenue.totals:
            suffix = f" ({f.currency})" if len(report.revenue.totals) > 1 else ""
            rows += [
                (f"Invoices issued{suffix}", f.invoices),
                (f"Credit notes issued{suffix}", f.credit_notes),
                (f"Revenue, net of credit notes{suffix}", Money(f.revenue, f.currency)),
            ]
    if report.history_anchor:
        rows.append(("History ends at event", report.history_anchor))
    return tuple(rows)


def report_sections(report: KitReport, house_name: str = "") -> tuple[Section, ...]:
    """Every section of the report as a table, summary first."""
    t = report.totals
    production_rows: list[tuple[Cell, ...]] = [
        (p.tag, p.name, p.client, p.line_count, p.item_count, p.days_out)
        for p in report.productions
    ]
    production_rows.append(("", "All productions", "", t.lines_out, t.items_out, t.line_days_out))
    service = (
        _ticket_rows("opened", report.tickets_opened)
        + _ticket_rows("closed", report.tickets_closed)
        + _ticket_rows("in service at end", report.in_service)
    )
    return (
        Section(
            "summary",
            "Summary",
            (_c("Measure"), _c("Value")),
            summary_rows(report, house_name),
        ),
        Section(
            "productions",
            "Productions",
            (
                _c("Production tag"),
                _c("Production"),
                _c("Client"),
                _c("Lines", "int"),
                _c("Items", "int"),
                _c("Days out", "int"),
            ),
            tuple(production_rows),
            "The last row is the sum of the productions above.",
        ),
        Section(
            "gear_out",
            "Gear out",
            (
                _c("Production tag"),
                _c("Production"),
                _c("Tag"),
                _c("Item"),
                _c("Serial"),
                _c("Category"),
                _c("Qty", "int"),
                _c("Custodian"),
                _c("Out", "datetime"),
                _c("Due back", "date"),
                _c("In", "datetime"),
                _c("Condition"),
                _c("Days out", "int"),
            ),
            tuple(
                (
                    g.production_tag,
                    g.production_name,
                    g.tag,
                    g.item,
                    g.serial,
                    g.category,
                    g.quantity,
                    g.custodian,
                    g.out_at,
                    g.due_back,
                    g.returned_at,
                    g.condition,
                    g.days_out,
                )
                for g in report.gear_out
            ),
            "Days out: calendar days of the period on which the item was out for any part.",
        ),
        Section(
            "checkouts",
            "Check-outs",
            (
                _c("Out", "datetime"),
                _c("Production tag"),
                _c("Tag"),
                _c("Item"),
                _c("Qty", "int"),
                _c("Custodian"),
            ),
            _movement_rows(report.checkouts, with_condition=False),
        ),
        Section(
            "returns",
            "Returns",
            (
                _c("Returned", "datetime"),
                _c("Production tag"),
                _c("Tag"),
                _c("Item"),
                _c("Qty", "int"),
                _c("Custodian"),
                _c("Condition"),
            ),
            _movement_rows(report.returns, with_condition=True),
        ),
        Section(
            "service",
            "Service",
            (
                _c("Section"),
                _c("Ticket", "int"),
                _c("Tag"),
                _c("Item"),
                _c("Category"),
                _c("Production tag"),
                _c("Opened", "datetime"),
                _c("Opened by"),
                _c("Closed", "datetime"),
                _c("Closed by"),
                _c("Days in service", "int"),
                _c("Note"),
            ),
            tuple(service),
        ),
        Section(
            "missing_overdue",
            "Missing & overdue",
            (
                _c("State"),
                _c("Tag"),
                _c("Item"),
                _c("Serial"),
                _c("Production tag"),
                _c("Production"),
                _c("Custodian"),
                _c("Out", "datetime"),
                _c("Due back", "date"),
                _c("Days late", "int"),
            ),
            tuple(
                (
                    e.state,
                    e.tag,
                    e.item,
                    e.serial,
                    e.production_tag,
                    e.production_name,
                    e.custodian,
                    e.out_at,
                    e.due_back,
                    e.days_late,
                )
                for e in report.missing_overdue
            ),
            "Still out at the end of the period.",
        ),
        Section(
            "utilisation_categories",
            "Utilisation by category",
            (
                _c("Category"),
                _c("Items", "int"),
                _c("Days out", "int"),
                _c("Available days", "int"),
                _c("Utilisation", "percent"),
            ),
            tuple(
                (c.category, c.items, c.days_out, c.available_days, c.ratio)
                for c in report.categories
            ),
        ),
        Section(
            "busiest",
            "Busiest items",
            _UTILISATION_COLUMNS,
            _item_rows(report.busiest),
        ),
        Section(
            "idle",
            f"Idle {report.idle_weeks} weeks",
            _UTILISATION_COLUMNS,
            _item_rows(report.idle),
            f"Not out on any day of the {report.idle_weeks} weeks ending on "
            f"{report.period.end.isoformat()}.",
        ),
        Section(
            "utilisation_items",
            "Utilisation by item",
            _UTILISATION_COLUMNS,
            _item_rows(report.items),
        ),
        *revenue_sections(report.revenue),
    )


_UTILISATION_COLUMNS = (
    _c("Tag"),
    _c("Item"),
    _c("Category"),
    _c("Days out", "int"),
    _c("Available days", "int"),
    _c("Utilisation", "percent"),
    _c("Last out", "date"),
)


def cell_text(value: Cell, kind: ColumnKind = "text") -> str:
    """A cell as text, the way the CSV, the PDF and the screen show it."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return display(value.amount, value.currency)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value * 100:.1f}%" if kind == "percent" else f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------------------------
# Writing files atomically


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Write to a temporary file next to ``path`` and rename it: no half-written report."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give a file name.", field="output")
    folder = target.parent
    if not folder.is_dir():
        raise ValidationError(f"The folder {folder} does not exist.", field="output")
    try:
        return write_atomic(target, write)
    except OSError as exc:
        raise GearroomError(f"Cannot write {target}: {exc.strerror or exc}.") from exc


# --------------------------------------------------------------------------------------------
# XLSX

_XLSX_FORMATS: dict[ColumnKind, str] = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "percent": "0.0%",
    "int": "0",
}


def _xlsx_value(value: Cell) -> Any:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, datetime):
        return _naive_local(value)
    if isinstance(value, str):
        return export_text(value)  # a string cell (data_type "s"): never a formula, no quote
    return value


def _xlsx_format(value: Cell, kind: ColumnKind) -> str | None:
    if isinstance(value, Money):
        return excel_format(value.currency)
    if isinstance(value, datetime):
        return _XLSX_FORMATS["datetime"]
    if isinstance(value, date):
        return _XLSX_FORMATS["date"]
    if isinstance(value, float):
        return _XLSX_FORMATS["percent"] if kind in ("percent", "text") else "0.00"
    return None


def sheet_title(title: str) -> str:
    """A title Excel accepts as a sheet name (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31]


#: Rows sampled to size the columns (long sheets are measured on their first rows).
_WIDTH_SAMPLE = 2000


def write_xlsx(report: KitReport, path: Path, *, house_name: str = "") -> Path:
    """Write the report as an XLSX workbook: a summary sheet, then one sheet per section.

    Written in openpyxl's streaming (write-only) mode, so a house of fifty thousand items
    exports in seconds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    def write(target: Path) -> None:
        wb = Workbook(write_only=True)
        wb.properties.title = f"Kit report {report.period.label}"
        wb.properties.creator = house_name or "Gearroom"
        bold = Font(bold=True)
        middle = Alignment(vertical="center")
        for section in report_sections(report, house_name):
            ws = wb.create_sheet(sheet_title(section.title))
            widths = [len(c.title) for c in section.columns]
            for row in section.rows[:_WIDTH_SAMPLE]:
                for i, (value, column) in enumerate(zip(row, section.columns, strict=True)):
                    widths[i] = max(widths[i], len(cell_text(value, column.kind)))
            for col, width in enumerate(widths, start=1):
                ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
            ws.freeze_panes = "A2"
            last_col = get_column_letter(len(section.columns))
            ws.auto_filter.ref = f"A1:{last_col}{len(section.rows) + 1}"

            header = []
            for column in section.columns:
                cell = WriteOnlyCell(ws, export_text(column.title))
                cell.data_type = "s"
                cell.font = bold
                cell.alignment = middle
                header.append(cell)
            ws.append(header)
            last_row = len(section.rows) - 1
            total_row = section.key in TOTAL_LAST
            for n, row in enumerate(section.rows):
                out: list[Any] = []
                for value, column in zip(row, section.columns, strict=True):
                    fmt = _xlsx_format(value, column.kind)
                    plain = fmt is None and not isinstance(value, str)
                    if plain and not (total_row and n == last_row):
                        out.append(_xlsx_value(value))
                        continue
                    cell = WriteOnlyCell(ws, _xlsx_value(value))
                    if isinstance(value, str):
                        cell.data_type = "s"
                    if fmt is not None:
                        cell.number_format = fmt
                    if total_row and n == last_row:
                        cell.font = bold
                    out.append(cell)
                ws.append(out)
        wb.save(target)

    return _atomic_write(path, write)


# --------------------------------------------------------------------------------------------
# CSV


def section_csv(section: Section) -> str:
    """One section as CSV text: a header row, then the rows; formulas neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.title) for c in section.columns])
    for row in section.rows:
        out: list[str] = []
        for value, column in zip(row, section.columns, strict=True):
            if isinstance(value, float) and column.kind in ("percent", "text"):
                out.append(f"{value:.4f}")
            elif isinstance(value, Money):
                out.append(plain_amount(value.amount, value.currency))
            else:
                out.append(neutralise(cell_text(value, column.kind)))
        writer.writerow(out)
    return buffer.getvalue()


def csv_file_names(report: KitReport) -> list[str]:
    return [
        f"{n:02d}-{s.key.replace('_', '-')}.csv"
        for n, s in enumerate(report_sections(report), start=1)
    ]


def write_csv(report: KitReport, path: Path, *, house_name: str = "") -> Path:
    """Write one UTF-8 CSV per section: into a zip when ``path`` ends in .zip, else a folder."""
    target = Path(path).expanduser()
    sections = report_sections(report, house_name)
    names = csv_file_names(report)
    if target.suffix.lower() == ".zip":

        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, section in zip(names, sections, strict=True):
                    archive.writestr(name, section_csv(section).encode("utf-8"))

        return _atomic_write(target, write)
    if target.exists() and not target.is_dir():
        raise ValidationError(
            f"{target} is a file: give a folder for the CSV files, or a name ending in .zip.",
            field="output",
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GearroomError(f"Cannot create the folder {target}: {exc.strerror}.") from exc
    for name, section in zip(names, sections, strict=True):
        _atomic_write(target / name, _bytes_writer(section_csv(section).encode("utf-8")))
    return target


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write
