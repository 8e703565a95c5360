"""What every subcommand shares: the database option, JSON output, progress."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import click
from click.core import ParameterSource
from sqlalchemy.orm import Session

from gearroom import sign_in
from gearroom.config import FilePlaces, default_operator, file_places, load_settings
from gearroom.db import Database, open_database
from gearroom.services import operators
from gearroom.services.actor import Actor, Permission, local_actor
from gearroom.services.history import jsonable

F = TypeVar("F", bound=Callable[..., Any])


class CliState:
    """Per-invocation state: the database URL and the open database, opened on first use."""

    #: The database URL of the latest command (for the wording of error messages).
    last_url: str | None = None

    def __init__(self) -> None:
        self.url: str | None = None
        self.operator: str | None = None
        self._db: Database | None = None
        self._actor: Actor | None = None
        self._places: FilePlaces | None = None
        self.close_registered = False

    def places(self) -> FilePlaces:
        """Where the files outside the database are (resolved on first use)."""
        if self._places is None:
            self._places = file_places()
        return self._places

    def database(self) -> Database:
        if self._db is None:
            url = self.url or load_settings().effective_database_url()
            CliState.last_url = url
            self._db = open_database(url, anchor_file=self.places().history_anchors)
        return self._db

    def actor(self) -> Actor:
        """The signed-in operator. Before any operator exists, the workstation's user (admin)."""
        if self._actor is None:
            database = self.database()
            with database.read() as session:
                needed = operators.has_operators(session)
            if not needed:
                self._actor = local_actor(default_operator())
            else:
                name = self.operator or os.environ.get("GEARROOM_OPERATOR")
                if not name:
                    raise operators.SignInError(
                        "Sign in first: give --operator NAME (or set GEARROOM_OPERATOR) and the "
                        "PIN in GEARROOM_PIN or at the prompt."
                    )
                pin = os.environ.get("GEARROOM_PIN")
                if pin is None:
                    if not sys.stdin.isatty():
                        raise operators.SignInError(
                            f"No PIN for {name}: set GEARROOM_PIN or run the command in a terminal."
                        )
                    pin = click.prompt(f"PIN for {name}", hide_input=True, err=True)
                # Reads, and writes only a wrong PIN: never waits for another process's write.
                result = sign_in.sign_in_without_waiting(database, name, pin)
                self._actor = result.actor_or_raise()
        return self._actor

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def _store_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from_env = ctx.get_parameter_source(param.name or "") is ParameterSource.ENVIRONMENT
    if from_env and ctx.find_root().ensure_object(CliState).url:
        return  # a --db given earlier on the command line wins over GEARROOM_DATABASE_URL
    if value:
        ctx.ensure_object(CliState).url = value
        root = ctx.find_root()
        root.ensure_object(CliState).url = value


def _store_operator(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().ensure_object(CliState).operator = value


def db_option(func: F) -> F:
    """``--db URL`` (the database: overrides GEARROOM_DATABASE_URL and the config file) and
    ``--operator NAME`` (who signs in; the PIN comes from GEARROOM_PIN or a prompt)."""
    func = click.option(
        "--operator",
        metavar="NAME",
        expose_value=False,
        callback=_store_operator,
        help="Operator to sign in as (default: GEARROOM_OPERATOR); PIN: GEARROOM_PIN or a prompt.",
    )(func)
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        expose_value=False,
        is_eager=True,
        callback=_store_db,
        envvar="GEARROOM_DATABASE_URL",
        help="Database URL (sqlite:///PATH or postgresql+psycopg://…). "
        "Default: GEARROOM_DATABASE_URL, the config file, then the embedded database.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def state() -> CliState:
    ctx = click.get_current_context()
    root = ctx.find_root()
    st = root.ensure_object(CliState)
    if not st.close_registered:
        root.call_on_close(st.close)
        st.close_registered = True
    return st


def places() -> FilePlaces:
    """The command's file places: the data folder's files and the shipped ones."""
    return state().places()


@contextmanager
def reading(
    permission: Permission = Permission.VIEW, doing: str = "view the inventory"
) -> Iterator[Session]:
    """A read session on the command's database, for a signed-in operator allowed ``permission``.

    Reading needs a sign-in too once operators exist (the list of what runs signed-out is in
    docs/threat-model.md). The session is a plain read (BEGIN DEFERRED on SQLite): it never
    takes or waits for the write lock.
    """
    st = state()
    st.actor().require(permission, doing)
    with st.database().read() as session:
        yield session


def requires(permission: Permission, doing: str) -> Callable[[F], F]:
    """A command decorator: sign in and check ``permission`` before the command does anything."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state().actor().require(permission, doing)
            return func(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


@contextmanager
def writing() -> Iterator[tuple[Session, Actor]]:
    """A write session (one transaction) and the acting operator."""
    st = state()
    actor = st.actor()  # sign in before the write transaction starts
    with st.database().write() as session:
        yield session, actor


def emit_json(value: Any) -> None:
    click.echo(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table with columns padded to their widest cell."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


class DefaultGroup(click.Group):
    """A group whose arguments, when they name no subcommand, go to a default subcommand.

    ``gearroom history CAM-0042`` runs ``history show CAM-0042`` while ``gearroom history
    verify`` runs the ``verify`` subcommand.
    """

    def __init__(self, *args: Any, default_command: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_command = default_command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)
