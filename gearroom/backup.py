"""Backups of the embedded database: on demand, rotating daily copies, and restore.

Every copy is taken with the sqlite3 backup API, so it is consistent while the app runs. A
PostgreSQL server is backed up with its own tools (``pg_dump``); see docs/postgresql.md.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from gearroom.config import history_anchor_file
from gearroom.db import (
    PRIVATE_MODE,
    DamagedDatabaseError,
    Database,
    _inspect_sqlite_file,
    backup_dir_for,
    create_private,
    head_revision,
    known_revision,
    partial_name,
    sqlite_backup,
)
from gearroom.engine import sqlite_path
from gearroom.errors import DatabaseError, ValidationError
from gearroom.services import history_anchor

DAILY_LABEL = "daily"
_NAME = re.compile(r"^gearroom-(\d{8})-(\d{6})-\d+-(?P<label>[a-z-]+)\.sqlite3$")
GEARROOM_TABLES = {"assets", "categories", "events", "tags", "alembic_version"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    label: str
    taken_at: datetime
    size: int


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")


def _require_sqlite(database: Database) -> Path:
    path = database.path
    if path is None:
        raise DatabaseError(
            "Gearroom backs up its embedded SQLite database; back up a PostgreSQL server with "
            "pg_dump (see docs/postgresql.md)."
        )
    return path


def list_backups(database: Database) -> list[BackupInfo]:
    """The backups beside the database, newest first."""
    folder = backup_dir_for(_require_sqlite(database))
    found = []
    for item in folder.glob("gearroom-*.sqlite3") if folder.is_dir() else []:
        match = _NAME.match(item.name)
        if not match:
            continue
        # ISO 8601's basic format (strptime would cost every start ~40 ms of locale set-up)
        taken = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
        found.append(
            BackupInfo(item, match.group("label"), taken.replace(tzinfo=UTC), item.stat().st_size)
        )
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def take_backup(database: Database, target: Path | None = None, *, label: str = "manual") -> Path:
    """A consistent copy of the live database (default: into the backups folder)."""
    path = _require_sqlite(database)
    if target is None:
        target = backup_dir_for(path) / f"gearroom-{_stamp()}-{label}.sqlite3"
    target = target.expanduser()
    if target.exists():
        raise ValidationError(f"{target} exists already; choose another file name.")
    if target.resolve() == path.resolve():
        raise ValidationError("A backup cannot overwrite the database itself.")
    return sqlite_backup(path, target)


def is_good_backup(path: Path) -> bool:
    """Whether ``path`` is a complete SQLite file that passes quick_check (read, never written)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        return str(conn.execute("PRAGMA quick_check(1)").fetchone()[0]) == "ok"
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def daily_backup(database: Database, keep: int, *, today: date | None = None) -> Path | None:
    """Take today's backup if there is none yet, and keep only the newest ``keep`` good daily ones.

    Only backups that pass quick_check count: a damaged copy never pushes a good one out (the
    damaged ones are left where they are, for whoever investigates).
    """
    if keep < 1:
        raise ValidationError("Keep at least one daily backup.")
    day = today or datetime.now(UTC).date()
    dailies = [b for b in list_backups(database) if b.label == DAILY_LABEL]
    made = None
    if not any(b.taken_at.date() == day and is_good_backup(b.path) for b in dailies):
        made = take_backup(database, label=DAILY_LABEL)
        dailies = [b for b in list_backups(database) if b.label == DAILY_LABEL]
    good = [b for b in dailies if is_good_backup(b.path)]
    for old in good[keep:]:
        old.path.unlink(missing_ok=True)
        history_anchor.manifest_path(old.path).unlink(missing_ok=True)
    return made


def validate_backup(source: Path) -> str | None:
    """Check that ``source`` is a Gearroom database this version can open; returns its revision."""
    if not source.is_file():
        raise ValidationError(f"{source} is not a file.")
    revision, _ = _inspect_sqlite_file(source, full_check=True)
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    missing = GEARROOM_TABLES - tables
    if missing:
        raise DatabaseError(
            f"{source} is not a Gearroom database (missing {', '.join(sorted(missing))})."
        )
    if revision is None or not known_revision(revision):
        raise DatabaseError(
            f"{source} comes from a newer or unknown Gearroom (revision {revision}); this version "
            f"knows up to {head_revision()}."
        )
    return revision


def restore(url: str, source: Path, *, anchor_file: Path | None = None) -> tuple[Path, Path]:
    """Replace the database at ``url`` with the backup ``source``.

    The backup is validated first (a Gearroom database, integrity check passes, a revision this
    version knows); the current database is kept as a backup before it is replaced. Returns
    (the restored database path, the backup of what it replaced). Close every connection to the
    database first. This workstation's history anchor (in ``anchor_file``, default: the data
    folder's) follows the restored chain.
    """
    target = sqlite_path(url)
    if target is None:
        raise DatabaseError(
            "Restore works on the embedded SQLite database; use pg_restore on a server."
        )
    source = source.expanduser()
    validate_backup(source)
    if source.resolve() == target.resolve():
        raise ValidationError("That is the database itself, not a backup of it.")
    kept = backup_dir_for(target) / f"gearroom-{_stamp()}-before-restore.sqlite3"
    damaged = False
    if target.exists():
        try:
            if target.stat().st_size == 0:
                raise DamagedDatabaseError(f"{target} is empty.")
            sqlite_backup(target, kept)
        except DamagedDatabaseError:
            # Kept byte for byte (for whoever investigates); never counted as a good backup.
            damaged = True
            kept = kept.with_name(kept.name.replace("-before-restore", "-damaged-before-restore"))
            kept.parent.mkdir(parents=True, exist_ok=True)
            create_private(kept)
            shutil.copyfile(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    if damaged or not target.exists():
        # Nothing worth keeping in place: the copy is completed under another name, then
        # renamed over the damaged file (with its stale -wal and -shm).
        partial = partial_name(target)
        partial.unlink(missing_ok=True)
        create_private(partial)
        try:
            _copy_with_backup_api(source, partial)
            for side in ("-wal", "-shm"):
                target.with_name(target.name + side).unlink(missing_ok=True)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    else:
        _copy_with_backup_api(source, target)
    target.chmod(PRIVATE_MODE)
    # The restored chain is the house's history now: this workstation's anchor follows it.
    conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    end = (int(row[0]), str(row[1])) if row else (0, "0" * 64)
    history_anchor.remember(anchor_file or history_anchor_file(), url, end[0], end[1], replace=True)
    history_anchor.mark_restore(backup_dir_for(target))
    return target, kept


def _copy_with_backup_api(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=15)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
