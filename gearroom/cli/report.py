"""``gearroom report weekly``: the kit report for a week or a date range, as XLSX, PDF or CSV.

    gearroom report weekly [--week 2026-W47 | --from DATE --to DATE]
                           --format xlsx|pdf|csv -o PATH [--json]

Without ``--week`` or dates the report covers the last full week (Monday to Sunday, in the
rental house's time zone). ``--json`` prints the numbers (stable keys) to standard output.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from gearroom.cli.common import db_option, reading, requires, state, table
from gearroom.config import load_settings, system_timezone
from gearroom.errors import ValidationError
from gearroom.services.actor import Permission
from gearroom.services.report import (
    DEFAULT_IDLE_WEEKS,
    KitReport,
    Period,
    build_report,
    house_timezone,
    last_full_week,
    range_period,
    report_as_dict,
    today_in,
    week_period,
)
from gearroom.services.report_export import (
    Money,
    cell_text,
    summary_rows,
    write_csv,
    write_xlsx,
)
from gearroom.services.report_revenue import revenue_sections

FORMATS = ("xlsx", "pdf", "csv")
_SUFFIX_FORMATS = {".xlsx": "xlsx", ".pdf": "pdf", ".csv": "csv", ".zip": "csv"}


@click.group("report")
def report_group() -> None:
    """Reports for the office: the weekly kit report."""


def _period(week: str | None, start: str | None, end: str | None) -> Period | None:
    if week and (start or end):
        raise ValidationError("Give either --week or --from/--to, not both.", field="week")
    if week:
        return week_period(week)
    if start or end:
        if not (start and end):
            raise ValidationError(
                "Give both --from and --to (the same date twice for one day).", field="from"
            )
        return range_period(start, end)
    return None


def _format(fmt: str | None, output: Path | None) -> str | None:
    if fmt is None and output is not None:
        fmt = _SUFFIX_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise ValidationError(
                f"Cannot tell the format from {output.name}: add --format xlsx, pdf or csv.",
                field="format",
            )
    if fmt is not None and output is None:
        raise ValidationError(f"Give the file to write with -o PATH (--format {fmt}).", field="o")
    return fmt


def _text_summary(report: KitReport) -> str:
    rows = [[str(k), _plain(v)] for k, v in summary_rows(report)]
    productions = [[p.tag, p.name, str(p.line_count), str(p.days_out)] for p in report.productions]
    productions.append(
        ["", "All productions", str(report.totals.lines_out), str(report.totals.line_days_out)]
    )
    parts = [
        table(rows, ["Measure", "Value"]),
        table(productions, ["Production", "Name", "Lines", "Days out"]),
    ]
    for section in revenue_sections(report.revenue):
        parts.append(
            section.title
            + "\n"
            + table(
                [
                    [cell_text(v, c.kind) for v, c in zip(row, section.columns, strict=True)]
                    for row in section.rows
                ],
                [c.title for c in section.columns],
            )
        )
    return "\n\n".join(parts)


def _plain(value: object) -> str:
    if isinstance(value, Money):
        return cell_text(value)
    if isinstance(value, float):
        return f"{value * 100:.1f}%"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


@report_group.command("weekly")
@db_option
@click.option("--week", metavar="YYYY-Www", help="An ISO week, e.g. 2026-W47 (Monday–Sunday).")
@click.option("--from", "start", metavar="DATE", help="First day of a date range (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Last day of a date range (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    help="File format: xlsx, pdf or csv (csv: a folder, or a .zip of the files).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (or folder) to write.")
@click.option(
    "--idle-weeks",
    type=click.IntRange(1, 520),
    default=DEFAULT_IDLE_WEEKS,
    show_default=True,
    help="An item is idle when it was not out for this many weeks.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"], case_sensitive=False),
    default="a4",
    show_default=True,
    help="Paper size of the PDF.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report's numbers as JSON.")
@requires(Permission.REPORTS, "run reports")
def weekly(
    week: str | None,
    start: str | None,
    end: str | None,
    fmt: str | None,
    output: Path | None,
    idle_weeks: int,
    paper: str,
    as_json: bool,
) -> None:
    """The kit report: gear out by production, check-outs and returns, service, missing and
    overdue items, utilisation, and (for staff and admins) revenue. Default period: the last
    full week."""
    period = _period(week, start, end)
    fmt = _format(fmt.lower() if fmt else None, output)
    settings = load_settings()
    err = sys.stderr
    with reading() as session:
        zone = house_timezone(session, system_timezone())
        if period is None:
            period = last_full_week(today_in(zone))
        with click.progressbar(
            length=100, label=f"Kit report {period.slug}", file=err, show_eta=False
        ) as bar:
            done = [0]

            def progress(percent: int, _message: str) -> None:
                bar.update(percent - done[0])
                done[0] = percent

            report = build_report(
                session,
                period,
                idle_weeks=idle_weeks,
                tz=zone,
                progress=progress,
                viewer=state().actor(),
            )
    if fmt is not None and output is not None:
        written = _write(report, fmt, output, settings.house_name, paper)
        click.echo(f"Wrote the {fmt.upper()} kit report for {period.label} to {written}.", err=True)
    if as_json:
        click.echo(json.dumps(report_as_dict(report), indent=2, ensure_ascii=False))
    elif fmt is None:
        click.echo(_text_summary(report))


def _write(report: KitReport, fmt: str, output: Path, house_name: str, paper: str) -> Path:
    if fmt == "xlsx":
        return write_xlsx(report, output, house_name=house_name)
    if fmt == "csv":
        return write_csv(report, output, house_name=house_name)
    from gearroom.render.reports import write_pdf

    return write_pdf(report, output, house_name=house_name, page_size=paper)


COMMANDS: list[click.Command] = [report_group]
