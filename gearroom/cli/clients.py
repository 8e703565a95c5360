"""``gearroom client``, ``gearroom rate set`` and ``gearroom pricing``: who pays, at what rates.

    gearroom client add NAME [--email E] [--terms DAYS] [--discount PCT] [--json]
    gearroom client list [--json]
    gearroom rate set (TAG | --model NAME | --category NAME) --day AMOUNT [--week AMOUNT]
                     [--sale AMOUNT] [--tax-rate NAME]
    gearroom pricing set [--currency CODE] [--tax PCT] [--days-per-week N]
                         [--day-kind KIND=SHARE ...] [--durations "2=1.5,3-4=2,5-7=3" |
                         --no-durations] [--line-tax KIND=RATE ...]
    gearroom pricing show [--json]
    gearroom pricing tax-rate add NAME PCT | remove NAME | list [--json]

``--tax`` is the standard rate; named rates (``reduced 7``, ``zero 0``) are what rate cards
(``rate set --tax-rate NAME``) and line kinds (``pricing set --line-tax loss=zero``) name.

Amounts are exact decimals with a point ("100", "99.50"); floats in exponent form, commas and
thousands separators are refused.
"""

from __future__ import annotations

from decimal import Decimal

import click

from gearroom.cli.common import db_option, emit_json, json_option, reading, table, writing
from gearroom.errors import ValidationError
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
@click.option(
    "--tax-rate",
    metavar="NAME",
    help="Tax its lines at the house's rate NAME (see 'gearroom pricing tax-rate list'); "
    '"" clears it.',
)
@json_option
@db_option
def rate_set(
    tag: str | None,
    model: str | None,
    category: str | None,
    day: str,
    week: str | None,
    sale: str | None,
    tax_rate: str | None,
    as_json: bool,
) -> None:
    """Set the rate card of TAG (asset, kit, stock item), --model NAME or --category NAME."""
    with writing() as (session, actor):
        view = rates.set_rate(
            session,
            actor,
            tag=tag,
            model=model,
            category=category,
            day=day,
            week=week,
            sale=sale,
            tax_rate=tax_rate,
        )
    if as_json:
        emit_json(view)
        return
    week_text = f", week {plain(view.week, view.currency)}" if view.week is not None else ""
    tax_text = f", taxed at {view.tax_rate}" if view.tax_rate else ""
    click.echo(
        f"{view.target}: day {plain(view.day, view.currency)}{week_text} {view.currency}{tax_text}"
    )


@click.group()
def pricing_group() -> None:
    """The house's pricing rules: currency, tax rates, days per week, hire days, durations."""


@pricing_group.command("set")
@click.option("--currency", metavar="CODE", help="ISO 4217 code, e.g. EUR.")
@click.option("--tax", metavar="PCT", help="The standard tax rate in percent, e.g. 19.")
@click.option("--days-per-week", type=int, help="Day rates a week costs without a week rate.")
@click.option(
    "--day-kind",
    "day_kinds",
    multiple=True,
    metavar="KIND=SHARE",
    help="Share of a hire day that a shoot-day kind counts (0 to 1), e.g. travel=0.5 or hold=0; "
    "repeatable; KIND=1 counts it fully again. Kinds: " + ", ".join(pricing.SHARE_KINDS) + ".",
)
@click.option(
    "--durations",
    metavar="TABLE",
    help='Duration table instead of the week rule, e.g. "2=1.5,3-4=2,5-7=3" '
    "(days = multiple of the day rate).",
)
@click.option("--no-durations", is_flag=True, help="Drop the duration table (the week rule).")
@click.option(
    "--line-tax",
    "line_taxes",
    multiple=True,
    metavar="KIND=RATE",
    help="Tax a line kind at a named rate when no rate card names one, e.g. loss=zero; "
    "KIND=standard goes back to the standard rate. Kinds: " + ", ".join(pricing.LINE_KINDS) + ".",
)
@json_option
@db_option
def pricing_set(
    currency: str | None,
    tax: str | None,
    days_per_week: int | None,
    day_kinds: tuple[str, ...],
    durations: str | None,
    no_durations: bool,
    line_taxes: tuple[str, ...],
    as_json: bool,
) -> None:
    """Change the pricing rules (admins only). Day-kind shares and line-kind rates given are
    changed; the others are kept."""
    if durations is not None and no_durations:
        raise ValidationError("Give --durations or --no-durations, not both.")
    table = pricing.parse_durations(durations) if durations is not None else None
    if durations is not None and not table:
        raise ValidationError("The duration table is empty: use --no-durations to drop it.")
    if no_durations:
        table = []
    given_shares = pricing.parse_day_shares(day_kinds)
    given_taxes = pricing.parse_pairs(line_taxes, "line_tax", "loss=zero", "KIND=RATE")
    with writing() as (session, actor):
        now = pricing.load_rules(session)
        shares = None
        if given_shares:
            shares = {k: str(v) for k, v in now.day_shares.items()} | given_shares
            shares = {k: v for k, v in shares.items() if _share(v) != 1}
        kinds = dict(now.line_tax) | given_taxes if given_taxes else None
        rules = pricing.set_rules(
            session,
            actor,
            currency=currency,
            tax_pct=tax,
            days_per_week=days_per_week,
            day_shares=shares,
            multipliers=table,
            line_tax=kinds,
        )
    _show(rules, as_json)


def _share(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None  # the service says what is wrong with it


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


def _tax_rates_text(rules: pricing.PricingRules) -> str:
    named = [f"{pricing.STANDARD_TAX} {rules.tax_pct} %"]
    named += [f"{k} {v} %" for k, v in sorted(rules.tax_rates.items())]
    return ", ".join(named)


def _show(rules: pricing.PricingRules, as_json: bool) -> None:
    if as_json:
        emit_json(rules)
        return
    click.echo(f"Currency:       {rules.currency}")
    click.echo(f"Tax:            {rules.tax_pct} %")
    click.echo(f"Tax rates:      {_tax_rates_text(rules)}")
    if rules.line_tax:
        kinds = ", ".join(f"{k}={v}" for k, v in sorted(rules.line_tax.items()))
        click.echo(f"Line kinds:     {kinds}")
    click.echo(f"Days per week:  {rules.days_per_week}")
    shares = pricing.format_day_shares(rules)
    click.echo(f"Hire days:      {shares or 'every calendar day of the gear window counts fully'}")
    table = pricing.format_durations(rules)
    click.echo(f"Duration table: {table or 'none (weeks and day rates)'}")


@pricing_group.group("tax-rate")
def tax_rate_group() -> None:
    """Named tax rates besides the standard one (e.g. reduced 7, zero 0)."""


@tax_rate_group.command("add")
@click.argument("name")
@click.argument("pct", metavar="PCT")
@json_option
@db_option
def tax_rate_add(name: str, pct: str, as_json: bool) -> None:
    """Add the tax rate NAME at PCT percent, or change its percent (admins only)."""
    with writing() as (session, actor):
        rules = pricing.set_rules(session, actor, tax_rates={name: pct})
    _rates_out(rules, as_json)


@tax_rate_group.command("remove")
@click.argument("name")
@json_option
@db_option
def tax_rate_remove(name: str, as_json: bool) -> None:
    """Remove the tax rate NAME (refused while a rate card or a line kind names it)."""
    with writing() as (session, actor):
        rules = pricing.set_rules(session, actor, tax_rates={name: None})
    _rates_out(rules, as_json)


@tax_rate_group.command("list")
@json_option
@db_option
def tax_rate_list(as_json: bool) -> None:
    """The house's tax rates: the standard one first."""
    with reading(Permission.PRICES, "see the tax rates") as session:
        rules = pricing.load_rules(session)
    _rates_out(rules, as_json)


def _rates_out(rules: pricing.PricingRules, as_json: bool) -> None:
    rows = [(pricing.STANDARD_TAX, rules.tax_pct), *sorted(rules.tax_rates.items())]
    if as_json:
        kinds = {n: sorted(k for k, v in rules.line_tax.items() if v == n) for n, _ in rows}
        emit_json(
            [
                {"name": n, "tax_pct": str(p), "standard": n == pricing.STANDARD_TAX,
                 "line_kinds": kinds[n]}
                for n, p in rows
            ]
        )  # fmt: skip
        return
    body = [
        [n, f"{p} %", ", ".join(sorted(k for k, v in rules.line_tax.items() if v == n))]
        for n, p in rows
    ]
    click.echo(table(body, ["Tax rate", "Percent", "Line kinds"]))


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
