"""The ``gearroom`` command's subcommands, for headless work.

With no subcommand the command asks for the app: the entry point (:mod:`gearroom.__main__`)
opens it, so this package never imports the UI.

Every subcommand takes ``--db URL`` (also accepted before the subcommand); listing commands take
``--json``. Errors print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import click

from gearroom import __version__
from gearroom.cli.common import CliState, db_option
from gearroom.errors import GearroomError
from gearroom.failures import describe_failure, is_retryable


@dataclass(frozen=True)
class OpenApp:
    """What the command returns when it is run without a subcommand: open the app on ``url``."""

    url: str | None


#: Opens the app on a database URL and returns its exit code.
AppOpener = Callable[[str | None], int]


class _CommandsWhenAsked(click.Group):
    """The group whose subcommands are imported when one is named or listed: opening the app
    (no subcommand) imports none of the command modules and the services behind them."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _register()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register()
        return super().list_commands(ctx)


@click.group(
    cls=_CommandsWhenAsked,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@db_option
@click.version_option(__version__, prog_name="gearroom")
@click.pass_context
def cli(ctx: click.Context) -> OpenApp | None:
    """Gearroom: gear inventory for film and TV rental houses.

    Run without a command to open the app.
    """
    state = ctx.ensure_object(CliState)
    if ctx.invoked_subcommand is None:
        return OpenApp(state.url)
    return None


def _register() -> None:
    """Add every module's commands to the group (once)."""
    if cli.commands:
        return
    from gearroom.cli import (
        bookings,
        catalog,
        clients,
        database,
        desk,
        labels,
        models,
        money,
        operations,
        operators,
        report,
        transfer,
    )

    modules = (database, catalog, operators, labels, transfer, report, operations, bookings)
    for module in (*modules, models, desk, clients, money):
        for command in module.COMMANDS:
            assert command.name not in cli.commands, f"two commands named {command.name}"
            cli.add_command(command)


def _undecodable(args: list[str]) -> str | None:
    """The first argument that is not valid UTF-8 (Python keeps such bytes as surrogates)."""
    for index, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            raw = arg.encode("utf-8", "surrogateescape")[exc.start : exc.start + 1]
            return (
                f"argument {index} is not valid UTF-8 text (byte 0x{raw.hex() or '??'}); "
                "give it in UTF-8."
            )
    return None


def _fail(message: str, code: int) -> NoReturn:
    text = " ".join(message.split())
    click.echo(f"gearroom: {text}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None, open_app: AppOpener | None = None) -> None:
    """Run the command line; without a subcommand, ``open_app`` opens the app (the entry point
    in :mod:`gearroom.__main__` passes it).

    The one error path of the command line: every failure a person or the machine can cause (bad
    input, a refused operation, a full disk, a read-only or damaged file, a lost server, a held
    lock, bytes that are not UTF-8) ends as one line on stderr and a non-zero exit code.
    """
    args = sys.argv[1:] if argv is None else argv
    bad = _undecodable(args)
    if bad:
        _fail(bad, 2)
    try:
        result = _run_with_retry(args)
        if isinstance(result, OpenApp):
            if open_app is None:
                raise GearroomError("Give a subcommand: see gearroom --help.")
            sys.exit(open_app(result.url))
    except GearroomError as exc:
        _fail(str(exc), exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted.", 130)
    except click.ClickException as exc:
        message = exc.format_message()
        ctx = getattr(exc, "ctx", None)
        if isinstance(exc, click.UsageError) and ctx is not None:
            message += f" (see '{ctx.command_path} --help')"
        _fail(message, exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted; nothing of the unfinished operation was saved.", 130)
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        error = describe_failure(exc, _current_url())
        if error is not None:
            _fail(str(error), error.exit_code)
        if os.environ.get("GEARROOM_DEBUG"):
            raise
        detail = (str(exc).splitlines() or [""])[0][:200]
        _fail(
            f"unexpected error ({type(exc).__name__}: {detail}); "
            "nothing of this operation was saved. Run again with GEARROOM_DEBUG=1 for details.",
            70,
        )
    sys.exit(0)


#: How often a command whose transaction lost a race (deadlock, serialization failure) runs.
ATTEMPTS = 3


def _run_with_retry(args: list[str]) -> object:
    """Run the command; run it again (at most :data:`ATTEMPTS` times in all) when PostgreSQL
    ended its transaction as the loser of a deadlock or a serialization conflict. Nothing of
    a lost transaction was committed, and a command writes its files only after its commit."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return cli.main(args=args, prog_name="gearroom", standalone_mode=False)
        except Exception as exc:
            if attempt == ATTEMPTS or not is_retryable(exc):
                raise
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    return None  # pragma: no cover - the loop returns or raises


def _current_url() -> str | None:
    return CliState.last_url
