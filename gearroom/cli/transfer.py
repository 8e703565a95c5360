"""Import and export: ``gearroom import assets|stock|people|kits FILE`` and
``gearroom export catalog -o PATH``."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click

from gearroom.cli.common import (
    db_option,
    emit_json,
    json_option,
    places,
    reading,
    state,
    writing,
)
from gearroom.services import catalog_export, import_files, importer
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ImportOptions, ImportRefused, ImportReport

#: Files with more rows than this show a progress bar on a terminal.
PROGRESS_FROM = 200


def _print_report(report: ImportReport) -> None:
    if report.encoding or report.delimiter:
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}
        click.echo(
            f"Read {report.source} as {report.encoding or 'xlsx'}"
            + (
                f", separator {shown.get(report.delimiter, report.delimiter)}"
                if report.delimiter
                else ""
            )
        )
    mapped = [f"{h} → {f}" for h, f in report.mapping.items() if f]
    ignored = [h for h, f in report.mapping.items() if not f]
    click.echo("Columns: " + ("; ".join(mapped) or "none mapped"))
    if ignored:
        click.echo("Ignored columns: " + ", ".join(ignored))
    for row in report.rows:
        label = f"{row.tag} {row.name}".strip()
        click.echo(f"  line {row.line:>5}  {row.action:<9}  {label[:70]}")
        for problem in row.problems:
            column = f"[{problem.column}] " if problem.column else ""
            click.echo(f"      {column}{problem.message}")
    for row in report.custody:
        click.echo(
            f"  line {row.line:>5}  custody    {row.tag} was checked out to {row.custodian} in "
            "the old system; it arrives as available (--custody checkout checks it out here)"
        )
    click.echo(report.summary())


def _import(kind: ImportKind, path: Path, opts: dict[str, Any]) -> None:
    table = import_files.read_table(path, kind, sheet=opts["sheet"])
    where = places()
    preset = (
        importer.get_preset(opts["preset"], kind, folder=where.import_presets)
        if opts["preset"]
        else None
    )
    store = importer.MappingStore(where.import_mappings)
    with reading() as session:
        keys = importer.attribute_keys(session)
    mapping = importer.initial_mapping(kind, table, preset=preset, store=store, attribute_keys=keys)
    mapping = importer.apply_overrides(mapping, table.headers, opts["maps"])
    options = ImportOptions(
        update_existing=opts["update_existing"],
        create_categories=opts["create_categories"],
        date_order=opts["date_order"] or (preset.date_order if preset else "mdy"),
        status_map=importer.status_map(preset, opts["map_status"]),
        known_statuses=importer.known_status_labels(where.import_presets),
        custody=opts["custody"],
        remedies=importer.CLI_REMEDIES,
    )
    signature = importer.source_signature(kind, table.headers, preset.name if preset else None)
    dry_run = bool(opts["dry_run"])
    show_bar = sys.stderr.isatty() and not opts["as_json"] and len(table.rows) > PROGRESS_FROM
    try:
        with (
            click.progressbar(
                length=len(table.rows),
                label="Checking" if dry_run else "Importing",
                file=sys.stderr if show_bar else io.StringIO(),
            ) as bar,
            writing() as (session, actor),
        ):

            def progress(done: int, _total: int) -> bool:
                bar.update(done - bar.pos)
                return True

            report = importer.run_import(
                session, actor, table, kind, mapping, options, commit=not dry_run, progress=progress
            )
    except ImportRefused as refused:
        if opts["as_json"]:
            emit_json(refused.report.to_json())
        else:
            _print_report(refused.report)
        raise
    if not dry_run or opts["maps"]:
        store.save(signature, mapping)
    if opts["as_json"]:
        emit_json(report.to_json())
    else:
        _print_report(report)
        if dry_run:
            click.echo("Dry run: nothing was written.")
    if dry_run and not report.ok:
        raise ImportRefused(report)  # a dry run that finds problems exits non-zero too


def _import_command(kind: ImportKind) -> click.Command:
    @click.command(kind.value)
    @click.argument("path", metavar="FILE", type=click.Path(exists=True, path_type=Path))
    @click.option(
        "--preset",
        help="Column names and status labels of a known export: snipe-it, cheqroom, shelf, "
        "generic.",
    )
    @click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
    @click.option(
        "--map",
        "maps",
        multiple=True,
        metavar="COLUMN=FIELD",
        help="Map a column to a field (COLUMN= ignores it); remembered for this source.",
    )
    @click.option(
        "--map-status",
        "map_status",
        multiple=True,
        metavar="VALUE=STATUS",
        help="Read the file's status VALUE as STATUS (available, in_service, lost, retired); "
        "repeat for each value. The preset already maps its system's labels.",
    )
    @click.option(
        "--custody",
        type=click.Choice(["report", "checkout"]),
        default="report",
        show_default=True,
        help="Items the file says are checked out (Checked Out To, Custodian): 'checkout' "
        "checks them out here to those people (created when missing); 'report' lists each "
        "such row and imports the item as available.",
    )
    @click.option(
        "--update-existing",
        is_flag=True,
        help="Update items whose tag exists already instead of reporting them.",
    )
    @click.option(
        "--create-categories", is_flag=True, help="Create unknown categories (prefix derived)."
    )
    @click.option(
        "--date-order",
        type=click.Choice(["mdy", "dmy"]),
        help="How to read 01/02/2024: mdy (US, default) or dmy.",
    )
    @click.option("--sheet", help="The sheet of an XLSX workbook (default: by kind, or the first).")
    @json_option
    @db_option
    def command(path: Path, **opts: Any) -> None:
        _import(kind, path, opts)

    fields = ", ".join(f.key for f in importer.fields_for(kind))
    extra = (
        f", or {importer.ATTRIBUTE_PREFIX}KEY for a category field"
        if kind is ImportKind.ASSETS
        else ""
    )
    command.help = (
        f"Import {kind.value} from a CSV or XLSX file (all rows or none). "
        "Every row's problems are listed with its line number.\n\n"
        f"Fields for --map: {fields}{extra}."
    )
    return command


@click.group("import")
def import_group() -> None:
    """Import assets, stock, people or kits from CSV/XLSX (Snipe-IT, CHEQROOM, spreadsheets)."""


for _kind in ImportKind:
    import_group.add_command(_import_command(_kind))


@click.group("export")
def export_group() -> None:
    """Export data for another system or a spreadsheet."""


@export_group.command("catalog")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="PATH.xlsx (a sheet per kind), PATH.zip or PATH.csv (CSV files), or a folder.",
)
@json_option
@db_option
def export_catalog(output: Path, as_json: bool) -> None:
    """Export every asset, stock item, person and kit, in a form `gearroom import` reads."""
    with reading() as session:
        result = catalog_export.export_catalog(session, state().actor(), output)
    if as_json:
        emit_json({"paths": [str(p) for p in result.paths], "counts": result.counts})
    else:
        click.echo(result.describe())


COMMANDS: list[click.Command] = [import_group, export_group]
