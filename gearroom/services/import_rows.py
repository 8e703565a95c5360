"""What every import row handler shares: reading cells into values, lookups of categories
and locations (found or created by the rule of :mod:`gearroom.services.ensure`), problems, and
the savepoint around a row."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import AssetStatus, Category, Location, Tag, TagKind
from gearroom.services import catalog
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft
from gearroom.services.ensure import ensure_category, ensure_location
from gearroom.services.import_bulk import BATCH_ROWS, AssetBatch
from gearroom.services.import_files import (
    ImportKind,
    SourceRow,
    SourceTable,
    parse_date_text,
    parse_number,
    unescape_cell,
)
from gearroom.services.import_mapping import ATTRIBUTE_PREFIX, fields_for
from gearroom.services.import_report import ImportOptions, Problem, RowResult
from gearroom.services.names import nearest_names
from gearroom.services.tags import lookup_text, normalize_tag, validate_tag
from gearroom.services.validation import clean_text
from gearroom.text import name_key

# --------------------------------------------------------------------------- the import

_Found = TypeVar("_Found")


class _RowFailed(Exception):
    """Problems found while checking a row (internal)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


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


class RowContext:
    """One run over a table: its state, and what every row handler shares (cells, lookups,
    values, problems, the savepoint around a row)."""

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
        self.new_categories: list[str] = []
        self.new_locations: list[str] = []
        self.seen_tags: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}
        self.custody_tag: str | None = None
        self.results: list[RowResult] = []
        #: New assets written in batches (see :mod:`gearroom.services.import_bulk`).
        self.bulk = AssetBatch(session, actor)
        #: Tags of the file that were not in the database when the import began.
        self.absent_tags: set[str] = set()
        self._categories: dict[str, Category] = {}
        self._locations: dict[str, Location] = {}

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

    def preload_tags(self, key: str) -> None:
        """Which of the file's tags (or badges) are free, in one query per 500."""
        if key not in self.column_of:
            return
        wanted = sorted(
            {normalize_tag(self.values(row).get(key, "")) for row in self.table.rows} - {""}
        )
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found = set(self.session.scalars(select(Tag.tag).where(Tag.tag.in_(chunk))))
            self.absent_tags.update(t for t in chunk if t not in found)

    def existing(self, tag: str | None) -> Tag | None:
        if not tag:
            return None
        if tag in self.bulk.pending_tags:
            return self.bulk.pending_tags[tag]
        if tag in self.absent_tags and tag not in self.bulk.written:
            return None
        return self.session.get(Tag, tag)

    def find_category(self, name: str) -> Category | None:
        """:func:`catalog.find_category`, each name looked up once while it is found."""
        return _remembered(
            self._categories, name, lambda: catalog.find_category(self.session, name)
        )

    def find_location(self, name: str) -> Location | None:
        """:func:`catalog.find_location`, each name looked up once while it is found."""
        return _remembered(self._locations, name, lambda: catalog.find_location(self.session, name))

    def queue_asset(
        self, row: SourceRow, draft: AssetDraft, redo: Callable[[], None]
    ) -> RowResult | None:
        """A new asset whose category and location exist, queued for the next batch; None
        when the row must be written the ordinary way."""
        category = self.find_category(draft.category)
        location = self.find_location(draft.location) if draft.location else None
        if category is None or (draft.location and location is None):
            return None
        if len(self.bulk.pending) >= BATCH_ROWS:
            self.bulk.write()
        queued = self.bulk.add(draft, category, location, redo)
        return None if queued is None else RowResult(row.line, "create", *queued)

    def redo(self, position: int, result: RowResult) -> None:
        """A row of a batch the database refused, run again on its own: its report."""
        self.results[position] = result

    def refuse_existing(self, row: SourceRow, key: str, entry: Tag, wanted: TagKind) -> Problem:
        if entry.kind is wanted:
            why = (
                f"The tag {entry.tag} exists already ({entry.kind.value}); "
                f"{self.options.remedies['update_existing']} to update it from this row, or give "
                "the row another tag."
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
        found = self.find_category(value)
        if found is not None:
            return found.name
        if not self.options.create_categories:
            known = sorted(c.name for c in catalog.list_categories(self.session))
            near = nearest_names(value, known)
            hint = f"did you mean {', '.join(near)}?" if near else f"known: {', '.join(known[:5])}"
            problems.append(
                self.problem(
                    row,
                    "category",
                    f"There is no category {value!r}; {self.options.remedies['create_categories']}"
                    f" or use one of the house's ({hint}).",
                )
            )
            return ""
        return value

    def ensure_category(self, row: SourceRow, name: str) -> None:
        """Find or create the row's category (inside the row's savepoint)."""
        if not name:
            return
        try:
            view, created = ensure_category(self.session, self.actor, name)
        except GearroomError as exc:
            raise _RowFailed([self.problem(row, "category", str(exc))]) from exc
        if created:
            self.new_categories.append(f"{view.name} ({view.prefix})")

    def ensure_location(self, row: SourceRow, name: str) -> str | None:
        """Find or create the row's location (inside the row's savepoint); its name."""
        if not name:
            return None
        try:
            view, created = ensure_location(self.session, self.actor, name)
        except GearroomError as exc:
            raise _RowFailed([self.problem(row, "location", str(exc))]) from exc
        if created:
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
        self.bulk.write()  # the rows before this one, so that history keeps their order
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
        """Undo a failed row: what it created is no longer new."""
        savepoint.rollback()
        del self.new_categories[categories:]
        del self.new_locations[locations:]
        self.bulk.forget()
        self._categories.clear()
        self._locations.clear()

    def status_value(
        self, row: SourceRow, values: Mapping[str, str], problems: list[Problem]
    ) -> AssetStatus | None:
        key = name_key(values.get("status", ""))
        mapped = self.options.status_map.get(key) or self.options.known_statuses.get(key)
        raw = " ".join((mapped or values.get("status", "")).lower().replace("_", " ").split())
        if not raw:
            return None
        if raw in _STATUS_WORDS:
            return _STATUS_WORDS[raw]
        problems.append(
            self.problem(
                row,
                "status",
                f"Status {values['status']!r} is not one of available, in service, lost, "
                "retired (reserved and out come from bookings and are imported as available); "
                f"{self.options.remedies['map_status']}.",
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
        found = self.find_category(category) if category else None
        view = catalog.category_view(found) if found is not None else None
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


def _remembered(
    found: dict[str, _Found], name: str, find: Callable[[], _Found | None]
) -> _Found | None:
    """``find()``, remembered in ``found`` under the name's lookup key once it finds something
    (a name not found yet may be created by a later row)."""
    key = lookup_text(name)
    if key not in found:
        hit = find()
        if hit is None:
            return None
        found[key] = hit
    return found[key]
