"""The kit report's tables as plain data: typed cells, columns and titled sections (no Qt).

Every output (screen, PDF, XLSX, CSV) shows these same tables; a cell's Python type says how
it is shown (see :func:`gearroom.services.report_export.cell_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

ColumnKind = Literal["text", "int", "date", "datetime", "percent", "money"]


@dataclass(frozen=True)
class Money:
    """An amount in a currency: shown by CLDR (Babel), written to CSV as a plain decimal and
    to XLSX as a real currency cell."""

    amount: Decimal
    currency: str


Cell = str | int | float | date | datetime | Money | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Section:
    """One table of the report: a sheet in XLSX, a file in CSV, a table in the PDF."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def col(title: str, kind: ColumnKind = "text") -> Column:
    return Column(title, kind)
