"""Reading import files as they come from the real world, and their values.

UTF-8 with or without BOM, Windows-1252 and UTF-16; ``,`` ``;`` tab or ``|`` separators; CRLF or
bare CR line ends; quoted fields with newlines; duplicate column names; blank rows; XLSX sheets
and the zip or folder a catalog export writes. Numbers with currency signs, thousands separators
or in scientific notation; US, ISO and day-first dates.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import charset_normalizer

from gearroom.errors import GearroomError

DELIMITERS = ",;\t|"


def blank_cell(cell: str) -> bool:
    """Whitespace only, or bare separators (a row of ``;;;`` is blank)."""
    return not cell.strip().strip(",;|").strip()


MAX_FILE_BYTES = 50_000_000


class ImportKind(enum.StrEnum):
    """What a file holds."""

    ASSETS = "assets"
    STOCK = "stock"
    PEOPLE = "people"
    KITS = "kits"

    @property
    def label(self) -> str:
        return {"assets": "Assets", "stock": "Stock", "people": "People", "kits": "Kits"}[
            self.value
        ]


class ImportFileError(GearroomError):
    """A file that cannot be read as a table."""

    exit_code = 2


@dataclass(frozen=True)
class SourceRow:
    """A row of the file with its line number as in the file (1-based)."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SourceTable:
    """A file read as a header row and data rows, with how it was read."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    header_line: int = 1
    encoding: str = ""
    delimiter: str = ""
    original_headers: tuple[str, ...] = ()

    def describe(self) -> str:
        how = []
        if self.encoding:
            how.append(f"encoding {self.encoding}")
        if self.delimiter:
            shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}
            how.append(f"separator {shown.get(self.delimiter, self.delimiter)}")
        return f"{self.name}: {len(self.rows)} row(s), {len(self.headers)} column(s)" + (
            f" ({', '.join(how)})" if how else ""
        )


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: BOMs first, then UTF-8, then the single-byte
    encoding charset-normalizer finds (Windows-1252 rather than Latin-1 controls)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name), "utf-16"
            except UnicodeDecodeError as exc:
                raise ImportFileError(f"The file looks like UTF-16 but is not ({exc}).") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _single_byte(data)


#: The single-byte encodings spreadsheets of rental houses come in, most likely first.
_SINGLE_BYTE = ("cp1252", "latin_1", "iso8859_15")
#: Where ISO-8859-15 differs from Latin-1 (€, Š, š, Ž, ž, Œ, œ, Ÿ).
_LATIN9_ONLY = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")
_NAMES = {"cp1252": "windows-1252", "latin_1": "latin-1", "iso8859_15": "iso-8859-15"}


def _single_byte(data: bytes) -> tuple[str, str]:
    """Not UTF-8: ask charset-normalizer which single-byte encoding reads most like text.

    Windows-1252 and Latin-1 share every byte but 0x80–0x9F, where Latin-1 has control
    characters and Windows-1252 has € ‘ ’ “ ” – — …; a file with such bytes that reads as
    Windows-1252 is Windows-1252 (Excel on Windows writes it), never Latin-1 controls.
    """
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_SINGLE_BYTE)).best()
    name = best.encoding if best is not None else "cp1252"
    if name == "iso8859_15" and not _LATIN9_ONLY.intersection(data):
        name = "latin_1"  # the same text either way: say the common name
    if name == "latin_1" or name not in _SINGLE_BYTE:
        name = "cp1252" if _reads_as(data, "cp1252") else "latin_1"
    try:
        return data.decode(name), _NAMES.get(name, name.replace("_", "-"))
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _reads_as(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """CSV records with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    previous = 0
    for record in reader:
        yield previous + 1, record
        previous = reader.line_num


def _delimiter_score(sample: str, delimiter: str) -> tuple[int, float, int]:
    widths: list[int] = []
    try:
        for _line, record in _records(sample, delimiter):
            if any(cell.strip() for cell in record):
                widths.append(len(record))
            if len(widths) >= 50:
                break
    except csv.Error:
        return (0, 0.0, 0)
    if len(widths) > 1 and len(sample) >= 60_000:
        widths = widths[:-1]  # the sample may end inside the last record
    if not widths:
        return (0, 0.0, 0)
    mode = max(set(widths), key=widths.count)
    return (1 if mode > 1 else 0, widths.count(mode) / len(widths), mode)


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text: csv.Sniffer's guess, checked against a consistency score."""
    sample = text[:60_000]
    sniffed: str | None
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores = {d: _delimiter_score(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (scores[d], d == sniffed))
    if sniffed in scores and scores[sniffed] >= scores[best]:
        return sniffed
    return best if scores[best][0] else ","


def _unique_headers(raw: Sequence[str]) -> tuple[str, ...]:
    """Header names made unique: blank ones become "Column N", repeats get " (2)", " (3)"…"""
    out: list[str] = []
    seen: set[str] = set()
    for index, name in enumerate(raw, start=1):
        base = " ".join(str(name).split()) or f"Column {index}"
        candidate, n = base, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{base} ({n})"
        seen.add(candidate.lower())
        out.append(candidate)
    return tuple(out)


def _table(
    name: str,
    numbered: Iterable[tuple[int, Sequence[str]]],
    encoding: str = "",
    delimiter: str = "",
) -> SourceTable:
    header: tuple[int, Sequence[str]] | None = None
    rows: list[SourceRow] = []
    for line, cells in numbered:
        if all(blank_cell(cell) for cell in cells):
            continue  # blank rows (a row of bare separators is blank too)
        if header is None:
            header = (line, cells)
            continue
        rows.append(SourceRow(line, tuple(cells)))
    if header is None:
        raise ImportFileError(f"{name} is empty: there is no header row.")
    raw = tuple(str(c).strip() for c in header[1])
    while raw and not raw[-1]:
        raw = raw[:-1]
    return SourceTable(
        name=name,
        headers=_unique_headers(raw),
        rows=tuple(rows),
        header_line=header[0],
        encoding=encoding,
        delimiter=delimiter,
        original_headers=raw,
    )


def read_csv_text(
    text: str, name: str, encoding: str = "", delimiter: str | None = None
) -> SourceTable:
    """A CSV text as a table (the separator is sniffed unless given)."""
    sep = delimiter or sniff_delimiter(text)
    try:
        records = list(_records(text, sep))
    except csv.Error as exc:
        raise ImportFileError(f"{name} is not a readable CSV file ({exc}).") from exc
    return _table(name, records, encoding, sep)


def read_csv_bytes(data: bytes, name: str, delimiter: str | None = None) -> SourceTable:
    text, encoding = decode_bytes(data)
    return read_csv_text(text, name, encoding, delimiter)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


_SHEET_NAMES: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ASSETS: ("assets", "asset", "items", "equipment"),
    ImportKind.STOCK: ("stock", "stock items", "consumables", "bulk"),
    ImportKind.PEOPLE: ("people", "persons", "contacts", "crew", "users"),
    ImportKind.KITS: ("kits", "kit", "packages", "cases"),
}


def read_xlsx_bytes(
    data: bytes, name: str, kind: ImportKind | None = None, sheet: str | None = None
) -> SourceTable:
    """One sheet of a workbook: ``sheet`` if given, else the one named after ``kind``, else the
    first."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook ({exc}).") from exc
    names = list(book.sheetnames)
    chosen: str | None = None
    if sheet:
        chosen = next((n for n in names if n.lower() == sheet.strip().lower()), None)
        if chosen is None:
            raise ImportFileError(f"{name} has no sheet {sheet!r} (sheets: {', '.join(names)}).")
    elif kind is not None:
        wanted = _SHEET_NAMES[ImportKind(kind)]
        chosen = next((n for n in names if n.strip().lower() in wanted), None)
    if chosen is None:
        chosen = names[0]
    ws = book[chosen]
    numbered = (
        (number, [_cell_text(v) for v in values])
        for number, values in enumerate(ws.iter_rows(values_only=True), start=ws.min_row)
    )
    table = _table(f"{name} [{chosen}]", numbered)
    book.close()
    return table


_ZIP_MEMBERS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ASSETS: ("assets",),
    ImportKind.STOCK: ("stock",),
    ImportKind.PEOPLE: ("people",),
    ImportKind.KITS: ("kits",),
}


def read_table(
    path: Path, kind: ImportKind | None = None, *, sheet: str | None = None
) -> SourceTable:
    """Read a CSV/TSV/TXT file, an XLSX workbook, a zip of CSV files (as written by the catalog
    export) or a folder of them."""
    path = Path(path)
    if path.is_dir():
        if kind is None:
            raise ImportFileError(f"{path} is a folder; say which kind of records to import.")
        for candidate in sorted(path.glob("*.csv")):
            if candidate.stem.lower().endswith(_ZIP_MEMBERS[ImportKind(kind)]):
                return read_table(candidate, kind)
        raise ImportFileError(f"{path} holds no {ImportKind(kind).value}.csv file.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                f"{path.name} is {size // 1_000_000} MB; split it into files under "
                f"{MAX_FILE_BYTES // 1_000_000} MB."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (suffix != ".zip" and data[:2] == b"PK" and _is_xlsx(data)):
        return read_xlsx_bytes(data, path.name, kind, sheet)
    if suffix == ".zip":
        return _read_zip(data, path.name, kind)
    if suffix == ".xls":
        raise ImportFileError(
            f"{path.name} is an old Excel 97 workbook; save it as .xlsx or .csv and import that."
        )
    return read_csv_bytes(data, path.name)


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _read_zip(data: bytes, name: str, kind: ImportKind | None) -> SourceTable:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            wanted = _ZIP_MEMBERS[ImportKind(kind)] if kind else ()
            chosen = next(
                (m for m in members if wanted and Path(m).stem.lower().endswith(wanted)), None
            )
            if chosen is None and len(members) == 1:
                chosen = members[0]
            if chosen is None:
                what = f"{ImportKind(kind).value}.csv" if kind else "a single .csv file"
                raise ImportFileError(f"{name} holds no {what}.")
            payload = archive.read(chosen)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"{name} is not a readable zip archive ({exc}).") from exc
    return read_csv_bytes(payload, f"{name} [{chosen}]")


# --------------------------------------------------------------------------- values


_NUMBER_CLEAN = re.compile(r"[\s\u00a0\u202f'’$€£¥]|(?i:usd|eur|gbp|chf)")


def parse_number(text: str) -> Decimal:
    """A number as spreadsheets write it: ``1.2E+3``, ``$1,234.50``, ``1.234,50 €``, ``(12)``.

    Raises ValueError when ``text`` is no number.
    """
    raw = text.strip()
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1]
    cleaned = _NUMBER_CLEAN.sub("", raw)
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    if not cleaned or not re.fullmatch(r"[0-9.,]*([eE][+-]?[0-9]+)?", cleaned):
        raise ValueError(text)
    mantissa, _, exponent = cleaned.partition("e") if "e" in cleaned else cleaned.partition("E")
    if "," in mantissa and "." in mantissa:
        if mantissa.rfind(",") > mantissa.rfind("."):
            mantissa = mantissa.replace(".", "").replace(",", ".")
        else:
            mantissa = mantissa.replace(",", "")
    elif "," in mantissa:
        if re.fullmatch(r"\d{1,3}(,\d{3})+", mantissa):
            mantissa = mantissa.replace(",", "")
        elif mantissa.count(",") == 1:
            mantissa = mantissa.replace(",", ".")
        else:
            raise ValueError(text)
    elif mantissa.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", mantissa):
            raise ValueError(text)
        mantissa = mantissa.replace(".", "")
    if not re.fullmatch(r"\d*\.?\d*", mantissa) or mantissa in ("", "."):
        raise ValueError(text)
    if (exponent and abs(int(exponent)) > 30) or len(mantissa) > 40:
        raise ValueError(text)
    try:
        number = Decimal(mantissa + (f"E{exponent}" if exponent else ""))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return -number if negative else number


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME, re.I)
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME, re.I)
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME, re.I
)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?[\s,-]+(\d{4})" + _TIME, re.I
)


def parse_date_text(text: str, order: str = "mdy") -> date:
    """A date as exports write it: ISO (``2024-03-01``, with or without a time), US
    ``03/01/2024`` (``order="mdy"``) or day first ``01.03.2024`` (``order="dmy"``), and Snipe-IT's
    ``2024-03-01 00:00:00``, ``Mar 1, 2024`` and ``Fri Mar 01, 2024``. Raises ValueError."""
    raw = text.strip()
    year: int
    month: int
    day: int
    if m := _ISO.fullmatch(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC.fullmatch(raw):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if year < 100:
            year += 2000 if year < 70 else 1900
        month, day = (first, second) if order == "mdy" else (second, first)
    elif m := _MONTH_FIRST.fullmatch(raw):
        month, day, year = _MONTHS.get(m[1].lower(), 0), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.fullmatch(raw):
        day, month, year = int(m[1]), _MONTHS.get(m[2].lower(), 0), int(m[3])
    else:
        raise ValueError(text)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(text) from exc


_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


def unescape_cell(text: str) -> str:
    """A cell as the person meant it: a leading ``'`` that kept a spreadsheet from reading the
    text as a formula (``'=SUM…``, as the catalog export writes it) is dropped."""
    return _FORMULA_ESCAPE.sub("", text, count=1)
