"""Operations commands: productions, reservations, availability, check-out, check-in, service."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import click
from sqlalchemy.orm import Session

from gearroom.cli.common import db_option, emit_json, json_option, reading, table, writing
from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Asset, ShootDayKind, StockItem
from gearroom.services import (
    checkout,
    checkout_cart,
    checkout_out,
    gear_lists,
    productions,
    reservations,
    returns,
    service_tickets,
)
from gearroom.services.checkout_cart import ScanOutcome
from gearroom.services.validation import parse_date


def required_date(value: str, field: str) -> date:
    """The date given for ``--field``, or a one-line error naming the option."""
    parsed = parse_date(value, field)
    if parsed is None:
        raise ValidationError(f"Give a date for --{field} (YYYY-MM-DD).", field=field)
    return parsed


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


# --------------------------------------------------------------------------- production


@click.group()
def production() -> None:
    """Productions and their prep, shoot and wrap days."""


@production.command("add")
@click.argument("name")
@click.option("--prep", multiple=True, metavar="DATE[..DATE]", help="Prep day(s); may repeat.")
@click.option("--shoot", multiple=True, metavar="DATE[..DATE]", help="Shoot day(s); may repeat.")
@click.option("--wrap", multiple=True, metavar="DATE", help="Wrap (return) day.")
@click.option("--travel", multiple=True, metavar="DATE[..DATE]", help="Travel day(s).")
@click.option("--hold", multiple=True, metavar="DATE[..DATE]", help="Hold day(s).")
@click.option("--client", default="", help="The client company.")
@click.option("--contact", help="Contact person (name or badge).")
@click.option("--notes", default="")
@json_option
@db_option
def production_add(
    name: str,
    prep: tuple[str, ...],
    shoot: tuple[str, ...],
    wrap: tuple[str, ...],
    travel: tuple[str, ...],
    hold: tuple[str, ...],
    client: str,
    contact: str | None,
    notes: str,
    as_json: bool,
) -> None:
    """Add a production with its days; the gear window runs from first prep to wrap."""
    drafts: list[productions.ShootDayDraft] = []
    for kind, values in (
        (ShootDayKind.PREP, prep),
        (ShootDayKind.SHOOT, shoot),
        (ShootDayKind.WRAP, wrap),
        (ShootDayKind.TRAVEL, travel),
        (ShootDayKind.HOLD, hold),
    ):
        for value in values:
            for d in productions.parse_dates(value, kind.value):
                drafts.append(productions.ShootDayDraft(d, kind))
    with writing() as (session, actor):
        view = productions.create_production(
            session, actor, name, client=client, contact=contact, notes=notes, days=drafts
        )
    if as_json:
        emit_json(view)
        return
    window = f"{_d(view.window_start)}..{_d(view.window_end)}" if view.window_start else "no days"
    click.echo(f"{view.tag} {view.name} ({window})")


SHEET_OPTION = click.option(
    "--sheet",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="Also write the printable sheet (PDF) to PATH.",
)


def _sheet_settings() -> tuple[str, str]:
    """The house name for the sheet's header, and the paper size."""
    from gearroom.config import load_settings
    from gearroom.render.pdf_file import default_page_size

    return load_settings().house_name, default_page_size()


@production.command("show")
@click.argument("name")
@SHEET_OPTION
@json_option
@db_option
def production_show(name: str, sheet: Path | None, as_json: bool) -> None:
    """Show a production: days, reservations and what it has out."""
    with reading() as session:
        view = productions.get_production(session, name)
        booked = reservations.list_reservations(session, view.tag)
        out = checkout_out.still_out(session, view.id)
        if sheet is not None:
            from gearroom.services.production_sheet import production_sheet_data

            data = production_sheet_data(session, view.id)
    if sheet is not None:
        house, paper = _sheet_settings()
        from gearroom.render.sheets import write_production_sheet

        write_production_sheet(data, sheet, house_name=house, page_size=paper)
        if not as_json:
            click.echo(f"Production sheet written to {sheet}")
    if as_json:
        emit_json({"production": view, "reservations": booked, "out": out})
        return
    click.echo(f"{view.tag}  {view.name}")
    if view.client:
        click.echo(f"Client:   {view.client}")
    if view.contact:
        click.echo(f"Contact:  {view.contact} ({view.contact_badge})")
    if view.window_start:
        click.echo(f"Gear:     {_d(view.window_start)} .. {_d(view.window_end)}")
    if view.notes:
        click.echo(f"Notes:    {view.notes}")
    if view.days:
        click.echo("")
        click.echo(
            table(
                [
                    [
                        _d(d.day),
                        d.kind.value,
                        d.location,
                        d.call_time.strftime("%H:%M") if d.call_time else "",
                    ]
                    for d in view.days
                ],
                ["DATE", "KIND", "LOCATION", "CALL"],
            )
        )
    click.echo("")
    click.echo(f"{len(booked)} reservation(s), {len(out)} line(s) out")
    for line in out:
        flag = " MISSING" if line.missing else (" OVERDUE" if line.overdue else "")
        qty = f" ×{line.quantity}" if line.item_kind == "stock" else ""
        click.echo(f"  out: {line.tag}{qty} {line.name} (to {line.custodian}){flag}")


@production.command("list")
@click.option("--current", is_flag=True, help="Only productions that have not wrapped yet.")
@click.option(
    "--all", "show_all", is_flag=True, help="Also cancelled productions (marked cancelled)."
)
@json_option
@db_option
def production_list(current: bool, show_all: bool, as_json: bool) -> None:
    """List productions by first day (cancelled ones only with --all)."""
    with reading() as session:
        rows = productions.list_productions(
            session,
            active_on_or_after=date.today() if current else None,
            include_cancelled=show_all,
        )
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [
                [
                    r.tag,
                    r.name + (" (cancelled)" if r.cancelled else ""),
                    r.client,
                    _d(r.window_start),
                    _d(r.window_end),
                    str(r.day_count),
                ]
                for r in rows
            ],
            ["TAG", "NAME", "CLIENT", "FROM", "TO", "DAYS"],
        )
    )
    click.echo(f"{len(rows)} production(s)")


# --------------------------------------------------------------------------- reserve


def reserve_items(
    production_name: str,
    tags: tuple[str, ...],
    override: str | None,
    start: str | None,
    end: str | None,
    as_json: bool,
) -> None:
    """``reserve`` without models: items, kits (their contents) and stock (TAG:QTY) for a
    production (the command is :func:`gearroom.cli.bookings.reserve`)."""
    with writing() as (session, actor):
        result = reservations.reserve(
            session,
            actor,
            production_name,
            list(tags),
            start=required_date(start, "from") if start else None,
            end=required_date(end, "to") if end else None,
            override_reason=override,
        )
    if as_json:
        emit_json(result)
        return
    check = result.check
    click.echo(
        f"{len(result.reserved)} reserved for {check.production} {_d(check.start)}..{_d(check.end)}"
    )
    for tag in check.already_reserved:
        click.echo(f"  {tag} was reserved already")
    for c in check.conflicts:
        click.echo(f"  overridden: {c.message}")


def tag_availability(
    tag: str, start: str, end: str, production_name: str | None, as_json: bool
) -> None:
    """``available TAG``: whether an item, kit or stock item is free for the dates, or why
    not; exits 1 when not (the command is :func:`gearroom.cli.models.available`)."""
    with reading() as session:
        result = gear_lists.availability(
            session,
            tag,
            required_date(start, "from"),
            required_date(end, "to"),
            production=production_name,
        )
    if as_json:
        emit_json(result)
    else:
        span = f"{_d(result.start)}..{_d(result.end)}"
        click.echo(f"{result.tag} is free {span}." if result.free else f"{result.tag}: not free.")
        for c in result.conflicts:
            click.echo(f"  {c.message}")
        for s in result.stock:
            click.echo(f"  {s.tag} {s.name}: {s.owned} owned")
            for d in s.days:
                click.echo(f"    {_d(d.day)}  {d.free} free ({d.reserved} reserved, {d.out} out)")
    if not result.free:
        raise SystemExit(1)


# --------------------------------------------------------------------------- check-out / in


@click.command("checkout")
@click.argument("production_name", metavar="PRODUCTION")
@click.argument("tags", nargs=-1, required=True, metavar="TAG...")
@click.option("--to", "person", required=True, help="Who signs for the gear (name or badge).")
@click.option("--due", metavar="DATE", help="Due back (default: the production's wrap day).")
@click.option("--override", metavar="REASON", help="Send out despite other bookings.")
@SHEET_OPTION
@json_option
@db_option
def checkout_cmd(
    production_name: str,
    tags: tuple[str, ...],
    person: str,
    due: str | None,
    override: str | None,
    sheet: Path | None,
    as_json: bool,
) -> None:
    """Check items, kits (whole) and stock (TAG:QTY) out to a person for a production."""
    with writing() as (session, actor):
        cart = checkout_cart.new_cart(
            session, production_name, person, due_back=required_date(due, "due") if due else None
        )
        for text in tags:
            result = checkout_cart.scan_into_cart(session, cart, text, whole_kit=True)
            verdict = result.verdict
            if verdict.outcome is ScanOutcome.UNKNOWN_TAG:
                raise NotFoundError(verdict.message)
            if verdict.outcome is ScanOutcome.UNAVAILABLE and not (
                override and all(c.kind in checkout.OVERRIDABLE for c in verdict.conflicts)
            ):
                raise ConflictError(verdict.message)
            if verdict.outcome is ScanOutcome.UNAVAILABLE:
                cart = _force(session, cart, text)
                continue
            if not verdict.ok and verdict.outcome is not ScanOutcome.ALREADY_IN_CART:
                raise ValidationError(verdict.message)
            cart = result.cart
        view = checkout.commit_checkout(session, actor, cart, override_reason=override)
    if sheet is not None:
        from gearroom.render.sheets import write_checkout_sheet

        with reading() as session:
            data = checkout_out.checkout_sheet(session, view.id)
        house, paper = _sheet_settings()
        write_checkout_sheet(data, sheet, house_name=house, page_size=paper)
    if as_json:
        emit_json(view)
        return
    click.echo(
        f"Check-out #{view.id}: {len(view.lines)} line(s) out to {view.custodian} for "
        f"{view.production}, due back {_d(view.due_back)}"
    )
    if sheet is not None:
        click.echo(f"Check-out sheet written to {sheet}")


def _force(session: Session, cart: checkout_cart.Cart, text: str) -> checkout_cart.Cart:
    """Put an item booked elsewhere into the cart; the commit checks it again with the reason."""
    wanted = gear_lists.resolve_items(session, [text])
    lines = list(cart.lines)
    for asset_id in wanted.assets:
        a = session.get_one(Asset, asset_id)
        if cart.line(a.tag) is None:
            lines.append(checkout_cart.CartLine("asset", a.id, a.tag, a.name))
    for stock_id, (qty, _kit) in wanted.stock.items():
        item = session.get_one(StockItem, stock_id)
        lines.append(checkout_cart.CartLine("stock", item.id, item.tag, item.name, qty))
    return replace(cart, lines=tuple(lines))


def check_in(
    tags: tuple[str, ...], condition: str, note: str, production_name: str | None
) -> tuple[returns.CheckinResult, str]:
    """The write of ``checkin``: close the lines of ``tags`` (a kit's tag brings all its
    members in); the result and who checked in (the command is
    :func:`gearroom.cli.bookings.checkin_cmd`)."""
    with writing() as (session, actor):
        result = returns.checkin(
            session,
            actor,
            list(tags),
            condition=condition,
            note=note,
            whole_kit=True,
            production=production_name,
        )
    return result, actor.name


def echo_checkin(result: returns.CheckinResult, as_json: bool) -> None:
    """What ``checkin`` prints: each item, then what each production still has out."""
    if as_json:
        emit_json(result)
        return
    for item in result.items:
        click.echo(item.message)
    by_production: dict[str, int] = {}
    for line in result.still_out:
        by_production[line.production] = by_production.get(line.production, 0) + 1
    for name, n in sorted(by_production.items()):
        click.echo(f"{name} still has {n} line(s) out.")


@click.command("out")
@click.option("--production", "production_name", help="Only this production.")
@click.option("--overdue", is_flag=True, help="Only what is past its due-back day.")
@json_option
@db_option
def out_cmd(production_name: str | None, overdue: bool, as_json: bool) -> None:
    """What is out: item, production, custodian, due back."""
    with reading() as session:
        rows = checkout_out.out_items(session, production=production_name, overdue=overdue)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [
                [
                    r.tag,
                    r.name,
                    str(r.quantity),
                    r.production,
                    r.custodian,
                    _d(r.out_at.date()),
                    _d(r.due_back),
                    "missing" if r.missing else ("overdue" if r.overdue else ""),
                ]
                for r in rows
            ],
            ["TAG", "NAME", "QTY", "PRODUCTION", "CUSTODIAN", "OUT", "DUE", "STATE"],
        )
    )
    click.echo(f"{len(rows)} line(s) out")


# --------------------------------------------------------------------------- service


@click.group()
def service() -> None:
    """Service tickets: repairs, maintenance, calibration."""


def _print_ticket(t: service_tickets.TicketView) -> None:
    state = "open" if t.open else f"closed {t.closed_at:%Y-%m-%d}" if t.closed_at else ""
    click.echo(f"#{t.id} {t.tag} {t.name} ({state}): {t.note}")


@service.command("list")
@json_option
@db_option
def service_list(as_json: bool) -> None:
    """Open service tickets."""
    with reading() as session:
        rows = service_tickets.list_open_tickets(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [
                [f"#{t.id}", t.tag, t.name, _d(t.opened_at.date()), t.production or "", t.note]
                for t in rows
            ],
            ["TICKET", "TAG", "NAME", "OPENED", "PRODUCTION", "NOTE"],
        )
    )
    click.echo(f"{len(rows)} open ticket(s)")


@service.command("open")
@click.argument("tag")
@click.option("--note", required=True, help="What needs doing.")
@json_option
@db_option
def service_open(tag: str, note: str, as_json: bool) -> None:
    """Open a service ticket; the item is unavailable until it is closed."""
    with writing() as (session, actor):
        ticket = service_tickets.open_ticket(session, actor, tag, note)
    if as_json:
        emit_json(ticket)
    else:
        _print_ticket(ticket)


@service.command("close")
@click.argument("tag")
@click.option("--note", default="", help="What was done.")
@json_option
@db_option
def service_close(tag: str, note: str, as_json: bool) -> None:
    """Close an item's open ticket (TAG, or #NUMBER); the item is available again."""
    with writing() as (session, actor):
        ticket = service_tickets.close_ticket(session, actor, tag, note)
    if as_json:
        emit_json(ticket)
    else:
        _print_ticket(ticket)


#: ``reserve``, ``available`` and ``checkin`` are registered by cli.bookings and cli.models,
#: whose commands add model bookings and receipts and call these for the rest.
COMMANDS = [production, checkout_cmd, out_cmd, service]
