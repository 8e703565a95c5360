"""Export the whole catalog (assets, stock, people, kits) to XLSX or CSV, readable by the importer.

A house can leave as easily as it came: the columns are the importer's field names (category
fields as ``attr:KEY``), so ``gearroom import assets catalog.xlsx`` reads the file back.

- ``PATH.xlsx``: one workbook, a sheet per kind (Assets, Stock, People, Kits).
- ``PATH.zip``: a zip archive of ``assets.csv``, ``stock.csv``, ``people.csv``, ``kits.csv``.
- ``PATH.csv``: four files beside each other: ``PATH-assets.csv``, ``PATH-stock.csv``…
- a folder (existing, or a path without a suffix): the four CSV files inside it.

CSV files are UTF-8 with a BOM (Excel opens them correctly) and comma separated. Text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR, also
after any separator a spreadsheet may split on) is written with a ``'`` before it, which the
importer drops again at the start of a cell (see :mod:`gearroom.services.text`). Retired stock
items and kits are left out; retired assets are kept with their status, so an import retires
them again.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from gearroom.errors import ValidationError
from gearroom.models import Asset, Category, Kit, KitAsset, Person, StockItem
from gearroom.services.actor import Actor, Permission
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ATTRIBUTE_PREFIX
from gearroom.services.text import export_text, neutralise_cell

FORMATS = (".xlsx", ".zip", ".csv")

Cell = str | int | Decimal | date | None


@dataclass(frozen=True)
class Sheet:
    """One kind of record as a table."""

    kind: ImportKind
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class ExportResult:
    """What was written where."""

    paths: tuple[Path, ...]
    counts: dict[str, int]

    def describe(self) -> str:
        what = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        return f"Exported {what} to {', '.join(str(p) for p in self.paths)}"


def _attribute_keys(session: Session) -> list[str]:
    keys: list[str] = []
    for category in session.scalars(select(Category).order_by(Category.sort_order, Category.name)):
        for spec in category.fields:
            if spec["key"] not in keys:
                keys.append(spec["key"])
    return keys


def _assets(session: Session) -> Sheet:
    keys = _attribute_keys(session)
    headers = (
        "Tag",
        "Name",
        "Category",
        "Make",
        "Model",
        "Serial",
        "Location",
        "Purchase date",
        "Purchase value",
        "Status",
        "Notes",
        "Kit",
        *(f"{ATTRIBUTE_PREFIX}{k}" for k in keys),
    )
    kit_of = {
        asset_id: tag
        for asset_id, tag in session.execute(
            select(KitAsset.asset_id, Kit.tag).join(Kit, Kit.id == KitAsset.kit_id)
        )
    }
    rows = []
    for a in session.scalars(select(Asset).order_by(Asset.tag)):
        attributes = a.attributes or {}
        rows.append(
            (
                a.tag,
                a.name,
                a.category.name,
                a.make,
                a.model,
                a.serial,
                a.location.name if a.location else "",
                a.purchase_date,
                a.purchase_value,
                a.status.value,
                a.notes,
                kit_of.get(a.id, ""),
                *(_attribute_cell(attributes.get(k)) for k in keys),
            )
        )
    return Sheet(ImportKind.ASSETS, headers, tuple(rows))


def _attribute_cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return str(value)


def _stock(session: Session) -> Sheet:
    headers = ("Tag", "Name", "Category", "Quantity", "Unit", "Location", "Notes")
    rows = tuple(
        (
            s.tag,
            s.name,
            s.category.name,
            s.quantity,
            s.unit,
            s.location.name if s.location else "",
            s.notes,
        )
        for s in session.scalars(
            select(StockItem).where(StockItem.retired.is_(False)).order_by(StockItem.tag)
        )
    )
    return Sheet(ImportKind.STOCK, headers, rows)


def _people(session: Session) -> Sheet:
    headers = ("Badge", "Name", "Role", "Company", "Email", "Phone", "Notes", "Active")
    rows = tuple(
        (
            p.badge,
            p.name,
            p.role.value,
            p.company,
            p.email,
            p.phone,
            p.notes,
            "yes" if p.active else "no",
        )
        for p in session.scalars(select(Person).order_by(Person.badge))
    )
    return Sheet(ImportKind.PEOPLE, headers, rows)


def _kits(session: Session) -> Sheet:
    headers = ("Tag", "Name", "Inside kit", "Location", "Notes", "Contents")
    stmt = (
        select(Kit)
        .where(Kit.retired.is_(False))
        .order_by(Kit.tag)
        .options(selectinload(Kit.asset_links), selectinload(Kit.stock_links))
    )
    rows = []
    for k in session.scalars(stmt):
        members = [link.asset.tag for link in k.asset_links]
        members += [
            link.stock_item.tag + (f" x{link.quantity}" if link.quantity != 1 else "")
            for link in sorted(k.stock_links, key=lambda s: s.stock_item.tag)
        ]
        parent = k.parent.tag if k.parent is not None and not k.parent.retired else ""
        rows.append(
            (
                k.tag,
                k.name,
                parent,
                k.location.name if k.location else "",
                k.notes,
                ", ".join(members),
            )
        )
    return Sheet(ImportKind.KITS, headers, tuple(rows))


def catalog_sheets(session: Session) -> list[Sheet]:
    """The whole catalog as four tables, in the order an import needs them."""
    return [_assets(session), _stock(session), _people(session), _kits(session)]


def csv_cell(value: Cell) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    return neutralise_cell(value)


def sheet_csv(sheet: Sheet) -> bytes:
    """A sheet as a UTF-8 (with BOM) comma-separated file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(sheets: Sequence[Sheet], target: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.kind.label)
        ws.append(list(sheet.headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in sheet.headers]
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = export_text(value)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(value, Decimal):
                    cell.value = value
                    cell.number_format = "0.00"
                elif isinstance(value, date):
                    cell.value = value
                    cell.number_format = "yyyy-mm-dd"
                else:
                    cell.value = value
                shown = len(str(value)) if value is not None else 0
                widths[c - 1] = max(widths[c - 1], min(shown, 60))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width + 2
        ws.freeze_panes = "A2"
    tmp = target.with_name(target.name + ".part")
    try:
        book.save(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def export_catalog(session: Session, actor: Actor, target: Path) -> ExportResult:
    """Write the catalog to ``target`` (see the module docs for the formats)."""
    actor.require(Permission.REPORTS, "export the catalog")
    target = Path(target)
    suffix = target.suffix.lower()
    is_folder = target.is_dir() or (suffix == "" and not target.exists())
    if not is_folder and suffix not in FORMATS:
        raise ValidationError(
            f"Export to .xlsx, .zip, .csv or a folder, not {target.name!r}.", field="path"
        )
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.", field="path")
    sheets = catalog_sheets(session)
    counts = {s.kind.value: len(s.rows) for s in sheets}
    if is_folder:
        target.mkdir(parents=True, exist_ok=True)
        paths = []
        for sheet in sheets:
            path = target / f"{sheet.kind.value}.csv"
            path.write_bytes(sheet_csv(sheet))
            paths.append(path)
        return ExportResult(tuple(paths), counts)
    if suffix == ".xlsx":
        _write_xlsx(sheets, target)
        return ExportResult((target,), counts)
    if suffix == ".zip":
        tmp = target.with_name(target.name + ".part")
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for sheet in sheets:
                    archive.writestr(f"{sheet.kind.value}.csv", sheet_csv(sheet))
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return ExportResult((target,), counts)
    paths = []
    for sheet in sheets:
        path = target.with_name(f"{target.stem}-{sheet.kind.value}.csv")
        path.write_bytes(sheet_csv(sheet))
        paths.append(path)
    return ExportResult(tuple(paths), counts)
