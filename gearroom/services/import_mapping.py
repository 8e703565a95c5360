"""Import fields, presets and column mappings: which column of a file fills which field.

A preset (one JSON file each in a folder the caller names: the shipped ones are in
``resources/import/presets``) names the columns and status labels of a known export
(Snipe-IT, CHEQROOM, Shelf…); :class:`MappingStore` remembers what was confirmed last time for
the same source, in a file the caller names.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gearroom.atomic import write_json_atomic
from gearroom.errors import NotFoundError, ValidationError
from gearroom.models.catalog import TAG_LENGTH
from gearroom.services.import_files import (
    ImportFileError,
    ImportKind,
    SourceTable,
)

#: Mapping value of a column that is not imported.
IGNORE = ""
#: Fields ``attr:KEY`` fill the category-specific fields of an asset (lens mount, sensor hours…).
ATTRIBUTE_PREFIX = "attr:"


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
        TargetField("status", "Status", synonyms=("state", "status label")),
        TargetField(
            "custodian", "Checked out to", synonyms=("checked out to", "custodian", "custody")
        ),
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
    #: The export's own status labels and the Gearroom status each stands for.
    statuses: dict[str, str] = field(default_factory=dict)

    def mapping_for(self, headers: Sequence[str]) -> dict[str, str]:
        by_norm = {_norm(k): v for k, v in self.columns.items()}
        return {h: by_norm[_norm(h)] for h in headers if _norm(h) in by_norm}


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
            statuses={str(k): str(v) for k, v in raw.get("statuses", {}).items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(f"The import preset {path.name} is broken ({exc}).") from exc


def list_presets(kind: ImportKind | None = None, *, folder: Path) -> list[Preset]:
    """The presets in ``folder`` (for ``kind`` only, when given), by name."""
    found = [_load_preset(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return sorted(
        (p for p in found if kind is None or p.kind is ImportKind(kind)),
        key=lambda p: (p.name, p.kind is not ImportKind.ASSETS),
    )


def get_preset(name: str, kind: ImportKind | None = None, *, folder: Path) -> Preset:
    """The preset ``name`` in ``folder`` (the one for ``kind`` when several share the name)."""
    wanted = name.strip().lower()
    every = list_presets(folder=folder)
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
    """Confirmed column mappings, remembered per source in the JSON file ``path`` (the command
    line and the app keep it in the data folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path

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
        write_json_atomic(self.path, every)


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
    """The mapping to start from: a guess, the preset on top, what was confirmed last time (in
    ``store``, when given) on top of that. Every header appears, unmapped ones with
    :data:`IGNORE`."""
    mapping = {h: IGNORE for h in table.headers}
    if preset is None:
        mapping.update(guess_mapping(kind, table.headers, attribute_keys))
    else:
        mapping.update(preset.mapping_for(table.headers))
    remembered = (
        store.get(source_signature(kind, table.headers, preset.name if preset else None))
        if store is not None
        else None
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
