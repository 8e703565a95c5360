"""What an import did or would do: options, problems, every row's result, the report."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gearroom.errors import GearroomError, ValidationError
from gearroom.services.import_files import (
    ImportKind,
)
from gearroom.services.import_mapping import Preset, list_presets
from gearroom.text import name_key


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
    #: Who had the item in the old system, when custody is reported rather than imported.
    custodian: str = ""


#: What a problem message tells a person to do, in the wizard and on the command line.
WIZARD_REMEDIES = {
    "create_categories": "tick 'create missing categories'",
    "update_existing": "tick 'update existing'",
    "map_status": "map it to a Gearroom status on the mapping page",
}
CLI_REMEDIES = {
    "create_categories": "add --create-categories",
    "update_existing": "add --update-existing",
    "map_status": "add --map-status 'VALUE=STATUS'",
}

#: The Gearroom statuses an import can set, by the words people write for them.
STATUS_CHOICES = ("available", "in_service", "lost", "retired")


def status_map(
    preset: Preset | None, pairs: Iterable[str] = (), kind: ImportKind = ImportKind.ASSETS
) -> dict[str, str]:
    """The preset's status labels and ``VALUE=STATUS`` pairs (which win), checked."""
    out = {name_key(k): v for k, v in (preset.statuses if preset else {}).items()}
    for pair in pairs:
        value, sep, status = pair.partition("=")
        wanted = "_".join(status.strip().lower().replace("_", " ").split())
        if not sep or not value.strip() or wanted not in STATUS_CHOICES:
            raise ValidationError(
                f"--map-status wants VALUE=STATUS with STATUS one of {', '.join(STATUS_CHOICES)}"
                f" (got {pair!r}).",
                field="status_map",
            )
        out[name_key(value)] = wanted
    return out


@functools.cache
def known_status_labels(folder: Path) -> dict[str, str]:
    """The status labels of every preset in ``folder`` (Snipe-IT's "Ready to Deploy",
    CHEQROOM's "Under repair"…) by folded label: any file that uses them is understood."""
    out: dict[str, str] = {}
    for preset in list_presets(ImportKind.ASSETS, folder=folder):
        out.update(status_map(preset))
    return out


@dataclass(frozen=True)
class ImportOptions:
    """``update_existing`` updates items whose tag (badge) exists, instead of reporting them;
    ``create_categories`` creates unknown categories (prefix derived from the name);
    ``date_order`` reads ``01/02/2024`` as January 2 (``mdy``) or February 1 (``dmy``)."""

    update_existing: bool = False
    create_categories: bool = False
    date_order: str = "mdy"
    #: The file's own status values → Gearroom statuses (a preset's labels, then the user's).
    status_map: Mapping[str, str] = field(default_factory=dict)
    #: Status labels understood in any file, below ``status_map``: every known system's
    #: (:func:`known_status_labels` of the presets folder).
    known_statuses: Mapping[str, str] = field(default_factory=dict)
    #: Custody columns: ``report`` each row that was checked out in the old system, or
    #: ``checkout`` it here to that person (:mod:`gearroom.services.import_custody`).
    custody: str = "report"
    #: How problems name a remedy: the wizard's check boxes, or the command line's options.
    remedies: Mapping[str, str] = field(default_factory=lambda: WIZARD_REMEDIES)


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
    def custody(self) -> list[RowResult]:
        """Rows that were checked out to someone in the old system (reported)."""
        return [r for r in self.rows if r.custodian]

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
        if self.custody:
            text += (
                f"; {len(self.custody)} item(s) were checked out in the old system and arrive "
                "as available"
            )
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
                    **({"custodian": r.custodian} if r.custodian else {}),
                    "problems": [
                        {"line": p.line, "column": p.column, "message": p.message}
                        for p in r.problems
                    ],
                }
                for r in self.rows
            ],
        }
