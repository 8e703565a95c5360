"""The ``gearroom`` command's subcommands, for headless work.

With no subcommand the command asks for the app: the entry point (:mod:`gearroom.__main__`)
opens it, so this package never imports the UI.

Every subcommand takes ``--db URL`` (also accepted before the subcommand); listing commands take
``--json``. Errors print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import click

from gearroom import __version__
from gearroom.cli.common import CliState, db_option
from gearroom.errors import GearroomError


@dataclass(frozen=True)
class OpenApp:
    """What the command returns when it is run without a subcommand: open the app on ``url``."""

    url: str | None


#: Opens the app on a database URL and returns its exit code.
AppOpener = Callable[[str | None], int]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
    from gearroom.cli import catalog, database, labels, operations, operators, report, transfer

    for module in (database, catalog, operators, labels, transfer, report, operations):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None, open_app: AppOpener | None = None) -> None:
    """Run the command line; without a subcommand, ``open_app`` opens the app (the entry point
    in :mod:`gearroom.__main__` passes it)."""
    try:
        result = cli.main(args=argv, prog_name="gearroom", standalone_mode=False)
        if isinstance(result, OpenApp):
            if open_app is None:
                raise GearroomError("Give a subcommand: see gearroom --help.")
            sys.exit(open_app(result.url))
    except GearroomError as exc:
        click.echo(f"gearroom: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("gearroom: aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        message = " ".join(exc.format_message().split())
        ctx = getattr(exc, "ctx", None)
        if isinstance(exc, click.UsageError) and ctx is not None:
            message += f" (see '{ctx.command_path} --help')"
        click.echo(f"gearroom: {message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(0)
