"""Import assets, stock items, people and kits from CSV and XLSX files.

The steps, shared by the ``gearroom import`` command and the import wizard:

1. :func:`gearroom.services.import_files.read_table` reads a file as it comes from the real
   world: UTF-8 with or without BOM, Windows-1252, ``,`` ``;`` tab or ``|`` separators, CRLF
   or bare CR line ends, quoted fields with newlines, duplicate column names (the second
   ``Notes`` becomes ``Notes (2)``) and blank rows. Each row keeps its line number in the
   file (the spreadsheet row for XLSX).
2. :func:`initial_mapping` maps columns to fields: a guess from the column names, a preset
   (``snipe-it``, ``cheqroom``, ``generic``…, the JSON files in ``resources/import/presets``)
   and what was confirmed last time for the same source (:class:`MappingStore`, keyed by the
   preset name or a hash of the header row).
3. :func:`run_import` runs every row through the ordinary services (so every imported item has
   its history event) in one transaction, each row in a savepoint so that one bad row does not
   hide the problems of the next. A dry run rolls everything back and reports what would be
   created or updated and every row's problems (line, column, why). A commit with any problem
   raises :class:`ImportRefused` and writes nothing: an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from gearroom.config import default_data_dir
from gearroom.errors import GearroomError, NotFoundError, ValidationError
from gearroom.models import AssetStatus, PersonRole, Tag, TagKind
from gearroom.models.catalog import TAG_LENGTH
from gearroom.paths import resources_dir
from gearroom.services import catalog, history, kits, people, stock
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import AssetDraft
from gearroom.services.import_files import (
    ImportFileError,
    ImportKind,
    SourceRow,
    SourceTable,
    decode_bytes,
    parse_date_text,
    parse_number,
    read_csv_bytes,
    read_table,
    sniff_delimiter,
    unescape_cell,
)
from gearroom.services.tags import normalize_tag, validate_prefix, validate_tag
from gearroom.services.validation import clean_text

#: Mapping value of a column that is not imported.
IGNORE = ""
#: Fields ``attr:KEY`` fill the category-specific fields of an asset (lens mount, sensor hours…).
ATTRIBUTE_PREFIX = "attr:"
MAPPINGS_FILE = "import-mappings.json"


class ImportRefused(GearroomError):
    """A commit with problems: nothing was written. ``report`` lists every problem."""

    exit_code = 8

    def __init__(self, report: ImportReport) -> None:
        count = len(report.problems)
        rows = len({p.line for p in report.problems})
        super().__init__(
            f"{count} problem(s) in {rows} row(s) of {report.source}; nothing was imported. "
            "Fix the file or the column mapping and import again."
        )
        self.report = report


class ImportCancelled(GearroomError):
    """The person cancelled a running import; nothing was written."""

    exit_code = 130


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class TargetField:
    """A field a column can fill."""

    key: str
    label: str
    required: bool = False
    max_length: int = 200
    synonyms: tuple[str, ...] = ()


_TEXT_NOTES = 10_000

FIELDS: dict[ImportKind, tuple[TargetField, ...]] = {
    ImportKind.ASSETS: (
        TargetField("tag", "Tag", max_length=TAG_LENGTH, synonyms=("asset tag", "asset id", "id")),
        TargetField(
            "name", "Name", True, synonyms=("asset name", "item name", "item", "description")
        ),
        TargetField("category", "Category", True, 80, synonyms=("type", "category name", "group")),
        TargetField("make", "Make", max_length=120, synonyms=("manufacturer", "brand", "vendor")),
        TargetField("model", "Model", max_length=120, synonyms=("model name",)),
        TargetField(
            "serial", "Serial", max_length=120, synonyms=("serial number", "serial no", "s/n", "sn")
        ),
        TargetField("location", "Location", max_length=120, synonyms=("place", "shelf", "where")),
        TargetField(
            "purchase_date",
            "Purchase date",
            synonyms=("purchased", "purchase date", "date purchased", "bought", "acquired"),
        ),
        TargetField(
            "purchase_value",
            "Purchase value",
            synonyms=("purchase cost", "cost", "price", "value", "purchase price"),
        ),
        TargetField("status", "Status", synonyms=("state",)),
        TargetField("notes", "Notes", max_length=_TEXT_NOTES, synonyms=("note", "comments")),
    ),
    ImportKind.STOCK: (
        TargetField("tag", "Tag", max_length=TAG_LENGTH, synonyms=("stock tag", "sku", "id")),
        TargetField("name", "Name", True, synonyms=("item name", "item", "description")),
        TargetField("category", "Category", True, 80, synonyms=("type", "group")),
        TargetField(
            "quantity", "Quantity", True, synonyms=("qty", "count", "amount", "on hand", "stock")
        ),
        TargetField("unit", "Unit", max_length=20, synonyms=("units", "uom")),
        TargetField("location", "Location", max_length=120, synonyms=("place", "shelf")),
        TargetField("notes", "Notes", max_length=_TEXT_NOTES, synonyms=("note", "comments")),
    ),
    ImportKind.PEOPLE: (
        TargetField(
            "badge", "Badge", max_length=TAG_LENGTH, synonyms=("badge tag", "tag", "id", "badge id")
        ),
        TargetField("name", "Name", True, synonyms=("full name", "person", "contact")),
        TargetField("role", "Role", synonyms=("type",)),
        TargetField("company", "Company", synonyms=("organisation", "organization", "client")),
        TargetField("email", "Email", synonyms=("e-mail", "mail", "email address")),
        TargetField("phone", "Phone", max_length=60, synonyms=("telephone", "mobile", "cell")),
        TargetField("notes", "Notes", max_length=_TEXT_NOTES, synonyms=("note", "comments")),
    ),
    ImportKind.KITS: (
        TargetField("tag", "Tag", max_length=TAG_LENGTH, synonyms=("kit tag", "id")),
        TargetField("name", "Name", True, synonyms=("kit name", "package", "case")),
        TargetField(
            "parent", "Inside kit", max_length=TAG_LENGTH, synonyms=("parent", "parent kit")
        ),
        TargetField("location", "Location", max_length=120, synonyms=("place", "shelf")),
        TargetField("notes", "Notes", max_length=_TEXT_NOTES, synonyms=("note", "comments")),
        TargetField(
            "contents",
            "Contents",
            max_length=100_000,
            synonyms=("members", "items", "assets", "contains"),
        ),
    ),
}


def fields_for(kind: ImportKind) -> tuple[TargetField, ...]:
    return FIELDS[ImportKind(kind)]


def field_label(kind: ImportKind, key: str) -> str:
    if key.startswith(ATTRIBUTE_PREFIX):
        return f"Category field: {key[len(ATTRIBUTE_PREFIX) :]}"
    for spec in fields_for(kind):
        if spec.key == key:
            return spec.label
    return key


def _norm(text: str) -> str:
    """A column name for matching: lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


# --------------------------------------------------------------------------- presets, mappings


@dataclass(frozen=True)
class Preset:
    """Column names of a known export, mapped to Gearroom fields."""

    name: str
    kind: ImportKind
    title: str
    description: str
    columns: dict[str, str]
    date_order: str = "mdy"

    def mapping_for(self, headers: Sequence[str]) -> dict[str, str]:
        by_norm = {_norm(k): v for k, v in self.columns.items()}
        return {h: by_norm[_norm(h)] for h in headers if _norm(h) in by_norm}


def presets_dir() -> Path:
    return resources_dir() / "import" / "presets"


def _load_preset(path: Path) -> Preset:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Preset(
            name=str(raw["name"]),
            kind=ImportKind(raw["kind"]),
            title=str(raw.get("title", raw["name"])),
            description=str(raw.get("description", "")),
            columns={str(k): str(v) for k, v in raw["columns"].items()},
            date_order=str(raw.get("date_order", "mdy")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(f"The import preset {path.name} is broken ({exc}).") from exc


def list_presets(kind: ImportKind | None = None) -> list[Preset]:
    """The shipped presets (for ``kind`` only, when given), by name."""
    folder = presets_dir()
    found = [_load_preset(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return sorted(
        (p for p in found if kind is None or p.kind is ImportKind(kind)),
        key=lambda p: (p.name, p.kind is not ImportKind.ASSETS),
    )


def get_preset(name: str, kind: ImportKind | None = None) -> Preset:
    wanted = name.strip().lower()
    every = list_presets()
    matches = [p for p in every if p.name == wanted]
    if kind is not None:
        matches = [p for p in matches if p.kind is ImportKind(kind)] or matches
    if not matches:
        names = ", ".join(sorted({p.name for p in every})) or "none"
        raise NotFoundError(f"There is no import preset {name!r} (presets: {names}).")
    preset = matches[0]
    if kind is not None and preset.kind is not ImportKind(kind):
        raise ValidationError(
            f"The preset {preset.name} is for {preset.kind.value}, not {ImportKind(kind).value}."
        )
    return preset


def source_signature(kind: ImportKind, headers: Sequence[str], preset: str | None = None) -> str:
    """The key a confirmed mapping is remembered by: the preset, or a hash of the header row."""
    if preset:
        return f"{ImportKind(kind).value}:preset:{preset}"
    digest = hashlib.sha256("\x1f".join(_norm(h) for h in headers).encode()).hexdigest()[:16]
    return f"{ImportKind(kind).value}:headers:{digest}"


class MappingStore:
    """Confirmed column mappings, remembered per source in a JSON file in the data folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_data_dir() / MAPPINGS_FILE

    def _load_all(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}

    def get(self, signature: str) -> dict[str, str] | None:
        entry = self._load_all().get(signature)
        if not isinstance(entry, dict) or not isinstance(entry.get("columns"), dict):
            return None
        return {str(k): str(v) for k, v in entry["columns"].items()}

    def save(self, signature: str, mapping: Mapping[str, str]) -> None:
        every = self._load_all()
        every[signature] = {"columns": dict(mapping), "saved": datetime.now().isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(every, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def guess_mapping(
    kind: ImportKind, headers: Sequence[str], attribute_keys: Iterable[str] = ()
) -> dict[str, str]:
    """Map columns whose names look like a field (``Serial Number`` → serial)."""
    lookup: dict[str, str] = {}
    for spec in fields_for(kind):
        for name in (spec.key, spec.label, *spec.synonyms):
            lookup.setdefault(_norm(name), spec.key)
    keys = set(attribute_keys)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target: str | None = None
        if header.lower().startswith(ATTRIBUTE_PREFIX):
            key = header[len(ATTRIBUTE_PREFIX) :].strip().lower()
            target = f"{ATTRIBUTE_PREFIX}{key}" if key else None
        else:
            target = lookup.get(_norm(header))
            if target is None and kind is ImportKind.ASSETS and _norm(header) in keys:
                target = f"{ATTRIBUTE_PREFIX}{_norm(header)}"
        if target and target not in taken:
            out[header] = target
            taken.add(target)
    return out


def initial_mapping(
    kind: ImportKind,
    table: SourceTable,
    *,
    preset: Preset | None = None,
    store: MappingStore | None = None,
    attribute_keys: Iterable[str] = (),
) -> dict[str, str]:
    """The mapping to start from: a guess, the preset on top, what was confirmed last time on
    top of that. Every header appears, unmapped ones with :data:`IGNORE`."""
    mapping = {h: IGNORE for h in table.headers}
    if preset is None:
        mapping.update(guess_mapping(kind, table.headers, attribute_keys))
    else:
        mapping.update(preset.mapping_for(table.headers))
    remembered = (store or MappingStore()).get(
        source_signature(kind, table.headers, preset.name if preset else None)
    )
    if remembered:
        mapping.update({h: f for h, f in remembered.items() if h in mapping})
    return mapping


def apply_overrides(
    mapping: Mapping[str, str], headers: Sequence[str], overrides: Iterable[str]
) -> dict[str, str]:
    """``COLUMN=FIELD`` overrides (``COLUMN=`` ignores the column); the column name is matched
    exactly, then case-insensitively."""
    out = dict(mapping)
    for item in overrides:
        column, sep, target = item.partition("=")
        if not sep or not column.strip():
            raise ValidationError(f"--map takes COLUMN=FIELD, not {item!r}.", field="map")
        wanted = column.strip()
        header = next((h for h in headers if h == wanted), None) or next(
            (h for h in headers if h.lower() == wanted.lower()), None
        )
        if header is None:
            raise ValidationError(
                f"The file has no column {wanted!r} (columns: {', '.join(headers)}).", field="map"
            )
        target = target.strip().lower()
        if target in ("-", "ignore", "none"):
            target = IGNORE
        if target:
            out = {h: (IGNORE if f == target else f) for h, f in out.items()}
        out[header] = target
    return out


def check_mapping(
    kind: ImportKind, mapping: Mapping[str, str], attribute_keys: Iterable[str] = ()
) -> None:
    """Refuse a mapping that names an unknown field, fills one field twice or leaves out a
    required one."""
    specs = {s.key: s for s in fields_for(kind)}
    keys = set(attribute_keys)
    used: dict[str, str] = {}
    for header, target in mapping.items():
        if not target:
            continue
        if target.startswith(ATTRIBUTE_PREFIX):
            if kind is not ImportKind.ASSETS:
                raise ValidationError(f"Only assets have category fields ({header} → {target}).")
            if keys and target[len(ATTRIBUTE_PREFIX) :] not in keys:
                raise ValidationError(
                    f"No category has a field {target[len(ATTRIBUTE_PREFIX) :]!r} "
                    f"(fields: {', '.join(sorted(keys))}).",
                    field="mapping",
                )
        elif target not in specs:
            raise ValidationError(
                f"{target!r} is not a field of {ImportKind(kind).value} (fields: "
                f"{', '.join(specs)}, or {ATTRIBUTE_PREFIX}KEY for a category field).",
                field="mapping",
            )
        if target in used:
            raise ValidationError(
                f"Both {used[target]!r} and {header!r} are mapped to {target}; keep one.",
                field="mapping",
            )
        used[target] = header
    missing = [s.label for s in specs.values() if s.required and s.key not in used]
    if missing:
        raise ValidationError(
            f"No column is mapped to {', '.join(missing)}; map one (required).", field="mapping"
        )


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be imported: its line in the file, the column and the reason."""

    line: int
    column: str
    message: str

    def describe(self) -> str:
        where = f"line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RowResult:
    """What happens to one row: ``create``, ``update``, ``unchanged`` or ``error``."""

    line: int
    action: str
    tag: str
    name: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ImportOptions:
    """``update_existing`` updates items whose tag (badge) exists, instead of reporting them;
    ``create_categories`` creates unknown categories (prefix derived from the name);
    ``date_order`` reads ``01/02/2024`` as January 2 (``mdy``) or February 1 (``dmy``)."""

    update_existing: bool = False
    create_categories: bool = False
    date_order: str = "mdy"


@dataclass(frozen=True)
class ImportReport:
    """The dry run or the commit: every row, every problem, what gets created."""

    kind: ImportKind
    source: str
    mapping: dict[str, str]
    rows: tuple[RowResult, ...]
    new_categories: tuple[str, ...] = ()
    new_locations: tuple[str, ...] = ()
    committed: bool = False
    encoding: str = ""
    delimiter: str = ""

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> str:
        """One line: what happened (or would happen) to how many rows."""
        if self.committed:
            parts = [f"{self.count('create')} created", f"{self.count('update')} updated"]
        else:
            parts = [f"{self.count('create')} to create", f"{self.count('update')} to update"]
        parts.append(f"{self.count('unchanged')} unchanged")
        if self.count("error"):
            parts.append(f"{self.count('error')} with problems")
        text = f"{self.source}: {len(self.rows)} row(s) — " + ", ".join(parts)
        if self.new_categories:
            text += f"; new categories: {', '.join(self.new_categories)}"
        if self.new_locations:
            text += f"; new locations: {', '.join(self.new_locations)}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "source": self.source,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "committed": self.committed,
            "ok": self.ok,
            "mapping": self.mapping,
            "counts": {a: self.count(a) for a in ("create", "update", "unchanged", "error")},
            "new_categories": list(self.new_categories),
            "new_locations": list(self.new_locations),
            "rows": [
                {
                    "line": r.line,
                    "action": r.action,
                    "tag": r.tag,
                    "name": r.name,
                    "problems": [
                        {"line": p.line, "column": p.column, "message": p.message}
                        for p in r.problems
                    ],
                }
                for r in self.rows
            ],
        }


# --------------------------------------------------------------------------- the import


class _RowFailed(Exception):
    """Problems found while checking a row (internal)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def derive_prefix(name: str, taken: Iterable[str]) -> str:
    """A free tag prefix for a new category: the first letters of its name (``Filters`` → FIL),
    longer or numbered when that one is taken."""
    used = {t.upper() for t in taken}
    letters = re.sub(
        r"[^A-Z0-9]",
        "",
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper(),
    )
    letters = letters.lstrip("0123456789")
    if not letters:
        letters = "CAT"
    for size in range(3, min(len(letters), 8) + 1):
        if letters[:size] not in used:
            return validate_prefix(letters[:size])
    base = letters[:3] if len(letters) >= 3 else letters
    for n in range(2, 100_000):
        candidate = f"{base}{n}"[:8]
        if candidate not in used:
            return validate_prefix(candidate)
    raise ValidationError(f"No free tag prefix for the category {name!r}.")  # pragma: no cover


_MEMBER = re.compile(
    r"^(?:(?P<pre>\d+)\s*[x×*]\s*)?(?P<tag>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
    r"(?:\s+[x×*]\s*(?P<post>\d+)|\s*[×*]\s*(?P<post2>\d+))?$"
)


def parse_contents(text: str) -> list[tuple[str, int]]:
    """Kit contents as written in a cell: tags separated by ``,`` ``;`` ``|`` or new lines,
    each optionally with a quantity (``PWR-0003 x4``, ``4 x PWR-0003``). Raises ValueError."""
    out: list[tuple[str, int]] = []
    for part in re.split(r"[,;|\n\r]+", text):
        token = part.strip()
        if not token:
            continue
        m = _MEMBER.match(token)
        if m is None:
            raise ValueError(token)
        qty = int(m["pre"] or m["post"] or m["post2"] or 1)
        if qty < 1:
            raise ValueError(token)
        out.append((normalize_tag(m["tag"]), qty))
    return out


_STATUS_WORDS = {
    "available": None,
    "reserved": None,
    "out": None,
    "checked out": None,
    "in service": AssetStatus.IN_SERVICE,
    "in_service": AssetStatus.IN_SERVICE,
    "service": AssetStatus.IN_SERVICE,
    "lost": AssetStatus.LOST,
    "retired": AssetStatus.RETIRED,
}


class _Importer:
    """One run over a table; all state of the run lives here."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        table: SourceTable,
        kind: ImportKind,
        mapping: Mapping[str, str],
        options: ImportOptions,
    ) -> None:
        self.session = session
        self.actor = actor
        self.table = table
        self.kind = kind
        self.mapping = {h: f for h, f in mapping.items() if f}
        self.options = options
        self.column_of = {f: h for h, f in self.mapping.items()}
        self.index_of = {h: i for i, h in enumerate(table.headers)}
        self.categories: dict[str, catalog.CategoryView] = {}
        self.prefixes: set[str] = set()
        self.locations: dict[str, str] = {}
        self.new_categories: list[str] = []
        self.new_locations: list[str] = []
        self.seen_tags: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}
        self._load_lookups()

    def _load_lookups(self) -> None:
        for cat in catalog.list_categories(self.session):
            self.categories[cat.name.lower()] = cat
            self.categories[cat.prefix.lower()] = cat
            self.prefixes.add(cat.prefix)
        for loc in catalog.list_locations(self.session):
            self.locations[loc.name.lower()] = loc.name
            self.locations[loc.tag.lower()] = loc.name

    # ------------------------------------------------------------------ cells

    def values(self, row: SourceRow) -> dict[str, str]:
        out: dict[str, str] = {}
        for header, target in self.mapping.items():
            index = self.index_of.get(header)
            if index is None or index >= len(row.cells):
                continue
            text = row.cells[index].replace("\r\n", "\n").replace("\r", "\n")
            out[target] = unescape_cell(text).strip()
        return out

    def column(self, key: str) -> str:
        return self.column_of.get(key, "")

    def problem(self, row: SourceRow, key: str, message: str) -> Problem:
        return Problem(row.line, self.column(key), message)

    def shape_problems(self, row: SourceRow) -> list[Problem]:
        rows = self.table.rows
        last = bool(rows) and row is rows[-1]
        if last and self.table.delimiter and len(row.cells) < len(self.table.headers):
            # A CSV file cut short (a copy interrupted, a download stopped): its partial last
            # row would be imported with empty fields.
            return [
                Problem(
                    row.line,
                    "",
                    f"The last row has {len(row.cells)} of {len(self.table.headers)} cells: the "
                    "file looks cut short. Export it again, or complete the row.",
                )
            ]
        extra = [c for c in row.cells[len(self.table.headers) :] if c.strip()]
        if extra:
            return [
                Problem(
                    row.line,
                    "",
                    f"The row has {len(row.cells)} cells but the header has "
                    f"{len(self.table.headers)}; a separator or a quote inside a field may "
                    "have split it.",
                )
            ]
        return []

    def text(
        self, row: SourceRow, values: Mapping[str, str], key: str, problems: list[Problem]
    ) -> str:
        spec = next((s for s in fields_for(self.kind) if s.key == key), None)
        value = values.get(key, "")
        if spec is None:
            return value
        try:
            return clean_text(value, key, max_length=spec.max_length, required=spec.required)
        except ValidationError as exc:
            problems.append(self.problem(row, key, str(exc)))
            return ""

    def tag_value(
        self, row: SourceRow, values: Mapping[str, str], key: str, problems: list[Problem]
    ) -> str | None:
        raw = values.get(key, "")
        if not raw:
            return None
        try:
            tag = validate_tag(raw)
        except ValidationError as exc:
            problems.append(self.problem(row, key, str(exc)))
            return None
        earlier = self.seen_tags.get(tag)
        if earlier is not None and earlier != row.line:
            problems.append(
                self.problem(row, key, f"The tag {tag} is on line {earlier} of the file too.")
            )
            return None
        self.seen_tags[tag] = row.line
        return tag

    def existing(self, tag: str | None) -> Tag | None:
        return self.session.get(Tag, tag) if tag else None

    def refuse_existing(self, row: SourceRow, key: str, entry: Tag, wanted: TagKind) -> Problem:
        if entry.kind is wanted:
            why = (
                f"The tag {entry.tag} exists already ({entry.kind.value}); tick "
                "'update existing' to update it from this row, or give the row another tag."
            )
        else:
            why = (
                f"The tag {entry.tag} is already used by a {entry.kind.value}; give this row "
                "another tag."
            )
        return self.problem(row, key, why)

    def category(self, row: SourceRow, value: str, problems: list[Problem]) -> str:
        """The category's name; an unknown one is created (when allowed) or reported."""
        if not value:
            return ""
        found = self.categories.get(value.lower())
        if found is not None:
            return found.name
        if not self.options.create_categories:
            known = ", ".join(sorted({c.name for c in self.categories.values()})) or "none"
            problems.append(
                self.problem(
                    row,
                    "category",
                    f"There is no category {value!r}; tick 'create missing categories' or use "
                    f"one of: {known}.",
                )
            )
            return ""
        return value

    def ensure_category(self, row: SourceRow, name: str) -> None:
        """Create a missing category (inside the row's savepoint)."""
        if not name or name.lower() in self.categories:
            return
        prefix = derive_prefix(name, self.prefixes)
        try:
            view = catalog.create_category(self.session, self.actor, name, prefix)
        except GearroomError as exc:
            raise _RowFailed([self.problem(row, "category", str(exc))]) from exc
        self.categories[view.name.lower()] = view
        self.categories[view.prefix.lower()] = view
        self.prefixes.add(view.prefix)
        self.new_categories.append(f"{view.name} ({view.prefix})")

    def ensure_location(self, row: SourceRow, name: str) -> str | None:
        if not name:
            return None
        found = self.locations.get(name.lower()) or self.locations.get(normalize_tag(name).lower())
        if found is not None:
            return found
        try:
            view = catalog.create_location(self.session, self.actor, name)
        except GearroomError as exc:
            raise _RowFailed([self.problem(row, "location", str(exc))]) from exc
        self.locations[view.name.lower()] = view.name
        self.locations[view.tag.lower()] = view.name
        self.new_locations.append(view.name)
        return view.name

    def error_problem(self, row: SourceRow, exc: GearroomError) -> Problem:
        key = exc.field if isinstance(exc, ValidationError) else None
        if key and key not in self.column_of and f"{ATTRIBUTE_PREFIX}{key}" in self.column_of:
            key = f"{ATTRIBUTE_PREFIX}{key}"
        return Problem(row.line, self.column(key) if key else "", str(exc))

    # ------------------------------------------------------------------ one row

    def guarded(
        self, row: SourceRow, work: Callable[[], tuple[str, str, str]], problems: list[Problem]
    ) -> RowResult:
        """Run ``work`` for a row in a savepoint; a failure becomes the row's problems."""
        if problems:
            return RowResult(row.line, "error", "", "", tuple(problems))
        savepoint = self.session.begin_nested()
        categories, locations = len(self.new_categories), len(self.new_locations)
        try:
            action, tag, name = work()
            self.session.flush()
        except _RowFailed as failed:
            self._rollback(savepoint, categories, locations)
            return RowResult(row.line, "error", "", "", tuple(failed.problems))
        except GearroomError as exc:
            self._rollback(savepoint, categories, locations)
            return RowResult(row.line, "error", "", "", (self.error_problem(row, exc),))
        except (IntegrityError, DataError) as exc:
            # Only what the row itself caused; a failure of the database (disk full, lost
            # server) ends the whole import, which the caller rolls back.
            self._rollback(savepoint, categories, locations)
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
            return RowResult(
                row.line,
                "error",
                "",
                "",
                (Problem(row.line, "", f"The database refused this row ({reason})."),),
            )
        savepoint.commit()
        return RowResult(row.line, action, tag, name)

    def _rollback(self, savepoint: Any, categories: int, locations: int) -> None:
        savepoint.rollback()
        self._forget_created(categories, locations)

    def _forget_created(self, categories: int, locations: int) -> None:
        del self.new_categories[categories:]
        del self.new_locations[locations:]
        self.categories.clear()
        self.locations.clear()
        self.prefixes.clear()
        self._load_lookups()

    # ------------------------------------------------------------------ assets

    def asset_row(self, row: SourceRow) -> RowResult:
        values = self.values(row)
        problems = self.shape_problems(row)
        name = self.text(row, values, "name", problems)
        tag = self.tag_value(row, values, "tag", problems)
        texts = {k: self.text(row, values, k, problems) for k in ("make", "model", "serial")}
        notes = self.text(row, values, "notes", problems)
        location = self.text(row, values, "location", problems)
        category = self.category(row, self.text(row, values, "category", problems), problems)
        purchase_date = self.date_value(row, values, "purchase_date", problems)
        purchase_value = self.money_value(row, values, "purchase_value", problems)
        status = self.status_value(row, values, problems)
        attributes = self.attribute_values(row, values, category, problems)
        entry = self.existing(tag)
        if entry is not None and not (self.options.update_existing and entry.kind is TagKind.ASSET):
            problems.append(self.refuse_existing(row, "tag", entry, TagKind.ASSET))

        def work() -> tuple[str, str, str]:
            self.ensure_category(row, category)
            where = self.ensure_location(row, location)
            if entry is not None and tag is not None:
                before = catalog.get_asset(self.session, tag)
                changes: dict[str, Any] = {"name": name, "category": category}
                changes.update({k: v for k, v in texts.items() if v})
                if notes:
                    changes["notes"] = notes
                if where:
                    changes["location"] = where
                if purchase_date is not None:
                    changes["purchase_date"] = purchase_date
                if purchase_value is not None:
                    changes["purchase_value"] = purchase_value
                if attributes:
                    changes["attributes"] = {**before.attributes, **attributes}
                after = catalog.update_asset(self.session, self.actor, tag, changes)
                if status is not None and status is not after.status:
                    self.apply_status(after.tag, status)
                same = replace(after, updated_at=before.updated_at) == before
                return ("unchanged" if same else "update"), after.tag, after.name
            view = catalog.create_asset(
                self.session,
                self.actor,
                AssetDraft(
                    name=name,
                    category=category,
                    tag=tag,
                    location=where,
                    purchase_date=purchase_date,
                    purchase_value=purchase_value,
                    notes=notes,
                    attributes=attributes,
                    **texts,
                ),
            )
            if status is not None:
                self.apply_status(view.tag, status)
            return "create", view.tag, view.name

        result = self.guarded(row, work, problems)
        return replace(
            result, name=result.name or name, tag=result.tag or values.get("tag", "")[:40]
        )

    def apply_status(self, tag: str, status: AssetStatus) -> None:
        if status is AssetStatus.RETIRED:
            catalog.retire_asset(self.session, self.actor, tag, "Retired before the import")
        else:
            catalog.set_status(self.session, self.actor, tag, status, "Status from the import")

    def status_value(
        self, row: SourceRow, values: Mapping[str, str], problems: list[Problem]
    ) -> AssetStatus | None:
        raw = " ".join(values.get("status", "").lower().replace("_", " ").split())
        if not raw:
            return None
        if raw in _STATUS_WORDS:
            return _STATUS_WORDS[raw]
        problems.append(
            self.problem(
                row,
                "status",
                f"Status {values['status']!r} is not one of available, in service, lost, "
                "retired (reserved and out come from bookings and are imported as available).",
            )
        )
        return None

    def date_value(
        self, row: SourceRow, values: Mapping[str, str], key: str, problems: list[Problem]
    ) -> date | None:
        raw = values.get(key, "")
        if not raw:
            return None
        try:
            return parse_date_text(raw, self.options.date_order)
        except ValueError:
            shape = "MM/DD/YYYY" if self.options.date_order == "mdy" else "DD/MM/YYYY"
            problems.append(
                self.problem(row, key, f"{raw[:60]!r} is not a date; use YYYY-MM-DD or {shape}.")
            )
            return None

    def money_value(
        self, row: SourceRow, values: Mapping[str, str], key: str, problems: list[Problem]
    ) -> Decimal | None:
        raw = values.get(key, "")
        if not raw:
            return None
        try:
            amount = parse_number(raw)
        except ValueError:
            problems.append(self.problem(row, key, f"{raw[:60]!r} is not an amount of money."))
            return None
        if amount < 0:
            problems.append(self.problem(row, key, "An amount of money cannot be negative."))
            return None
        if amount >= Decimal("10000000000"):
            problems.append(self.problem(row, key, f"{raw[:60]!r} is too large an amount."))
            return None
        return amount.quantize(Decimal("0.01"))

    def attribute_values(
        self, row: SourceRow, values: Mapping[str, str], category: str, problems: list[Problem]
    ) -> dict[str, Any]:
        raw = {
            k[len(ATTRIBUTE_PREFIX) :]: v
            for k, v in values.items()
            if k.startswith(ATTRIBUTE_PREFIX) and v
        }
        if not raw:
            return {}
        view = self.categories.get(category.lower()) if category else None
        specs = {f.key: f for f in view.fields} if view else {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            spec = specs.get(key)
            if view is not None and spec is None:
                problems.append(
                    self.problem(
                        row,
                        f"{ATTRIBUTE_PREFIX}{key}",
                        f"{view.name} items have no field {key!r} "
                        f"(fields: {', '.join(specs) or 'none'}).",
                    )
                )
                continue
            if spec is not None and spec.type in ("int", "float"):
                try:
                    number = parse_number(value)
                except ValueError:
                    number = None
                if number is not None and spec.type == "int" and number == number.to_integral():
                    out[key] = str(int(number))
                    continue
                if number is not None and spec.type == "float":
                    out[key] = str(number)
                    continue
            out[key] = value
        return out

    # ------------------------------------------------------------------ stock

    def stock_row(self, row: SourceRow) -> RowResult:
        values = self.values(row)
        problems = self.shape_problems(row)
        name = self.text(row, values, "name", problems)
        tag = self.tag_value(row, values, "tag", problems)
        unit = self.text(row, values, "unit", problems)
        notes = self.text(row, values, "notes", problems)
        location = self.text(row, values, "location", problems)
        category = self.category(row, self.text(row, values, "category", problems), problems)
        quantity = self.quantity_value(row, values, problems)
        entry = self.existing(tag)
        if entry is not None and not (self.options.update_existing and entry.kind is TagKind.STOCK):
            problems.append(self.refuse_existing(row, "tag", entry, TagKind.STOCK))
        if name and entry is None:
            earlier = self.seen_names.get(name.lower())
            if earlier is not None:
                problems.append(
                    self.problem(row, "name", f"{name!r} is on line {earlier} of the file too.")
                )
            self.seen_names[name.lower()] = row.line

        def work() -> tuple[str, str, str]:
            self.ensure_category(row, category)
            where = self.ensure_location(row, location)
            if entry is not None and tag is not None:
                before = stock.get_stock_item(self.session, tag)
                changes: dict[str, Any] = {"name": name, "category": category}
                if quantity is not None:
                    changes["quantity"] = quantity
                if unit:
                    changes["unit"] = unit
                if notes:
                    changes["notes"] = notes
                if where:
                    changes["location"] = where
                after = stock.update_stock_item(self.session, self.actor, tag, changes)
                return ("unchanged" if after == before else "update"), after.tag, after.name
            view = stock.create_stock_item(
                self.session,
                self.actor,
                name,
                category,
                quantity or 0,
                tag=tag,
                location=where,
                unit=unit or "pcs",
                notes=notes,
            )
            return "create", view.tag, view.name

        result = self.guarded(row, work, problems)
        return replace(
            result, name=result.name or name, tag=result.tag or values.get("tag", "")[:40]
        )

    def quantity_value(
        self, row: SourceRow, values: Mapping[str, str], problems: list[Problem]
    ) -> int | None:
        raw = values.get("quantity", "")
        if not raw:
            problems.append(self.problem(row, "quantity", "Quantity is required."))
            return None
        try:
            number = parse_number(raw)
        except ValueError:
            problems.append(self.problem(row, "quantity", f"{raw[:60]!r} is not a number."))
            return None
        if number != number.to_integral() or number < 0 or number > 1_000_000_000:
            problems.append(
                self.problem(row, "quantity", f"{raw[:60]!r} is not a whole number of 0 or more.")
            )
            return None
        return int(number)

    # ------------------------------------------------------------------ people

    def person_row(self, row: SourceRow) -> RowResult:
        values = self.values(row)
        problems = self.shape_problems(row)
        name = self.text(row, values, "name", problems)
        badge = self.tag_value(row, values, "badge", problems)
        texts = {
            k: self.text(row, values, k, problems) for k in ("company", "email", "phone", "notes")
        }
        role_text = values.get("role", "").strip().lower()
        role = PersonRole.CREW
        if role_text:
            try:
                role = PersonRole(role_text)
            except ValueError:
                options = ", ".join(r.value for r in PersonRole)
                problems.append(
                    self.problem(row, "role", f"Role {role_text[:40]!r} is not one of {options}.")
                )
        entry = self.existing(badge)
        if entry is not None and not (
            self.options.update_existing and entry.kind is TagKind.PERSON
        ):
            problems.append(self.refuse_existing(row, "badge", entry, TagKind.PERSON))

        def work() -> tuple[str, str, str]:
            if entry is not None and badge is not None:
                before = people.get_person(self.session, badge)
                changes: dict[str, Any] = {"name": name, **{k: v for k, v in texts.items() if v}}
                if role_text:
                    changes["role"] = role
                after = people.update_person(self.session, self.actor, badge, changes)
                return ("unchanged" if after == before else "update"), after.badge, after.name
            view = people.add_person(
                self.session, self.actor, name, badge=badge, role=role, **texts
            )
            return "create", view.badge, view.name

        result = self.guarded(row, work, problems)
        return replace(
            result, name=result.name or name, tag=result.tag or values.get("badge", "")[:40]
        )

    # ------------------------------------------------------------------ kits

    def kit_rows(self, rows: Sequence[SourceRow]) -> list[RowResult]:
        checked: list[tuple[SourceRow, dict[str, Any], list[Problem]]] = []
        for row in rows:
            values = self.values(row)
            problems = self.shape_problems(row)
            info: dict[str, Any] = {
                "name": self.text(row, values, "name", problems),
                "tag": self.tag_value(row, values, "tag", problems),
                "location": self.text(row, values, "location", problems),
                "notes": self.text(row, values, "notes", problems),
                "parent": None,
                "contents": [],
                "raw_tag": values.get("tag", "")[:40],
            }
            if values.get("parent"):
                try:
                    info["parent"] = validate_tag(values["parent"])
                except ValidationError as exc:
                    problems.append(self.problem(row, "parent", str(exc)))
            try:
                info["contents"] = parse_contents(values.get("contents", ""))
            except ValueError as exc:
                problems.append(
                    self.problem(
                        row,
                        "contents",
                        f"{str(exc)[:60]!r} is not a tag (write tags separated by commas, "
                        "a quantity as 'PWR-0003 x4').",
                    )
                )
            entry = self.existing(info["tag"])
            if entry is not None and not (
                self.options.update_existing and entry.kind is TagKind.KIT
            ):
                problems.append(self.refuse_existing(row, "tag", entry, TagKind.KIT))
            info["entry"] = entry
            checked.append((row, info, problems))
        results: dict[int, RowResult] = {}
        for row, info, problems in self._parents_first(checked):
            results[row.line] = self.kit_row(row, info, problems)
        for row, info, _problems in checked:
            result = results[row.line]
            if result.action == "error" or not info["contents"]:
                continue
            results[row.line] = self.kit_contents(row, result, info["contents"])
        return [results[row.line] for row, _info, _p in checked]

    def _parents_first(
        self, checked: list[tuple[SourceRow, dict[str, Any], list[Problem]]]
    ) -> list[tuple[SourceRow, dict[str, Any], list[Problem]]]:
        """Rows ordered so that a kit comes after the kit it goes inside (when both are in the
        file); rows in a loop are reported."""
        by_tag = {info["tag"]: (row, info, p) for row, info, p in checked if info["tag"]}
        done: set[int] = set()
        ordered: list[tuple[SourceRow, dict[str, Any], list[Problem]]] = []
        for item in checked:
            chain: list[tuple[SourceRow, dict[str, Any], list[Problem]]] = []
            node: tuple[SourceRow, dict[str, Any], list[Problem]] | None = item
            while node is not None and node[0].line not in done:
                if any(n[0].line == node[0].line for n in chain):
                    for looped in chain:
                        looped[2].append(
                            self.problem(
                                looped[0], "parent", "The kits of these rows are inside each other."
                            )
                        )
                    break
                chain.append(node)
                parent = node[1]["parent"]
                node = by_tag.get(parent) if parent else None
            for n in reversed(chain):
                if n[0].line not in done:
                    done.add(n[0].line)
                    ordered.append(n)
        return ordered

    def kit_row(self, row: SourceRow, info: dict[str, Any], problems: list[Problem]) -> RowResult:
        entry: Tag | None = info["entry"]
        tag: str | None = info["tag"]
        name: str = info["name"]

        def work() -> tuple[str, str, str]:
            where = self.ensure_location(row, info["location"])
            if entry is not None and tag is not None:
                before = kits.get_kit(self.session, tag)
                changes: dict[str, Any] = {"name": name}
                if info["notes"]:
                    changes["notes"] = info["notes"]
                if where:
                    changes["location"] = where
                if info["parent"]:
                    changes["parent"] = info["parent"]
                after = kits.update_kit(self.session, self.actor, tag, changes)
                return ("unchanged" if after == before else "update"), after.tag, after.name
            view = kits.create_kit(
                self.session,
                self.actor,
                name,
                tag=tag,
                parent=info["parent"],
                location=where,
                notes=info["notes"],
            )
            return "create", view.tag, view.name

        result = self.guarded(row, work, problems)
        return replace(result, name=result.name or name, tag=result.tag or info["raw_tag"])

    def kit_contents(
        self, row: SourceRow, result: RowResult, contents: list[tuple[str, int]]
    ) -> RowResult:
        kit_tag = result.tag

        def work() -> tuple[str, str, str]:
            view = kits.get_kit(self.session, kit_tag)
            present = {a.tag for a in view.assets} | {k.tag for k in view.kits}
            stock_in = {s.tag: s.quantity for s in view.stock}
            changed = False
            for member, qty in contents:
                if member in present:
                    continue
                if member in stock_in:
                    if stock_in[member] >= qty:
                        continue
                    qty -= stock_in[member]
                try:
                    kits.add_to_kit(self.session, self.actor, kit_tag, member, qty)
                except GearroomError as exc:
                    raise _RowFailed([self.problem(row, "contents", str(exc))]) from exc
                changed = True
            action = "update" if changed and result.action == "unchanged" else result.action
            return action, result.tag, result.name

        return self.guarded(row, work, [])

    # ------------------------------------------------------------------ all rows

    def run(self, progress: Callable[[int, int], bool] | None) -> list[RowResult]:
        rows = self.table.rows
        total = len(rows)

        def tick(done: int) -> None:
            if progress is not None and progress(done, total) is False:
                raise ImportCancelled("The import was cancelled; nothing was written.")

        if self.kind is ImportKind.KITS:
            tick(0)
            results = self.kit_rows(rows)
            tick(total)
            return results
        handler = {
            ImportKind.ASSETS: self.asset_row,
            ImportKind.STOCK: self.stock_row,
            ImportKind.PEOPLE: self.person_row,
        }[self.kind]
        results = []
        for done, row in enumerate(rows):
            if done % 25 == 0:
                tick(done)
            results.append(handler(row))
        tick(total)
        return results


def attribute_keys(session: Session) -> list[str]:
    """Every category-specific field key (for ``attr:KEY`` columns)."""
    keys = {f.key for c in catalog.list_categories(session) for f in c.fields}
    return sorted(keys)


def run_import(
    session: Session,
    actor: Actor,
    table: SourceTable,
    kind: ImportKind,
    mapping: Mapping[str, str],
    options: ImportOptions | None = None,
    *,
    commit: bool = False,
    progress: Callable[[int, int], bool] | None = None,
) -> ImportReport:
    """Run the import in the caller's transaction.

    ``commit=False`` is the dry run: everything is tried and rolled back, the report tells what
    would happen. ``commit=True`` keeps the work only when no row has a problem; otherwise it
    raises :class:`ImportRefused` (with the report) and the database is left as it was.
    ``progress(done, total)`` returning False cancels (:class:`ImportCancelled`).
    """
    kind = ImportKind(kind)
    opts = options or ImportOptions()
    if opts.date_order not in ("mdy", "dmy"):
        raise ValidationError("The date order is mdy (US) or dmy.", field="date_order")
    actor.require(
        Permission.CATALOG if kind is not ImportKind.PEOPLE else Permission.PEOPLE,
        f"import {kind.value}",
    )
    unknown = [h for h, f in mapping.items() if f and h not in table.headers]
    if unknown:
        raise ValidationError(f"The file has no column {unknown[0]!r}.", field="mapping")
    check_mapping(kind, mapping, attribute_keys(session))
    outer = session.begin_nested()
    importer = _Importer(session, actor, table, kind, mapping, opts)
    try:
        results = importer.run(progress)
    except BaseException:
        outer.rollback()
        session.info.pop(history._TAIL_KEY, None)
        raise
    report = ImportReport(
        kind=kind,
        source=table.name,
        mapping={h: f for h, f in mapping.items()},
        rows=tuple(results),
        new_categories=tuple(importer.new_categories),
        new_locations=tuple(importer.new_locations),
        committed=commit and not any(r.problems for r in results),
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
    if report.committed:
        outer.commit()
        return report
    outer.rollback()
    session.info.pop(history._TAIL_KEY, None)
    if commit:
        raise ImportRefused(report)
    return report


__all__ = [
    "ATTRIBUTE_PREFIX",
    "FIELDS",
    "IGNORE",
    "ImportCancelled",
    "ImportFileError",
    "ImportKind",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "MappingStore",
    "Preset",
    "Problem",
    "RowResult",
    "SourceRow",
    "SourceTable",
    "TargetField",
    "apply_overrides",
    "check_mapping",
    "decode_bytes",
    "derive_prefix",
    "get_preset",
    "guess_mapping",
    "initial_mapping",
    "list_presets",
    "parse_contents",
    "parse_date_text",
    "parse_number",
    "read_csv_bytes",
    "read_table",
    "run_import",
    "sniff_delimiter",
    "source_signature",
    "unescape_cell",
]
