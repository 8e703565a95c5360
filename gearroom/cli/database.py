"""Database commands: init, db upgrade / check / backup."""

from __future__ import annotations

from pathlib import Path

import click

from gearroom import backup
from gearroom.cli.common import db_option, emit_json, json_option, state, writing
from gearroom.config import load_settings
from gearroom.db import DamagedDatabaseError, open_database
from gearroom.errors import DatabaseError
from gearroom.paths import demo_dir
from gearroom.services import demo, operators
from gearroom.services.actor import Permission
from gearroom.services.setup import ensure_standard_categories


@click.command()
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo rental house.")
@json_option
@db_option
def init(with_demo: bool, as_json: bool) -> None:
    """Create (or upgrade) the database and the standard categories."""
    with writing() as (session, actor):
        created = ensure_standard_categories(session, actor)
        summary = demo.load_demo(session, actor, files=demo_dir()) if with_demo else None
        demo_ops = operators.create_demo_operators(session, actor) if with_demo else []
    if as_json:
        emit_json(
            {
                "categories_created": len(created),
                "demo": summary,
                "operators_created": [o.name for o in demo_ops],
            }
        )
        return
    click.echo(f"Database ready ({len(created)} categories created).")
    if summary is not None:
        click.echo(summary.describe())
    if demo_ops:
        names = ", ".join(o.name for o in demo_ops)
        click.echo(
            f"Demo operators {names} created, each with PIN {operators.DEMO_PIN}. "
            "Sign in with --operator NAME and GEARROOM_PIN, and change the PINs before real use."
        )


@click.group()
def db() -> None:
    """Upgrade, check and back up the database."""


@db.command("upgrade")
@db_option
def db_upgrade() -> None:
    """Bring the database to this version's schema (a backup is taken first)."""
    st = state()
    database = st.database()  # opening upgrades
    info = database.state()
    click.echo(f"Database at revision {info.current_revision} (head {info.head_revision}).")


@db.command("check")
@click.option("--full", is_flag=True, help="Run a full integrity check (slower).")
@json_option
@db_option
def db_check(full: bool, as_json: bool) -> None:
    """Report the schema revision and integrity; exits non-zero if anything is wrong."""
    st = state()
    url = st.url
    database = open_database(
        url or load_settings().effective_database_url(),
        upgrade=False,
        anchor_file=st.places().history_anchors,
    )
    try:
        info = database.state(full_check=full)
    finally:
        database.dispose()
    if as_json:
        emit_json({**info.__dict__, "up_to_date": info.up_to_date})
    else:
        click.echo(f"Database:  {info.url}")
        click.echo(f"Engine:    {info.backend}")
        click.echo(f"Revision:  {info.current_revision} (this version: {info.head_revision})")
        click.echo(f"Integrity: {info.integrity}")
    if not info.up_to_date:
        raise DatabaseError(
            f"The database is at revision {info.current_revision or 'none'}; this version needs "
            f"{info.head_revision}. Run 'gearroom db upgrade' (it takes a backup first)."
        )
    if info.integrity != "ok":
        raise DatabaseError(
            f"The integrity check failed ({info.integrity}). Restore a backup with "
            "'gearroom restore PATH'."
        )


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@db_option
def backup_cmd(path: Path | None) -> None:
    """Copy the embedded database consistently (default: into the backups folder beside it).

    An admin's work: a backup holds everything, PIN hashes included."""
    st = state()
    st.actor().require(Permission.SETTINGS, "take backups")
    click.echo(str(backup.take_backup(st.database(), path)))


db.add_command(backup_cmd)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def restore_cmd(path: Path, yes: bool) -> None:
    """Replace the database with a backup (the current one is kept as a backup first)."""
    st = state()
    url = st.url or load_settings().effective_database_url()
    backup.validate_backup(path)
    try:
        st.actor().require(Permission.SETTINGS, "restore backups")
    except DamagedDatabaseError as exc:
        # Only a damaged or empty file (refused by every other command) is restored without an
        # admin's PIN: there is nothing left to protect in it, and whoever can reach the file
        # can replace it anyway. A database that is busy, locked or unreachable is not damaged:
        # its failure ends the command like any other.
        reason = " ".join(str(exc).split())
        click.echo(f"The current database is damaged ({reason}); restoring over it.", err=True)
    if not yes:
        click.confirm(f"Replace the database with {path}?", abort=True, err=True)
    st.close()
    anchors = st.places().history_anchors
    restored, kept = backup.restore(url, path, anchor_file=anchors)
    reopened = open_database(f"sqlite:///{restored}", anchor_file=anchors)  # upgrades an older one
    reopened.dispose()
    click.echo(f"Restored {path}; the database it replaced is kept as {kept}.")


COMMANDS = [init, db, backup_cmd, restore_cmd]
