"""The ``gearroom`` command: no arguments opens the app; subcommands do headless work.

Every subcommand takes ``--db URL`` (also accepted before the subcommand); listing commands take
``--json``. Errors print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import sys

import click

from gearroom import __version__
from gearroom.cli.common import CliState, db_option
from gearroom.errors import GearroomError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(__version__, prog_name="gearroom")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Gearroom: gear inventory for film and TV rental houses.

    Run without a command to open the app.
    """
    state = ctx.ensure_object(CliState)
    if ctx.invoked_subcommand is None:
        from gearroom.ui.app import run_app

        ctx.exit(run_app(state.url))


def _register() -> None:
    from gearroom.cli import (
        catalog,
        clients,
        database,
        labels,
        money,
        operations,
        operators,
        report,
        transfer,
    )

    modules = (database, catalog, operators, labels, transfer, report, operations, clients, money)
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``gearroom`` console script."""
    try:
        cli.main(args=argv, prog_name="gearroom", standalone_mode=False)
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
