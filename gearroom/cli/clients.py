"""``gearroom client``, ``gearroom rate set`` and ``gearroom pricing``: who pays, at what rates.

    gearroom client add NAME [--email E] [--terms DAYS] [--discount PCT] [--json]
    gearroom client list [--json]
    gearroom rate set (TAG | --model NAME | --category NAME) --day AMOUNT [--week AMOUNT]
    gearroom pricing set [--currency CODE] [--tax PCT] [--days-per-week N]
    gearroom pricing show [--json]

Amounts are exact decimals with a point ("100", "99.50"); floats in exponent form, commas and
thousands separators are refused.
"""

from __future__ import annotations

import click

from gearroom.cli.common import db_option, emit_json, json_option, reading, table, writing
from gearroom.services import clients, pricing, rates
from gearroom.services.actor import Permission
from gearroom.services.amounts import plain


@click.group()
def client() -> None:
    """Clients: the companies productions are for, with their terms and discount."""


@client.command("add")
@click.argument("name")
@click.option("--email", default="", help="Where invoices go.")
@click.option("--terms", "terms", type=int, default=30, show_default=True, help="Days to pay.")
@click.option("--discount", default="0", metavar="PCT", help="Default discount in percent.")
@click.option("--address", default="", help="Billing address (use \\n for new lines).")
@click.option("--tax-number", default="", help="The client's VAT / tax number.")
@click.option("--contact", "contacts", multiple=True, help="A contact person; may repeat.")
@json_option
@db_option
def client_add(
    name: str,
    email: str,
    terms: int,
    discount: str,
    address: str,
    tax_number: str,
    contacts: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add a client company."""
    with writing() as (session, actor):
        view = clients.add_client(
            session,
            actor,
            name,
            email=email,
            billing_address=address.replace("\\n", "\n"),
            tax_number=tax_number,
            contacts=contacts,
            terms_days=terms,
            discount=discount,
        )
    if as_json:
        emit_json(view)
        return
    click.echo(f"{view.name}: {view.payment_terms_days} days, {view.default_discount} % discount")


@client.command("list")
@json_option
@db_option
def client_list(as_json: bool) -> None:
    """Every client with its terms and default discount."""
    from gearroom.cli.common import state

    actor = state().actor()
    with reading() as session:
        views = clients.list_clients(session, actor)
    if as_json:
        emit_json(views)
        return
    rows = [
        [v.name, v.email, f"{v.payment_terms_days} d", f"{v.default_discount} %"] for v in views
    ]
    click.echo(table(rows, ["Client", "Email", "Terms", "Discount"]))


@click.group()
def rate() -> None:
    """Rate cards: day and week rates on items, kits, stock, models and categories."""


@rate.command("set")
@click.argument("tag", required=False)
@click.option("--model", help="The model's name.")
@click.option("--category", help="The category's name.")
@click.option("--day", required=True, metavar="AMOUNT", help="Day rate.")
@click.option("--week", metavar="AMOUNT", help="Week rate (default: days-per-week day rates).")
@click.option("--sale", metavar="AMOUNT", help="Sale price of a consumable stock item.")
@json_option
@db_option
def rate_set(
    tag: str | None,
    model: str | None,
    category: str | None,
    day: str,
    week: str | None,
    sale: str | None,
    as_json: bool,
) -> None:
    """Set the rate card of TAG (asset, kit, stock item), --model NAME or --category NAME."""
    with writing() as (session, actor):
        view = rates.set_rate(
            session, actor, tag=tag, model=model, category=category, day=day, week=week, sale=sale
        )
    if as_json:
        emit_json(view)
        return
    week_text = f", week {plain(view.week, view.currency)}" if view.week is not None else ""
    click.echo(f"{view.target}: day {plain(view.day, view.currency)}{week_text} {view.currency}")


@click.group()
def pricing_group() -> None:
    """The house's pricing rules: currency, tax, days per week."""


@pricing_group.command("set")
@click.option("--currency", metavar="CODE", help="ISO 4217 code, e.g. EUR.")
@click.option("--tax", metavar="PCT", help="Tax rate in percent, e.g. 19.")
@click.option("--days-per-week", type=int, help="Day rates a week costs without a week rate.")
@json_option
@db_option
def pricing_set(
    currency: str | None, tax: str | None, days_per_week: int | None, as_json: bool
) -> None:
    """Change the pricing rules (admins only)."""
    with writing() as (session, actor):
        rules = pricing.set_rules(
            session, actor, currency=currency, tax_pct=tax, days_per_week=days_per_week
        )
    _show(rules, as_json)


@pricing_group.command("show")
@json_option
@db_option
def pricing_show(as_json: bool) -> None:
    """The pricing rules in force."""
    from gearroom.cli.common import state

    state().actor().require(Permission.PRICES, "see the pricing rules")
    with reading() as session:
        rules = pricing.load_rules(session)
    _show(rules, as_json)


def _show(rules: pricing.PricingRules, as_json: bool) -> None:
    if as_json:
        emit_json(rules)
        return
    click.echo(f"Currency:       {rules.currency}")
    click.echo(f"Tax:            {rules.tax_pct} %")
    click.echo(f"Days per week:  {rules.days_per_week}")
    shares = ", ".join(f"{k} {v}" for k, v in sorted(rules.day_shares.items()))
    click.echo(f"Hire days:      {shares or 'every calendar day of the gear window'}")
    if rules.multipliers:
        table_text = ", ".join(f"{a}-{b} d × {f}" for a, b, f in rules.multipliers)
        click.echo(f"Duration table: {table_text}")


pricing_group.name = "pricing"


@click.group()
def house() -> None:
    """What quotes and invoices say about the house: name, address, logo, terms."""


@house.command("set")
@click.option("--name", help="The house's name on documents.")
@click.option("--address", help="Postal address (use \\n for new lines).")
@click.option("--logo", metavar="PATH", help="An image printed at the top of documents.")
@click.option("--terms", help="Payment and hire terms printed at the foot.")
@click.option("--tax-number", help="The house's VAT / tax number.")
@click.option("--email", help="Where clients write to.")
@json_option
@db_option
def house_set(
    name: str | None,
    address: str | None,
    logo: str | None,
    terms: str | None,
    tax_number: str | None,
    email: str | None,
    as_json: bool,
) -> None:
    """Change the house's details on documents (admins)."""
    given = {
        "name": name,
        "address": address.replace("\\n", "\n") if address is not None else None,
        "logo": logo,
        "terms": terms,
        "tax_number": tax_number,
        "email": email,
    }
    with writing() as (session, actor):
        view = pricing.set_house(
            session, actor, **{k: v for k, v in given.items() if v is not None}
        )
    if as_json:
        emit_json(view.__dict__)
        return
    click.echo(f"{view.name}: documents updated.")


COMMANDS = [client, rate, pricing_group, house]
