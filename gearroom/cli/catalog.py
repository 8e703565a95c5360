"""Catalog commands: assets, stock, kits, people, categories, locations, find, history."""

from __future__ import annotations

from typing import Any

import click

from gearroom.cli.common import (
    DefaultGroup,
    db_option,
    emit_json,
    json_option,
    reading,
    table,
    writing,
)
from gearroom.errors import GearroomError, ValidationError
from gearroom.models import AssetStatus, LocationKind, PersonRole
from gearroom.services import asset_search, catalog, history, kits, people, resolver, stock
from gearroom.services.validation import parse_int


class HistoryTampered(GearroomError):
    """The history chain does not verify."""

    exit_code = 7


def _parse_attrs(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"--attr takes KEY=VALUE, not {pair!r}.")
        out[key.strip()] = value
    return out


# --------------------------------------------------------------------------- asset


@click.group()
def asset() -> None:
    """Serialized items: cameras, lenses, lights, drones…"""


@asset.command("add")
@click.option("--category", required=True, help="Category name or tag prefix (Camera, LNS…).")
@click.option("--name", required=True, help="What the item is called on the shelf.")
@click.option("--tag", help="Keep this tag (e.g. from old labels); default: next CAT-NNNN.")
@click.option("--make", default="")
@click.option("--model", default="")
@click.option("--serial", default="")
@click.option("--location", help="Location name or tag.")
@click.option("--purchase-date", help="YYYY-MM-DD.")
@click.option("--purchase-value", help="Amount, e.g. 24500.00.")
@click.option("--notes", default="")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Category field.")
@json_option
@db_option
def asset_add(as_json: bool, attrs: tuple[str, ...], **opts: Any) -> None:
    """Add an asset and print its new tag."""
    draft = catalog.AssetDraft(
        name=opts["name"],
        category=opts["category"],
        tag=opts["tag"],
        make=opts["make"],
        model=opts["model"],
        serial=opts["serial"],
        location=opts["location"],
        purchase_date=opts["purchase_date"],
        purchase_value=opts["purchase_value"],
        notes=opts["notes"],
        attributes=_parse_attrs(attrs),
    )
    with writing() as (session, actor):
        view = catalog.create_asset(session, actor, draft)
    if as_json:
        emit_json(view)
    else:
        click.echo(view.tag)


def _print_asset(view: catalog.AssetView) -> None:
    lines = [
        ("Tag", view.tag),
        ("Name", view.name),
        ("Category", view.category),
        ("Make", view.make),
        ("Model", view.model),
        ("Serial", view.serial),
        ("Status", view.status.value),
        ("Location", view.location or ""),
        ("Kit", f"{view.kit_tag} {view.kit_name}" if view.kit_tag else ""),
        ("Purchased", view.purchase_date.isoformat() if view.purchase_date else ""),
        ("Value", str(view.purchase_value) if view.purchase_value is not None else ""),
    ]
    lines += [(k, str(v)) for k, v in view.attributes.items()]
    if view.notes:
        lines.append(("Notes", view.notes))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        click.echo(f"{key.ljust(width)}  {value}")


@asset.command("show")
@click.argument("tag")
@json_option
@db_option
def asset_show(tag: str, as_json: bool) -> None:
    """Show one asset."""
    with reading() as session:
        view = catalog.get_asset(session, tag)
    if as_json:
        emit_json(view)
    else:
        _print_asset(view)


@asset.command("list")
@click.option(
    "--search", "text", default="", help="Words to find in tag, name, make, model, serial."
)
@click.option("--category")
@click.option("--status", type=click.Choice([s.value for s in AssetStatus]))
@click.option("--location")
@click.option("--active", is_flag=True, help="Leave out retired items.")
@json_option
@db_option
def asset_list(
    text: str,
    category: str | None,
    status: str | None,
    location: str | None,
    active: bool,
    as_json: bool,
) -> None:
    """List assets."""
    with reading() as session:
        query = asset_search.AssetQuery(
            text=text,
            category_id=catalog.get_category(session, category).id if category else None,
            status=AssetStatus(status) if status else None,
            location_id=catalog._location_by_name(session, location).id if location else None,
            include_retired=not active,
        )
        rows = asset_search.list_assets(session, query)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[r.tag, r.name, r.category, r.status.value, r.location, r.serial] for r in rows],
            ["TAG", "NAME", "CATEGORY", "STATUS", "LOCATION", "SERIAL"],
        )
    )
    click.echo(f"{len(rows)} asset(s)")


@asset.command("edit")
@click.argument("tag")
@click.option("--new-tag")
@click.option("--name")
@click.option("--make")
@click.option("--model")
@click.option("--serial")
@click.option("--category")
@click.option("--location", help="Location name or tag; '' to clear.")
@click.option("--purchase-date")
@click.option("--purchase-value")
@click.option("--notes")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE")
@json_option
@db_option
def asset_edit(tag: str, attrs: tuple[str, ...], as_json: bool, **opts: Any) -> None:
    """Change fields of an asset (history keeps the old values)."""
    changes = {k: v for k, v in opts.items() if v is not None}
    if "new_tag" in changes:
        changes["tag"] = changes.pop("new_tag")
    with writing() as (session, actor):
        if attrs:
            current = catalog.get_asset(session, tag).attributes
            changes["attributes"] = {**current, **_parse_attrs(attrs)}
        if not changes:
            raise ValidationError("Nothing to change: give at least one option.")
        view = catalog.update_asset(session, actor, tag, changes)
    if as_json:
        emit_json(view)
    else:
        click.echo(f"{view.tag} updated")


@asset.command("retire")
@click.argument("tag")
@click.option("--reason", required=True, help="Why (sold, written off, beyond repair…).")
@json_option
@db_option
def asset_retire(tag: str, reason: str, as_json: bool) -> None:
    """Retire an asset for good; it stays in history."""
    with writing() as (session, actor):
        view = catalog.retire_asset(session, actor, tag, reason)
    if as_json:
        emit_json(view)
    else:
        click.echo(f"{view.tag} retired")


# --------------------------------------------------------------------------- stock


@click.group("stock")
def stock_group() -> None:
    """Bulk, counted items: batteries, cables, media."""


@stock_group.command("add")
@click.option("--category", required=True)
@click.option("--name", required=True)
@click.option("--quantity", type=int, required=True)
@click.option("--tag")
@click.option("--location")
@click.option("--unit", default="pcs")
@json_option
@db_option
def stock_add(
    category: str,
    name: str,
    quantity: int,
    tag: str | None,
    location: str | None,
    unit: str,
    as_json: bool,
) -> None:
    """Add a stock item and print its tag."""
    with writing() as (session, actor):
        view = stock.create_stock_item(
            session, actor, name, category, quantity, tag=tag, location=location, unit=unit
        )
    if as_json:
        emit_json(view)
    else:
        click.echo(view.tag)


@stock_group.command("list")
@json_option
@db_option
def stock_list(as_json: bool) -> None:
    """List stock items and quantities."""
    with reading() as session:
        rows = stock.list_stock_items(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[r.tag, r.name, r.category, f"{r.quantity} {r.unit}", r.location or ""] for r in rows],
            ["TAG", "NAME", "CATEGORY", "QUANTITY", "LOCATION"],
        )
    )


# --------------------------------------------------------------------------- kit


@click.group()
def kit() -> None:
    """Kits: cases and packages of assets, stock and other kits."""


@kit.command("add")
@click.argument("name")
@click.option("--tag")
@click.option("--parent", help="Tag of the kit this one goes inside.")
@click.option("--location")
@click.option("--item", "items", multiple=True, metavar="TAG[:QTY]", help="Put items in (repeat).")
@json_option
@db_option
def kit_add(
    name: str,
    tag: str | None,
    parent: str | None,
    location: str | None,
    items: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create a kit, optionally filled with items; prints its tag."""
    with writing() as (session, actor):
        view = kits.create_kit(session, actor, name, tag=tag, parent=parent, location=location)
        for item in items:
            member, _, qty = item.partition(":")
            quantity = parse_int(qty, "quantity", minimum=1) if qty else 1
            view = kits.add_to_kit(session, actor, view.tag, member, quantity)
    if as_json:
        emit_json(view)
    else:
        click.echo(view.tag)


@kit.command("put")
@click.argument("kit_tag")
@click.argument("member_tags", nargs=-1, required=True)
@click.option("--quantity", type=int, default=1, help="For stock items.")
@db_option
def kit_put(kit_tag: str, member_tags: tuple[str, ...], quantity: int) -> None:
    """Put assets, stock or kits into a kit."""
    with writing() as (session, actor):
        for member in member_tags:
            kits.add_to_kit(session, actor, kit_tag, member, quantity)
    click.echo(f"{len(member_tags)} item(s) put into {kit_tag.upper()}")


@kit.command("remove")
@click.argument("kit_tag")
@click.argument("member_tags", nargs=-1, required=True)
@db_option
def kit_remove(kit_tag: str, member_tags: tuple[str, ...]) -> None:
    """Take items out of a kit."""
    with writing() as (session, actor):
        for member in member_tags:
            kits.remove_from_kit(session, actor, kit_tag, member)
    click.echo(f"{len(member_tags)} item(s) taken out of {kit_tag.upper()}")


def _print_kit(view: kits.KitView, indent: int = 0) -> None:
    pad = "  " * indent
    click.echo(f"{pad}{view.tag}  {view.name}" + (f"  @ {view.location}" if view.location else ""))
    for a in view.assets:
        click.echo(
            f"{pad}  {a.tag}  {a.name}  [{a.status.value}]"
            + (f"  s/n {a.serial}" if a.serial else "")
        )
    for s in view.stock:
        click.echo(f"{pad}  {s.tag}  {s.name}  x{s.quantity}")
    for child in view.kits:
        _print_kit(child, indent + 1)


@kit.command("show")
@click.argument("tag")
@json_option
@db_option
def kit_show(tag: str, as_json: bool) -> None:
    """Show a kit and everything in it, nested kits included."""
    with reading() as session:
        view = kits.get_kit(session, tag)
    if as_json:
        emit_json(view)
    else:
        _print_kit(view)


@kit.command("list")
@json_option
@db_option
def kit_list(as_json: bool) -> None:
    """List kits."""
    with reading() as session:
        rows = kits.list_kits(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[r.tag, r.name, r.parent_tag or "", str(r.asset_count)] for r in rows],
            ["TAG", "NAME", "INSIDE", "ASSETS"],
        )
    )


# --------------------------------------------------------------------------- person


@click.group()
def person() -> None:
    """Crew and client contacts."""


@person.command("add")
@click.argument("name")
@click.option("--badge", help="Badge tag; default: next P-NNNN.")
@click.option("--role", type=click.Choice([r.value for r in PersonRole]), default="crew")
@click.option("--company", default="")
@click.option("--email", default="")
@click.option("--phone", default="")
@json_option
@db_option
def person_add(
    name: str, badge: str | None, role: str, company: str, email: str, phone: str, as_json: bool
) -> None:
    """Add a person; prints the badge tag."""
    with writing() as (session, actor):
        view = people.add_person(
            session, actor, name, badge=badge, role=role, company=company, email=email, phone=phone
        )
    if as_json:
        emit_json(view)
    else:
        click.echo(view.badge)


@person.command("list")
@click.option("--search", "text", default="")
@json_option
@db_option
def person_list(text: str, as_json: bool) -> None:
    """List people."""
    with reading() as session:
        rows = people.list_people(session, text)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[p.badge, p.name, p.role.value, p.company, p.phone] for p in rows],
            ["BADGE", "NAME", "ROLE", "COMPANY", "PHONE"],
        )
    )


# --------------------------------------------------------------------------- category, location


@click.group()
def category() -> None:
    """Categories and their tag prefixes."""


@category.command("list")
@json_option
@db_option
def category_list(as_json: bool) -> None:
    """List categories."""
    with reading() as session:
        rows = catalog.list_categories(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[c.prefix, c.name, ", ".join(f.key for f in c.fields)] for c in rows],
            ["PREFIX", "NAME", "FIELDS"],
        )
    )


@category.command("add")
@click.argument("name")
@click.option("--prefix", required=True, help="Tag prefix, e.g. FLT for filters.")
@db_option
def category_add(name: str, prefix: str) -> None:
    """Add a category."""
    with writing() as (session, actor):
        view = catalog.create_category(session, actor, name, prefix)
    click.echo(f"{view.name} ({view.prefix})")


@click.group()
def location() -> None:
    """Shelves, bays, rooms, trucks."""


@location.command("list")
@json_option
@db_option
def location_list(as_json: bool) -> None:
    """List locations."""
    with reading() as session:
        rows = catalog.list_locations(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(table([[r.tag, r.name, r.kind.value] for r in rows], ["TAG", "NAME", "KIND"]))


@location.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in LocationKind]), default="shelf")
@click.option("--tag")
@db_option
def location_add(name: str, kind: str, tag: str | None) -> None:
    """Add a location; prints its tag."""
    with writing() as (session, actor):
        view = catalog.create_location(session, actor, name, LocationKind(kind), tag)
    click.echo(view.tag)


# --------------------------------------------------------------------------- find, history


@click.command()
@click.argument("text")
@json_option
@db_option
def find(text: str, as_json: bool) -> None:
    """Resolve a scanned or typed tag to what it names."""
    with reading() as session:
        found = resolver.resolve(session, text)
    if as_json:
        emit_json(found)
    else:
        click.echo(f"{found.tag}  {found.kind.value}  {found.label}")


@click.group("history", cls=DefaultGroup, default_command="show")
def history_group() -> None:
    """History: `history TAG` shows an item's events; `history verify` checks the chain."""


@history_group.command("show")
@click.argument("tag")
@click.option("--limit", type=int, default=200)
@json_option
@db_option
def history_show(tag: str, limit: int, as_json: bool) -> None:
    """The history of an item, kit, person or place, newest first."""
    with reading() as session:
        events = history.events_for_tag(session, tag, limit)
    if as_json:
        emit_json(events)
        return
    for e in events:
        click.echo(f"{e.at:%Y-%m-%d %H:%M}  {e.operator:<12}  {e.action:<10}  {e.summary}")


@history_group.command("verify")
@json_option
@db_option
def history_verify(as_json: bool) -> None:
    """Walk the whole history chain; name the first event edited, deleted or out of order."""
    with reading() as session:
        report = history.verify_chain(session)
    if as_json:
        emit_json(report)
    elif report.ok:
        click.echo(f"History verified: {report.checked} events, chain intact.")
    if not report.ok:
        raise HistoryTampered(report.problem)


COMMANDS = [asset, stock_group, kit, person, category, location, find, history_group]
