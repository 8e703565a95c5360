"""Operator commands: add, list, change a PIN, change a role."""

from __future__ import annotations

import os
import sys

import click

from gearroom.cli.common import db_option, emit_json, json_option, reading, state, table, writing
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


COMMANDS = [operator]
