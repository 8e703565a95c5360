"""Bookings on the command line: reserving models, releasing, swapping, moving and cancelling
productions, close-out at wrap, the pick list, draft check-outs, receipts and people.

``reserve``, ``available`` and ``checkin`` keep what they did and gain options; the rest are
new. Every refusal prints one line and exits non-zero.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from gearroom.cli import operations
from gearroom.cli.common import db_option, emit_json, json_option, reading, table, writing
from gearroom.errors import ValidationError
from gearroom.models import ReturnCondition
from gearroom.services import (
    lifecycle,
    model_bookings,
    picklist,
    productions,
    reservations,
)
from gearroom.services.checkout_out import out_lines
from gearroom.services.model_bookings import ModelBookingResult, parse_model_spec
from gearroom.services.productions import parse_dates, production_by_key
from gearroom.services.reservations import ReservationResult
from gearroom.services.validation import parse_date

PDF_PATH = click.Path(dir_okay=False, path_type=Path)


def _house() -> str:
    from gearroom.config import load_settings

    return load_settings().house_name


def _date_opt(value: str | None, field: str) -> date | None:
    return parse_date(value, field) if value else None


# --------------------------------------------------------------------------- reserve


@dataclass(frozen=True)
class BookingResult:
    """``reserve`` with ``--model``: the serial, kit and stock part and the model part."""

    items: ReservationResult | None
    models: ModelBookingResult


@click.command("reserve")
@click.argument("production_name", metavar="PRODUCTION")
@click.argument("tags", nargs=-1, metavar="TAG...")
@click.option("--model", "models", multiple=True, metavar="NAME:QTY", help="Book QTY of a model.")
@click.option("--override", metavar="REASON", help="Book despite conflicts, saying why.")
@click.option("--from", "start", metavar="DATE", help="Default: the production's first prep day.")
@click.option("--to", "end", metavar="DATE", help="Default: the production's wrap day.")
@json_option
@db_option
def reserve(
    production_name: str,
    tags: tuple[str, ...],
    models: tuple[str, ...],
    override: str | None,
    start: str | None,
    end: str | None,
    as_json: bool,
) -> None:
    """Reserve items, kits (their contents), stock (TAG:QTY) and models (--model "NAME:QTY")."""
    if not models:
        if not tags:
            raise ValidationError("Give at least one TAG or --model NAME:QTY.")
        operations.reserve_items(production_name, tags, override, start, end, as_json)
        return
    first, last = _date_opt(start, "from"), _date_opt(end, "to")
    with writing() as (session, actor):
        items = (
            reservations.reserve(
                session,
                actor,
                production_name,
                list(tags),
                start=first,
                end=last,
                override_reason=override,
            )
            if tags
            else None
        )
        booked = model_bookings.reserve_models(
            session,
            actor,
            production_name,
            [parse_model_spec(m) for m in models],
            start=first,
            end=last,
            override_reason=override,
        )
    if as_json:
        emit_json(BookingResult(items, booked))
        return
    if items is not None:
        click.echo(f"{len(items.reserved)} item(s) reserved for {items.check.production}")
    for ln in booked.booked:
        click.echo(f"{ln.quantity} × {ln.model} reserved for {ln.production} {ln.start}..{ln.end}")
    if not booked.booked:
        click.echo("Those models were reserved already.")
    for c in booked.conflicts:
        click.echo(f"  overridden: {c.message}")


@dataclass(frozen=True)
class Released:
    production: str
    items: int
    model_units: int


@click.command("unreserve")
@click.argument("production_name", metavar="PRODUCTION")
@click.argument("tags", nargs=-1, metavar="TAG...")
@click.option(
    "--model", "models", multiple=True, metavar="NAME:QTY", help="Release QTY of a model."
)
@json_option
@db_option
def unreserve(
    production_name: str, tags: tuple[str, ...], models: tuple[str, ...], as_json: bool
) -> None:
    """Release booked items, kits (their contents), stock and model quantities."""
    if not tags and not models:
        raise ValidationError("Give at least one TAG or --model NAME:QTY to release.")
    with writing() as (session, actor):
        n = (
            reservations.cancel_reservations(session, actor, production_name, list(tags))
            if tags
            else 0
        )
        units = (
            model_bookings.unreserve_models(
                session, actor, production_name, [parse_model_spec(m) for m in models]
            )
            if models
            else 0
        )
    result = Released(production_name, n, units)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"Released {n} item(s) and {units} model unit(s) of {production_name}")


@click.command("swap")
@click.argument("production_name", metavar="PRODUCTION")
@click.argument("old_tag")
@click.argument("new_tag")
@click.option("--override", metavar="REASON", help="Book the new unit despite conflicts.")
@json_option
@db_option
def swap(
    production_name: str, old_tag: str, new_tag: str, override: str | None, as_json: bool
) -> None:
    """Book NEW_TAG in place of OLD_TAG for the production (same dates)."""
    with writing() as (session, actor):
        result = lifecycle.swap(
            session, actor, production_name, old_tag, new_tag, override_reason=override
        )
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{result.old_tag} swapped for {result.new_tag} on {result.production}")


# --------------------------------------------------------------------------- production


@operations.production.command("edit")
@click.argument("name")
@click.option("--prep", multiple=True, metavar="DATE[..DATE]", help="New prep day(s).")
@click.option("--shoot", multiple=True, metavar="DATE..DATE", help="New shoot days.")
@click.option("--wrap", multiple=True, metavar="DATE", help="New wrap day.")
@click.option("--override", metavar="REASON", help="Keep bookings that now conflict, saying why.")
@click.option("--client", metavar="NAME", help="The client the production is for.")
@json_option
@db_option
def production_edit(
    name: str,
    prep: tuple[str, ...],
    shoot: tuple[str, ...],
    wrap: tuple[str, ...],
    override: str | None,
    client: str | None,
    as_json: bool,
) -> None:
    """Move a production's days (bookings follow, conflicts are checked again) or change its
    client."""

    def days(values: tuple[str, ...], field: str) -> list[date] | None:
        if not values:
            return None
        return [d for v in values for d in parse_dates(v, field)]

    if not (prep or shoot or wrap or client is not None):
        raise ValidationError("Give --prep, --shoot, --wrap or --client.")
    if not (prep or shoot or wrap):
        assert client is not None
        with writing() as (session, actor):
            view = productions.update_production(session, actor, name, {"client": client})
        if as_json:
            emit_json(view)
        else:
            click.echo(f"{view.name}: client {view.client or '(none)'}")
        return
    with writing() as (session, actor):
        if client is not None:
            productions.update_production(session, actor, name, {"client": client})
        result = lifecycle.move_dates(
            session,
            actor,
            name,
            prep=days(prep, "prep"),
            shoot=days(shoot, "shoot"),
            wrap=days(wrap, "wrap"),
            override_reason=override,
        )
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"{result.production} moved from {result.old_start}..{result.old_end} to "
        f"{result.start}..{result.end}; {result.checkouts_due_back} check-out(s) now due back "
        f"{result.end}"
    )
    for c in result.conflicts:
        click.echo(f"  overridden: {c.message}")


@operations.production.command("cancel")
@click.argument("name")
@click.option("--reason", required=True, metavar="TEXT", help="Why the production is cancelled.")
@json_option
@db_option
def production_cancel(name: str, reason: str, as_json: bool) -> None:
    """Cancel a production and release its bookings (refused while gear is out)."""
    with writing() as (session, actor):
        result = lifecycle.cancel_production(session, actor, name, reason)
    if as_json:
        emit_json(result)
    else:
        click.echo(
            f"{result.production} cancelled: {len(result.released)} booking(s) and "
            f"{result.models_released} model unit(s) released"
        )


@operations.production.command("close-out")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@db_option
def production_close_out(name: str, yes: bool, as_json: bool) -> None:
    """At wrap: mark everything still out for the production as missing, listing it."""
    if not yes and sys.stdin.isatty():
        with reading() as session:
            pid = production_by_key(session, name).id
            left = [ln for ln in out_lines(session, production_id=pid) if not ln.missing]
        for ln in left:
            click.echo(f"  {ln.tag} {ln.name}", err=True)
        click.confirm(f"Mark these {len(left)} line(s) missing?", abort=True, err=True)
    with writing() as (session, actor):
        result = lifecycle.close_out(session, actor, name)
    if as_json:
        emit_json(result)
        return
    click.echo(f"{result.production} closed out: {len(result.missing)} line(s) marked missing")
    for ln in result.missing:
        click.echo(
            f"  {ln.tag} {ln.name}" + (f" ×{ln.quantity}" if ln.item_kind == "stock" else "")
        )


# --------------------------------------------------------------------------- pick list


@click.command("picklist")
@click.argument("production_name", metavar="PRODUCTION")
@click.option("--pdf", "pdf", type=PDF_PATH, metavar="PATH", help="Also write the pick list PDF.")
@json_option
@db_option
def picklist_cmd(production_name: str, pdf: Path | None, as_json: bool) -> None:
    """Everything booked for a production by shelf location, with what is picked."""
    with reading() as session:
        pick = picklist.build_picklist(session, production_name)
    if pdf is not None:
        from gearroom.render.picklist import write_picklist

        write_picklist(pick, pdf, house_name=_house())
    if as_json:
        emit_json(pick)
        return
    click.echo(
        table(
            [
                [
                    "x" if ln.done else " ",
                    ln.location,
                    ln.tag or "(model)",
                    ln.name,
                    ln.kit_tag,
                    f"{min(ln.picked, ln.wanted)}/{ln.wanted}",
                ]
                for ln in pick.lines
            ],
            ["", "LOCATION", "TAG", "ITEM", "KIT", "PICKED"],
        )
    )
    click.echo(f"{pick.picked} of {pick.wanted} picked")
    if pdf is not None:
        click.echo(f"Pick list written to {pdf}")


# --------------------------------------------------------------------------- check-in


@click.command("checkin")
@click.argument("tags", nargs=-1, required=True, metavar="TAG...")
@click.option(
    "--condition",
    type=click.Choice([c.value for c in ReturnCondition]),
    default=ReturnCondition.OK.value,
    show_default=True,
)
@click.option("--note", default="", help="What is wrong (required for damaged / service).")
@click.option("--production", "production_name", help="For stock out to several productions.")
@click.option("--receipt", type=PDF_PATH, metavar="PATH", help="Also write the return receipt PDF.")
@json_option
@db_option
def checkin_cmd(
    tags: tuple[str, ...],
    condition: str,
    note: str,
    production_name: str | None,
    receipt: Path | None,
    as_json: bool,
) -> None:
    """Check items back in from any check-out; a kit tag brings all its members in."""
    result, operator = operations.check_in(tags, condition, note, production_name)
    if receipt is None:
        operations.echo_checkin(result, as_json)
        return
    from gearroom.render.receipt import write_receipt
    from gearroom.services.receipts import return_receipt

    slip = return_receipt(result, operator)

    write_receipt(slip, receipt, house_name=_house())
    if as_json:
        emit_json(result)
        return
    for item in result.items:
        click.echo(item.message)
    click.echo(f"{len(slip.still_out)} line(s) still out; receipt written to {receipt}")


COMMANDS = [reserve, unreserve, swap, picklist_cmd, checkin_cmd]
