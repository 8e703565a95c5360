"""Quotes, orders, invoices, payments and credit notes on the command line.

    gearroom quote PRODUCTION [--discount PCT] [-o quote.pdf] [--json]
    gearroom quote accept NUMBER [--json]
    gearroom invoice PRODUCTION [-o invoice.pdf] [--json]        (the draft)
    gearroom invoice issue NUMBER [-o invoice.pdf] [--json]
    gearroom invoice list [--overdue] [--json]
    gearroom payment add NUMBER AMOUNT [--json]
    gearroom credit NUMBER --reason TEXT [--amount AMOUNT] [-o credit.pdf] [--json]
    gearroom service cost TAG|#TICKET AMOUNT [--json]              (repair cost of a damage)

Every amount in ``--json`` is a decimal string ("360.00"); every document carries its
``number`` (a draft invoice: ``DRAFT-<id>`` until it is issued).
"""

from __future__ import annotations

from pathlib import Path

import click

from gearroom.cli.common import DefaultGroup, db_option, emit_json, json_option, table, writing
from gearroom.services import invoicing, payments, pricing, quotes
from gearroom.services.amounts import percent, plain
from gearroom.services.documents import DocumentView

OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="Also write the printable PDF to PATH.",
)


def _print(view: DocumentView) -> None:
    c = view.currency
    title = {"quote": "Quote", "invoice": "Invoice", "credit_note": "Credit note"}[view.kind]
    version = f" v{view.version}" if view.kind == "quote" else ""
    click.echo(f"{title} {view.number}{version} ({view.status}) — {view.production}, {view.client}")
    rows = [
        [
            str(ln.position),
            ln.description,
            str(ln.quantity),
            str(percent(ln.days)) if ln.days else "",
            plain(ln.gross, c),
            f"{percent(ln.discount_pct)} %" if ln.discount_pct else "",
            plain(ln.net, c),
            plain(ln.tax, c),
        ]
        for ln in view.lines
    ]
    click.echo(table(rows, ["#", "Line", "Qty", "Days", "Gross", "Disc.", "Net", "Tax"]))
    click.echo(f"Subtotal: {plain(view.subtotal, c)} {c}")
    if view.discount:
        click.echo(f"Discount: {plain(view.discount, c)} {c}")
    click.echo(f"Net:      {plain(view.net, c)} {c}")
    click.echo(f"Tax:      {plain(view.tax, c)} {c}")
    click.echo(f"Total:    {plain(view.total, c)} {c}")
    if view.kind == "invoice" and view.issued_on is not None:
        click.echo(f"Paid:     {plain(view.paid, c)} {c}")
        if view.credited:
            click.echo(f"Credited: {plain(view.credited, c)} {c}")
        click.echo(f"Balance:  {plain(view.balance, c)} {c}, due {view.due_on}")


def _render(view: DocumentView, house: pricing.House, output: Path) -> Path:
    from gearroom.config import load_settings
    from gearroom.render.documents import write_document_pdf

    if house.name == pricing.House().name and load_settings().house_name:
        house = pricing.House(**{**house.__dict__, "name": load_settings().house_name})
    return write_document_pdf(view, house, output)


def _done(view: DocumentView, house: pricing.House, output: Path | None, as_json: bool) -> None:
    if output is not None:
        written = _render(view, house, output)
        click.echo(f"Wrote {view.number} to {written}.", err=True)
    if as_json:
        emit_json(view)
    else:
        _print(view)


@click.group(cls=DefaultGroup, default_command="make", name="quote")
def quote() -> None:
    """Quotes from a production's bookings; accepting one makes the order."""


@quote.command("make")
@click.argument("production_name", metavar="PRODUCTION")
@click.option("--discount", metavar="PCT", help="Whole-quote discount (default: the client's).")
@OUTPUT
@json_option
@db_option
def quote_make(
    production_name: str, discount: str | None, output: Path | None, as_json: bool
) -> None:
    """Quote PRODUCTION's bookings; with -o the PDF is written and the quote counts as sent."""
    with writing() as (session, actor):
        view = quotes.build_quote(session, actor, production_name, discount=discount)
        if output is not None:
            view = quotes.mark_sent(session, actor, view.number)
        house = pricing.load_house(session)
    _done(view, house, output, as_json)


@quote.command("accept")
@click.argument("number")
@json_option
@db_option
def quote_accept(number: str, as_json: bool) -> None:
    """The client accepted quote NUMBER: its prices become the locked order."""
    with writing() as (session, actor):
        view = quotes.accept_quote(session, actor, number)
    if as_json:
        emit_json(view)
        return
    click.echo(
        f"{view.number} v{view.version} accepted: order of {plain(view.total, view.currency)}"
        f" {view.currency} for {view.production}."
    )


@click.group(cls=DefaultGroup, default_command="draft", name="invoice")
def invoice() -> None:
    """Invoices: a draft from the order and the return, then issued with its number."""


@invoice.command("draft")
@click.argument("production_name", metavar="PRODUCTION")
@OUTPUT
@json_option
@db_option
def invoice_draft(production_name: str, output: Path | None, as_json: bool) -> None:
    """The draft invoice of PRODUCTION: its order plus late return, loss, damage, stock sold."""
    with writing() as (session, actor):
        view = invoicing.draft_invoice(session, actor, production_name)
        house = pricing.load_house(session)
    _done(view, house, output, as_json)


@invoice.command("issue")
@click.argument("number")
@OUTPUT
@json_option
@db_option
def invoice_issue(number: str, output: Path | None, as_json: bool) -> None:
    """Issue draft NUMBER (DRAFT-<id>): it gets the year's next number and never changes."""
    with writing() as (session, actor):
        view = invoicing.issue_invoice(session, actor, number)
        house = pricing.load_house(session)
    _done(view, house, output, as_json)


@invoice.command("list")
@click.option("--overdue", is_flag=True, help="Only issued invoices past due with a balance.")
@json_option
@db_option
def invoice_list(overdue: bool, as_json: bool) -> None:
    """Invoices and credit notes, newest first."""
    with writing() as (session, actor):
        views = payments.list_invoices(session, actor, overdue=overdue)
    if as_json:
        emit_json(views)
        return
    rows = [
        [
            v.number,
            v.kind.replace("_", " "),
            v.status,
            v.production,
            v.client,
            f"{plain(v.total, v.currency)} {v.currency}",
            f"{plain(v.balance, v.currency)}" if v.kind == "invoice" and v.issued_on else "",
            str(v.due_on or ""),
        ]
        for v in views
    ]
    click.echo(
        table(rows, ["Number", "Kind", "State", "Production", "Client", "Total", "Balance", "Due"])
    )


@click.group(name="payment")
def payment() -> None:
    """Payments received against issued invoices."""


@payment.command("add")
@click.argument("number")
@click.argument("amount")
@click.option("--note", default="", help="Bank reference, method…")
@json_option
@db_option
def payment_add(number: str, amount: str, note: str, as_json: bool) -> None:
    """Record AMOUNT paid against invoice NUMBER (part payments add up)."""
    with writing() as (session, actor):
        view = payments.add_payment(session, actor, number, amount, note=note)
    if as_json:
        emit_json(view)
        return
    c = view.currency
    click.echo(
        f"{plain(view.amount, c)} {c} paid on {view.invoice}; balance {plain(view.balance, c)} {c}."
    )


@click.command("credit")
@click.argument("number")
@click.option("--reason", required=True, help="Why the invoice is corrected.")
@click.option("--amount", metavar="AMOUNT", help="Credit this much (tax included); default all.")
@OUTPUT
@json_option
@db_option
def credit(
    number: str, reason: str, amount: str | None, output: Path | None, as_json: bool
) -> None:
    """Issue a credit note against invoice NUMBER."""
    with writing() as (session, actor):
        view = invoicing.credit_invoice(session, actor, number, reason, amount=amount)
        house = pricing.load_house(session)
    _done(view, house, output, as_json)


@click.command("cost")
@click.argument("key", metavar="TAG|#TICKET")
@click.argument("amount")
@json_option
@db_option
def service_cost(key: str, amount: str, as_json: bool) -> None:
    """Record the repair cost of a damage on its service ticket (charged on the invoice)."""
    with writing() as (session, actor):
        value = invoicing.set_repair_cost(session, actor, key, amount)
        currency = pricing.load_rules(session).currency
    if as_json:
        emit_json({"ticket": key, "repair_cost": plain(value, currency), "currency": currency})
        return
    click.echo(f"Repair cost of {key}: {plain(value, currency)} {currency}")


@click.command("revenue")
@click.option("--from", "start", required=True, metavar="DATE", help="First day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, metavar="DATE", help="Last day (YYYY-MM-DD).")
@OUTPUT
@json_option
@db_option
def revenue_cmd(start: str, end: str, output: Path | None, as_json: bool) -> None:
    """Revenue per production, client, model and category; -o writes .xlsx, .csv or .pdf."""
    from gearroom.services import revenue
    from gearroom.services.validation import parse_date

    first, last = parse_date(start, "from"), parse_date(end, "to")
    assert first is not None and last is not None
    with writing() as (session, actor):
        report = revenue.revenue_report(session, actor, first, last)
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".xlsx":
            revenue.write_revenue_xlsx(report, output)
        elif suffix == ".csv":
            revenue.write_revenue_csv(report, output)
        elif suffix == ".pdf":
            from gearroom.config import load_settings
            from gearroom.render.revenue import write_revenue_pdf

            write_revenue_pdf(report, output, house_name=load_settings().house_name)
        else:
            raise click.UsageError("Write the revenue to a .xlsx, .csv or .pdf file.")
        click.echo(f"Wrote the revenue report to {output}.", err=True)
    if as_json:
        emit_json(report)
        return
    c = report.currency
    click.echo(f"Revenue {report.start} to {report.end}: {plain(report.total, c)} {c} (net)")
    for e in report.models:
        click.echo(
            f"  {e.model}: {plain(e.revenue, c)} {c}, {e.utilisation_pct} % out, "
            f"{e.earned_pct} % of its purchase value"
        )


def _register_service_cost() -> None:
    from gearroom.cli.operations import service

    service.add_command(service_cost)


_register_service_cost()

COMMANDS: list[click.Command] = [quote, invoice, payment, credit, revenue_cmd]
