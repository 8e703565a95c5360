"""Models (products) on the command line: ``model list``, ``model show NAME`` and
``available --model NAME`` (the free count of a model per day)."""

from __future__ import annotations

import click

from gearroom.cli import operations
from gearroom.cli.common import db_option, emit_json, json_option, reading, table
from gearroom.errors import ValidationError
from gearroom.services import product_models
from gearroom.services.productions import production_by_key


@click.group("model")
def model_group() -> None:
    """Models (make + model): their serials and how many are free."""


@model_group.command("list")
@click.option("--category", help="Only this category.")
@json_option
@db_option
def model_list(category: str | None, as_json: bool) -> None:
    """Every model with its serials and how many can be booked."""
    with reading() as session:
        rows = product_models.list_models(session, category)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[m.category, m.name, str(m.serials), str(m.bookable)] for m in rows],
            ["CATEGORY", "MODEL", "SERIALS", "BOOKABLE"],
        )
    )


@model_group.command("show")
@click.argument("name")
@json_option
@db_option
def model_show(name: str, as_json: bool) -> None:
    """A model's serials with their state and two weeks of free counts."""
    with reading() as session:
        detail = product_models.show_model(session, name)
    if as_json:
        emit_json(detail)
        return
    s = detail.summary
    click.echo(f"{s.name} ({s.category}): {s.serials} serial(s), {s.bookable} bookable")
    click.echo(
        table(
            [[x.tag, x.serial, x.status.value, x.location or ""] for x in detail.serials],
            ["TAG", "SERIAL", "STATUS", "LOCATION"],
        )
    )
    click.echo("  ".join(f"{d.day:%d}:{d.free}" for d in detail.strip.days))


@click.command("available")
@click.argument("tag", required=False)
@click.option("--model", "model_name", metavar="NAME", help="A model: its free count per day.")
@click.option("--from", "start", required=True, metavar="DATE")
@click.option("--to", "end", required=True, metavar="DATE")
@click.option("--production", "production_name", help="Ask on behalf of this production.")
@json_option
@db_option
def available(
    tag: str | None,
    model_name: str | None,
    start: str,
    end: str,
    production_name: str | None,
    as_json: bool,
) -> None:
    """Say whether an item, kit or stock item is free for the dates, or why not; with
    ``--model NAME`` how many of a model are free on each day.

    Exits 0 when free (for a model: at least one free every day) and 1 when not.
    """
    if model_name is None:
        if not tag:
            raise ValidationError("Give a TAG, or --model NAME.")
        operations.tag_availability(tag, start, end, production_name, as_json)
        return
    if tag:
        raise ValidationError("Give a TAG or --model NAME, not both.")
    first, last = operations.required_date(start, "from"), operations.required_date(end, "to")
    with reading() as session:
        model = product_models.model_by_key(session, model_name)
        pid = production_by_key(session, production_name).id if production_name else None
        found = product_models.model_availability(
            session,
            [model.id],
            first,
            last,
            production_id=pid,
        )[model.id]
    if as_json:
        emit_json(found)
    else:
        click.echo(f"{found.name}: {found.min_free} free every day of {start}..{end}")
        for d in found.days:
            click.echo(
                f"  {d.day.isoformat()}  {d.free} free of {d.bookable} ({d.used_elsewhere} used)"
            )
    if found.min_free < 1:
        raise SystemExit(1)


COMMANDS = [model_group, available]
