"""``gearroom labels``: print labels to PDF, PNG or ZPL, and list the label templates.

``gearroom labels TAG... --template avery-l7163 [--start 5] -o labels.pdf`` prints labels for the
given tags; ``--kit TAG`` adds a kit's case label and all its contents (nested kits too) and
``--category NAME`` every item of a category. ``gearroom labels templates`` lists the stocks.

Formats: ``pdf`` (default) one vector PDF at actual size; ``png`` one 1-bit PNG per label at the
printer's dpi (600 dpi for sheet stocks): ``-o`` itself for a single label, else
``STEM-TAG.png`` beside it; ``zpl`` one ZPL file with a format per label, or sent to a raw print
queue (``--printer QUEUE``, via ``lp -o raw``) or a printer's port 9100 (``--host HOST[:PORT]``).
"""

from __future__ import annotations

from pathlib import Path

import click

from gearroom.cli.common import (
    db_option,
    emit_json,
    json_option,
    places,
    reading,
    requires,
    table,
)
from gearroom.config import load_settings
from gearroom.errors import ValidationError
from gearroom.services import labels
from gearroom.services.actor import Permission

FORMATS = ("pdf", "png", "zpl")
#: How many warnings are printed before the rest are counted.
SHOWN_WARNINGS = 10


class LabelsGroup(click.Group):
    """A group whose first argument is either a subcommand or already a tag."""

    default_command = "print"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        elif not args:
            args = [self.default_command]
        return super().parse_args(ctx, args)


@click.group("labels", cls=LabelsGroup)
def labels_group() -> None:
    """Print QR/Code128 labels: gearroom labels TAG... --template NAME -o labels.pdf

    Also: --kit TAG (the kit's label and all its contents), --category NAME, --format
    pdf|png|zpl. 'gearroom labels templates' lists the label stocks.
    """


@labels_group.command("templates")
@json_option
def templates_command(as_json: bool) -> None:
    """List the label templates (stocks)."""
    found = labels.list_templates(places().label_templates)
    if as_json:
        emit_json([t.summary() for t in found])
        return
    rows = [
        [
            t.name,
            t.kind.value,
            f"{t.label_width:g}×{t.label_height:g} mm",
            f"{t.columns}×{t.rows}" if t.kind is labels.StockKind.SHEET else "roll",
            f"{t.dpi} dpi" if t.dpi else "",
            t.description,
        ]
        for t in found
    ]
    click.echo(table(rows, ["NAME", "KIND", "LABEL", "LAYOUT", "DPI", "DESCRIPTION"]))


@labels_group.command("print")
@click.argument("tags", nargs=-1)
@click.option("--template", "template_name", help="Label stock (default: the config file's).")
@click.option("--start", type=int, help="First free position on the sheet, 1 = top left.")
@click.option("--offset-x", type=float, help="Calibration shift to the right, mm (remembered).")
@click.option("--offset-y", type=float, help="Calibration shift downwards, mm (remembered).")
@click.option("--kit", "kit_tags", multiple=True, help="A kit: its case label and all contents.")
@click.option("--category", "categories", multiple=True, help="Every item of a category.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--printer", help="ZPL: send to this raw print queue (lp -o raw).")
@click.option("--host", help="ZPL: send to HOST[:PORT] (port 9100 by default).")
@click.option("--name/--no-name", "show_name", default=True, help="Print the item name.")
@click.option("--serial/--no-serial", "show_serial", default=True, help="Print the serial.")
@click.option("--house/--no-house", "show_house", default=True, help="'If found, call…' line.")
@click.option("--code128", is_flag=True, help="Add a Code128 barcode for linear scanners.")
@click.option("--compact", is_flag=True, help="Code and tag only (small items).")
@json_option
@db_option
@requires(Permission.LABELS, "print labels or change the printer calibration")
def print_command(
    tags: tuple[str, ...],
    template_name: str | None,
    start: int | None,
    offset_x: float | None,
    offset_y: float | None,
    kit_tags: tuple[str, ...],
    categories: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    printer: str | None,
    host: str | None,
    show_name: bool,
    show_serial: bool,
    show_house: bool,
    code128: bool,
    compact: bool,
    as_json: bool,
) -> None:
    """Print labels for TAGs (and --kit / --category) to a PDF, PNGs or ZPL."""
    if not tags and not kit_tags and not categories:
        raise ValidationError("Give at least one TAG, --kit TAG or --category NAME.")
    settings = load_settings()
    files = places()
    remembered = labels.load_label_settings(files.label_settings)
    template = labels.get_template(template_name or settings.label_template, files.label_templates)
    fmt = fmt or (output.suffix.lstrip(".").lower() if output and output.suffix else "pdf")
    if fmt not in FORMATS:
        raise ValidationError(f"Unknown format {fmt!r}; use --format pdf, png or zpl.")
    sending = bool(printer or host)
    if sending and fmt != "zpl":
        raise ValidationError("--printer and --host send ZPL; add --format zpl.")
    if output is None and not sending:
        raise ValidationError("Say where the labels go: -o FILE (or --printer/--host for ZPL).")
    saved = remembered.for_template(template.name)
    placement = labels.TemplateSettings(
        start if start is not None else saved.start,
        offset_x if offset_x is not None else saved.offset_x,
        offset_y if offset_y is not None else saved.offset_y,
    )
    if template.kind is labels.StockKind.ROLL:
        if start not in (None, 1):
            raise ValidationError(f"{template.name} is a roll; --start is for sheets of labels.")
        placement = labels.TemplateSettings(1, placement.offset_x, placement.offset_y)
    labels.check_start(template, placement.start)
    options = labels.LabelOptions(
        show_name=show_name,
        show_serial=show_serial,
        show_house=show_house,
        code128=code128,
        compact=compact,
        house_name=settings.house_name,
        house_phone=settings.house_phone,
    )
    with reading() as session:
        contents = labels.contents_for_tags(session, labels.clean_tags(tags))
        for kit_tag in kit_tags:
            contents.extend(labels.contents_for_kit(session, kit_tag))
        for name in categories:
            found = labels.contents_for_category(session, name)
            if not found:
                raise ValidationError(f"The category {name!r} has no items to label.")
            contents.extend(found)
    job = labels.plan_job(
        contents, template, options, placement.start, (placement.offset_x, placement.offset_y)
    )
    written: list[Path] = []
    sent_to = ""
    if fmt == "zpl":
        text = labels.zpl_for_job(job)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
            written.append(output)
        if sending:
            sent_to = labels.send_raw(text.encode("utf-8"), queue=printer, host=host)
    else:
        from gearroom.render.labels import write_pdf, write_pngs

        assert output is not None
        written = [write_pdf(job, output)] if fmt == "pdf" else write_pngs(job, output)
    labels.save_label_settings(
        remembered.with_template(template.name, placement), files.label_settings
    )
    if as_json:
        emit_json(
            {
                "template": template.name,
                "format": fmt,
                "labels": len(job.labels),
                "pages": len(job.pages),
                "files": [str(p) for p in written],
                "sent_to": sent_to,
                "warnings": list(job.warnings),
            }
        )
        return
    for warning in job.warnings[:SHOWN_WARNINGS]:
        click.echo(f"warning: {warning}", err=True)
    if len(job.warnings) > SHOWN_WARNINGS:
        click.echo(f"warning: … and {len(job.warnings) - SHOWN_WARNINGS} more.", err=True)
    where = ", ".join(str(p) for p in written[:3]) + (" …" if len(written) > 3 else "")
    if sent_to:
        where = f"{where} and {sent_to}" if where else sent_to
    click.echo(f"{len(job.labels)} label(s) on {template.name} → {where}")


COMMANDS = [labels_group]
