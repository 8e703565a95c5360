"""The counter on the command line: draft check-outs that survive (each scan its own
transaction, resumable from any workstation), the dashboard by job, and people."""

from __future__ import annotations

import click

from gearroom.cli import catalog as catalog_cli
from gearroom.cli.common import db_option, emit_json, json_option, reading, table, writing
from gearroom.errors import ConflictError, NotFoundError
from gearroom.services import crew, drafts, jobs
from gearroom.services.drafts import DraftView
from gearroom.services.validation import parse_date

# --------------------------------------------------------------------------- drafts


def _print_draft(view: DraftView) -> None:
    who = view.custodian or "nobody yet"
    click.echo(
        f"Draft #{view.id} for {view.production}, signed for by {who}: {len(view.lines)} scan(s)"
    )
    for ln in view.lines:
        extra = f" (unbooked: {ln.unbooked_reason})" if ln.unbooked_reason else ""
        qty = f" ×{ln.quantity}" if ln.quantity != 1 else ""
        click.echo(f"  {ln.tag}{qty} {ln.name}{extra}")


@click.group("draft")
def draft_group() -> None:
    """Draft check-outs: scanned gear saved as it is scanned, until committed or discarded."""


@draft_group.command("start")
@click.argument("production_name", metavar="PRODUCTION")
@click.option("--to", "person", help="Who signs for the gear (name or badge).")
@click.option("--due", metavar="DATE", help="Due back (default: the production's wrap day).")
@json_option
@db_option
def draft_start(production_name: str, person: str | None, due: str | None, as_json: bool) -> None:
    """Start a draft check-out for a production; prints its number."""
    with writing() as (session, actor):
        view = drafts.start_draft(
            session, actor, production_name, custodian=person, due_back=parse_date(due, "due")
        )
    if as_json:
        emit_json(view)
    else:
        click.echo(view.id)


@draft_group.command("scan")
@click.argument("draft_id", type=int, metavar="DRAFT")
@click.argument("tags", nargs=-1, required=True, metavar="TAG...")
@click.option("--reason", metavar="TEXT", help="Add items that are not booked, saying why.")
@json_option
@db_option
def draft_scan(draft_id: int, tags: tuple[str, ...], reason: str | None, as_json: bool) -> None:
    """Scan tags into a draft, each saved in its own transaction; stops at the first refusal."""
    results = []
    for text in tags:
        with writing() as (session, actor):
            result = drafts.scan_draft(session, actor, draft_id, text, unbooked_reason=reason)
        results.append(result)
        if not as_json:
            click.echo(f"{result.tag}: {result.message}")
        if not result.ok:
            if as_json:
                emit_json(results)
            error = NotFoundError if "Unknown tag" in result.message else ConflictError
            raise error(result.message)
    if as_json:
        emit_json(results)


@draft_group.command("show")
@click.argument("draft_id", type=int, metavar="DRAFT")
@json_option
@db_option
def draft_show(draft_id: int, as_json: bool) -> None:
    """What a draft holds."""
    with reading() as session:
        view = drafts.draft_view(session, draft_id)
    if as_json:
        emit_json(view)
    else:
        _print_draft(view)


@draft_group.command("list")
@click.option("--production", "production_name", help="Only this production's drafts.")
@json_option
@db_option
def draft_list(production_name: str | None, as_json: bool) -> None:
    """Drafts in progress on every workstation."""
    with reading() as session:
        rows = drafts.list_drafts(session, production_name)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [
                [str(d.id), d.production, d.custodian or "", str(len(d.lines)), d.started_by]
                for d in rows
            ],
            ["DRAFT", "PRODUCTION", "CUSTODIAN", "SCANS", "STARTED BY"],
        )
    )


@draft_group.command("commit")
@click.argument("draft_id", type=int, metavar="DRAFT")
@click.option("--override", metavar="REASON", help="Send out despite other bookings.")
@json_option
@db_option
def draft_commit(draft_id: int, override: str | None, as_json: bool) -> None:
    """The draft becomes the check-out, all or nothing."""
    with writing() as (session, actor):
        view = drafts.commit_draft(session, actor, draft_id, override_reason=override)
    if as_json:
        emit_json(view)
    else:
        click.echo(
            f"Check-out #{view.id}: {len(view.lines)} line(s) out to {view.custodian} for "
            f"{view.production}, due back {view.due_back.isoformat()}"
        )


@draft_group.command("discard")
@click.argument("draft_id", type=int, metavar="DRAFT")
@click.option("--reason", default="", metavar="TEXT")
@json_option
@db_option
def draft_discard(draft_id: int, reason: str, as_json: bool) -> None:
    """Throw a draft away; nothing goes out."""
    with writing() as (session, actor):
        n = drafts.discard_draft(session, actor, draft_id, reason)
    if as_json:
        emit_json({"draft": draft_id, "scans": n})
    else:
        click.echo(f"Draft #{draft_id} discarded ({n} scan(s))")


# --------------------------------------------------------------------------- jobs


@click.command("jobs")
@click.option("--items", "production_name", metavar="PRODUCTION", help="Item rows of one job.")
@click.option(
    "--section",
    type=click.Choice([s.value for s in jobs.JobSection]),
    default=jobs.JobSection.THIS_WEEK.value,
    show_default=True,
    help="With --items: which section's rows.",
)
@json_option
@db_option
def jobs_cmd(production_name: str | None, section: str, as_json: bool) -> None:
    """The dashboard by job: going out today, due back today, overdue, this week."""
    with reading() as session:
        if production_name:
            items = jobs.job_items(session, production_name, section)
        else:
            board = jobs.job_board(session)
    if production_name:
        if as_json:
            emit_json(items)
            return
        for ln in items.pick:
            click.echo(
                f"  [{'x' if ln.done else ' '}] {ln.location}  {ln.tag or '(model)'} {ln.name}"
            )
        for o in items.out:
            click.echo(f"  {o.tag} {o.name} due {o.due_back.isoformat()}")
        return
    if as_json:
        emit_json(board)
        return
    for sec, rows in board.sections.items():
        click.echo(f"{sec.value.replace('_', ' ')}:")
        for r in rows:
            who = ", ".join(r.custodians) or "-"
            client = f" ({r.client})" if r.client else ""
            click.echo(
                f"  {r.production}{client} {r.start}..{r.end} {who}: {r.items} item(s), "
                f"{r.picked}/{r.booked} picked"
            )


# --------------------------------------------------------------------------- people


@catalog_cli.person.command("edit")
@click.argument("name")
@click.option("--badge", metavar="TAG", help="A new badge tag.")
@click.option("--phone", metavar="P")
@click.option("--email", metavar="E")
@json_option
@db_option
def person_edit(
    name: str, badge: str | None, phone: str | None, email: str | None, as_json: bool
) -> None:
    """Change a person's badge tag, phone or e-mail."""
    with writing() as (session, actor):
        view = crew.edit_person(session, actor, name, badge=badge, phone=phone, email=email)
    if as_json:
        emit_json(view)
    else:
        click.echo(f"{view.name} ({view.badge}) {view.phone} {view.email}".rstrip())


@catalog_cli.person.command("show")
@click.argument("name")
@json_option
@db_option
def person_show(name: str, as_json: bool) -> None:
    """A person: what they have out and their history."""
    with reading() as session:
        desk = crew.person_desk(session, name)
    if as_json:
        emit_json(desk)
        return
    p = desk.person
    click.echo(f"{p.name} ({p.badge}) {p.role.value} {p.phone} {p.email}".rstrip())
    click.echo(f"{len(desk.out)} line(s) out:")
    for ln in desk.out:
        click.echo(f"  {ln.tag} {ln.name} for {ln.production}, due {ln.due_back.isoformat()}")
    for c in desk.signed_for:
        click.echo(
            f"  check-out #{c.checkout_id} {c.production}: {c.lines} line(s), {c.still_out} out"
        )
    for e in desk.history:
        click.echo(f"  {e.at:%Y-%m-%d %H:%M} {e.summary}")


COMMANDS = [draft_group, jobs_cmd]
