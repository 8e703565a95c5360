"""Import assets, stock items, people and kits from CSV and XLSX files.

The steps, shared by the ``gearroom import`` command and the import wizard:

1. :func:`gearroom.services.import_files.read_table` reads a file as it comes from the real
   world: UTF-8 with or without BOM, Windows-1252, ``,`` ``;`` tab or ``|`` separators, CRLF
   or bare CR line ends, quoted fields with newlines, duplicate column names (the second
   ``Notes`` becomes ``Notes (2)``) and blank rows. Each row keeps its line number in the
   file (the spreadsheet row for XLSX).
2. :func:`initial_mapping` maps columns to fields: a guess from the column names, a preset
   (``snipe-it``, ``cheqroom``, ``generic``…, the JSON files of a presets folder: the shipped
   one is :func:`gearroom.paths.import_presets_dir`) and what was confirmed last time for the
   same source (:class:`MappingStore`, keyed by the preset name or a hash of the header row).
3. :func:`run_import` runs every row through the ordinary services (so every imported item has
   its history event) in one transaction, each row in a savepoint so that one bad row does not
   hide the problems of the next; new assets whose category and location exist are written
   in batches with the same rows and events (:mod:`gearroom.services.import_bulk`). A dry
   run rolls everything back and reports what would be created or updated and every row's
   problems (line, column, why). A commit with any problem
   raises :class:`ImportRefused` and writes nothing: an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import AssetStatus, PersonRole, Tag, TagKind
from gearroom.services import catalog, history, import_custody, kits, people, stock
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import AssetDraft
from gearroom.services.ensure import derive_prefix
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
from gearroom.services.import_mapping import (
    ATTRIBUTE_PREFIX,
    FIELDS,
    IGNORE,
    MappingStore,
    Preset,
    TargetField,
    apply_overrides,
    check_mapping,
    field_label,
    fields_for,
    get_preset,
    guess_mapping,
    initial_mapping,
    list_presets,
    source_signature,
)
from gearroom.services.import_report import (
    CLI_REMEDIES,
    STATUS_CHOICES,
    WIZARD_REMEDIES,
    ImportCancelled,
    ImportOptions,
    ImportRefused,
    ImportReport,
    Problem,
    RowResult,
    known_status_labels,
    status_map,
)
from gearroom.services.import_rows import RowContext, _RowFailed, parse_contents
from gearroom.services.tags import validate_tag
from gearroom.text import name_key


class _Importer(RowContext):
    """The four row handlers (assets, stock, people, kits), each of one shape: read the
    row's values and problems, then ``guarded(row, work, problems)`` runs the writes."""

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
        custodian = self.text(row, values, "custodian", problems)
        attributes = self.attribute_values(row, values, category, problems)
        entry = self.existing(tag)
        if entry is not None and not (self.options.update_existing and entry.kind is TagKind.ASSET):
            problems.append(self.refuse_existing(row, "tag", entry, TagKind.ASSET))

        draft = AssetDraft(
            name=name,
            category=category,
            tag=tag,
            location=location,
            purchase_date=purchase_date,
            purchase_value=purchase_value,
            notes=notes,
            attributes=attributes,
            **texts,
        )

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
                self.apply_custody(after.tag, custodian)
                same = replace(after, updated_at=before.updated_at) == before
                return ("unchanged" if same else "update"), after.tag, after.name
            view = catalog.create_asset(self.session, self.actor, replace(draft, location=where))
            if status is not None:
                self.apply_status(view.tag, status)
            self.apply_custody(view.tag, custodian)
            return "create", view.tag, view.name

        def finish(result: RowResult) -> RowResult:
            return replace(
                result,
                name=result.name or name,
                tag=result.tag or values.get("tag", "")[:40],
                custodian=custodian if self.reports_custody and not result.problems else "",
            )

        queued = None
        custody = custodian and not self.reports_custody and self.custody_tag is not None
        if not problems and entry is None and status is None and category and not custody:
            position = len(self.results)
            queued = self.queue_asset(
                row, draft, lambda: self.redo(position, finish(self.guarded(row, work, [])))
            )
        return finish(queued or self.guarded(row, work, problems))

    @property
    def reports_custody(self) -> bool:
        return self.options.custody != "checkout"

    def apply_custody(self, tag: str, custodian: str) -> None:
        """Check the item out to who had it in the old system (custody imported)."""
        if not custodian or self.reports_custody or self.custody_tag is None:
            return
        import_custody.check_out_to(self.session, self.actor, tag, custodian, self.custody_tag)

    def prepare_custody(self) -> None:
        """Before the rows (outside their savepoints): the production custody goes out for."""
        if self.reports_custody or self.kind is not ImportKind.ASSETS:
            return
        if any(self.values(row).get("custodian") for row in self.table.rows):
            self.custody_tag = import_custody.custody_production(
                self.session, self.actor, self.table.name
            )

    def apply_status(self, tag: str, status: AssetStatus) -> None:
        if status is AssetStatus.RETIRED:
            catalog.retire_asset(self.session, self.actor, tag, "Retired before the import")
        else:
            catalog.set_status(self.session, self.actor, tag, status, "Status from the import")

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
            earlier = self.seen_names.get(name_key(name))
            if earlier is not None:
                problems.append(
                    self.problem(row, "name", f"{name!r} is on line {earlier} of the file too.")
                )
            self.seen_names[name_key(name)] = row.line

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
        self.prepare_custody()
        self.preload_tags("badge" if self.kind is ImportKind.PEOPLE else "tag")
        for done, row in enumerate(rows):
            if done % 25 == 0:
                tick(done)
            self.results.append(handler(row))
        self.bulk.write()
        tick(total)
        return self.results


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
    if opts.custody not in import_custody.CUSTODY_CHOICES:
        raise ValidationError("Custody is imported (checkout) or reported (report).")
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
    finally:
        importer.bulk.close()
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
    "CLI_REMEDIES",
    "FIELDS",
    "IGNORE",
    "STATUS_CHOICES",
    "WIZARD_REMEDIES",
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
    "field_label",
    "fields_for",
    "get_preset",
    "guess_mapping",
    "initial_mapping",
    "known_status_labels",
    "list_presets",
    "parse_contents",
    "parse_date_text",
    "parse_number",
    "read_csv_bytes",
    "read_table",
    "run_import",
    "sniff_delimiter",
    "source_signature",
    "status_map",
    "unescape_cell",
]
