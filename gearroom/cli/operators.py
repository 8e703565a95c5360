"""Operator commands: add, list, change a PIN, change a role."""

from __future__ import annotations

import hmac
import os
import secrets
import sys
from datetime import UTC, datetime, timedelta

import click

from gearroom.cli.common import db_option, emit_json, json_option, reading, state, table, writing
from gearroom.db import create_private
from gearroom.errors import ValidationError
from gearroom.models import Role
from gearroom.services import operators


def _new_pin(name: str) -> str:
    pin = os.environ.get("GEARROOM_NEW_PIN")
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise ValidationError(f"No PIN for {name}: set GEARROOM_NEW_PIN or run in a terminal.")
    return str(
        click.prompt(f"New PIN for {name}", hide_input=True, confirmation_prompt=True, err=True)
    )


@click.group()
def operator() -> None:
    """Operators who sign in, and their roles (admin, staff, assistant)."""


@operator.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--display-name", default="")
@click.option("--badge", help="Badge tag of a person: scanning it switches to this operator.")
@json_option
@db_option
def operator_add(name: str, role: str, display_name: str, badge: str | None, as_json: bool) -> None:
    """Add an operator (the first one must be an admin). PIN: GEARROOM_NEW_PIN or a prompt."""
    pin = _new_pin(name)
    with writing() as (session, actor):
        view = operators.create_operator(
            session, actor, name, Role(role), pin, display_name=display_name, badge=badge
        )
    if as_json:
        emit_json(view)
    else:
        click.echo(f"Operator {view.name} ({view.role.value}) added")


@operator.command("list")
@json_option
@db_option
def operator_list(as_json: bool) -> None:
    """List operators."""
    with reading() as session:
        rows = operators.list_operators(session)
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [
                [
                    o.name,
                    o.display_name,
                    o.role.value,
                    o.badge or "",
                    "locked" if o.locked else ("active" if o.active else "inactive"),
                ]
                for o in rows
            ],
            ["NAME", "DISPLAY NAME", "ROLE", "BADGE", "STATE"],
        )
    )


@operator.command("pin")
@click.argument("name")
@db_option
def operator_pin(name: str) -> None:
    """Change an operator's PIN (your own, or anyone's as admin; unlocks them)."""
    st = state()
    st.actor()
    pin = _new_pin(name)
    with writing() as (session, actor):
        operators.set_pin(session, actor, name, pin)
    click.echo(f"PIN of {name} changed")


@operator.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--active/--inactive", default=None)
@db_option
def operator_set(name: str, role: str | None, active: bool | None) -> None:
    """Change an operator's role or switch them off."""
    with writing() as (session, actor):
        view = operators.update_operator(session, actor, name, role=role, active=active)
    click.echo(f"{view.name}: {view.role.value}, {'active' if view.active else 'inactive'}")


UNLOCK_FILE = "gearroom-unlock-code.txt"
UNLOCK_MINUTES = 15


@operator.command("unlock")
@click.argument("name")
@click.option("--code", envvar="GEARROOM_UNLOCK_CODE", help="The code from the unlock file.")
@db_option
def operator_unlock(name: str, code: str | None) -> None:
    """Recover a house locked out of its admins: a new PIN for admin NAME, without signing in.

    Proves access to the database file's folder in two steps. The first run writes a one-time
    code into gearroom-unlock-code.txt beside the database (readable by its owner only); the
    second run, with --code CODE (or GEARROOM_UNLOCK_CODE) and the new PIN in GEARROOM_NEW_PIN
    or at the prompt, unlocks NAME. The code expires after 15 minutes and works once; the
    history records the recovery. On PostgreSQL the server's administrator resets the counter
    (see docs/operators.md).
    """
    database = state().database()
    path = database.path
    if path is None:
        raise ValidationError(
            "On PostgreSQL, unlocking needs the server: see docs/operators.md (an UPDATE of the "
            "operators table by the database's owner)."
        )
    code_file = path.parent / UNLOCK_FILE
    if code is None:
        secret = f"{secrets.randbelow(10**8):08d}"
        expires = datetime.now(UTC) + timedelta(minutes=UNLOCK_MINUTES)
        code_file.unlink(missing_ok=True)
        create_private(code_file)
        code_file.write_text(f"{secret} {name.strip().lower()} {expires.isoformat()}\n")
        click.echo(
            f"A one-time code is in {code_file}. Run 'gearroom operator unlock {name} --code "
            f"CODE' within {UNLOCK_MINUTES} minutes, with the new PIN in GEARROOM_NEW_PIN."
        )
        return
    try:
        secret, who, until = code_file.read_text().split()
    except (OSError, ValueError) as exc:
        raise ValidationError(
            f"No unlock code is waiting beside the database; run 'gearroom operator unlock "
            f"{name}' first."
        ) from exc
    fresh = datetime.now(UTC) <= datetime.fromisoformat(until)
    if not (fresh and who == name.strip().lower() and hmac.compare_digest(secret, code.strip())):
        code_file.unlink(missing_ok=True)
        raise ValidationError(
            "That unlock code is wrong or expired (it was removed); start again with "
            f"'gearroom operator unlock {name}'."
        )
    pin = _new_pin(name)
    with database.write() as session:
        view = operators.recover_admin(session, name, pin)
    code_file.unlink(missing_ok=True)
    click.echo(f"{view.name} is unlocked with the new PIN; sign in with it.")


COMMANDS = [operator]
