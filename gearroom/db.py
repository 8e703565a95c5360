"""Engine and sessions, SQLite pragmas, migrate-on-open and backups.

``open_database(url)`` is the one door to a database: it checks that an existing SQLite file is
a Gearroom database this version understands (without writing to it), takes a backup with the
sqlite3 backup API when a migration is due, runs Alembic ``upgrade head`` in code and returns a
:class:`Database` that hands out one short session per operation.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError as _SAError
from sqlalchemy.orm import Session, sessionmaker

from gearroom import integrity_stamp, revisions
from gearroom.config import default_database_url, history_anchor_file
from gearroom.engine import create_gearroom_engine, sqlite_path
from gearroom.errors import DatabaseError
from gearroom.paths import migrations_dir
from gearroom.quick_read import QuickReader
from gearroom.wal import WalCheckpointer

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations (no alembic.ini needed)."""
    from alembic.config import Config  # Alembic is imported only when it has work to do

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest migration this version of Gearroom knows."""
    chain = revisions.read_chain(migrations_dir())
    if chain is not None:
        return chain.head
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this version's migrations."""
    chain = revisions.read_chain(migrations_dir())
    if chain is not None:
        return revision in chain.revisions
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


@dataclass(frozen=True)
class DatabaseState:
    """What ``gearroom db check`` reports."""

    url: str
    backend: str
    current_revision: str | None
    head_revision: str
    integrity: str

    @property
    def up_to_date(self) -> bool:
        return self.current_revision == self.head_revision


class DamagedDatabaseError(DatabaseError):
    """The file is damaged, empty or not a database at all: only a restore can help."""


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a SQLite file for reading without writing anything, not even -wal/-shm files.

    A file with no -wal beside it is complete on its own: it is opened ``immutable`` so that
    SQLite creates no side files (a refused database is left exactly as it was). When a -wal
    file exists (the database is in use, or was not closed cleanly) it holds committed data, so
    the file is opened read-only through the normal locking protocol to read it.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)


def _inspect_sqlite_file(path: Path, *, full_check: bool | None) -> tuple[str | None, str]:
    """Read an existing SQLite file without changing it: (alembic revision, integrity result).

    ``full_check`` runs SQLite's integrity_check, False its quick_check, and None (opening for
    everyday use: a check must not read the whole file at every start) only reads the schema
    and checks that the file is as long as its header says.
    """
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise DamagedDatabaseError(f"Cannot open {path}: {exc}.") from exc
    try:
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if full_check is None:
                pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
                page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
                wal = path.with_name(path.name + "-wal")
                short = not wal.exists() and path.stat().st_size < pages * page_size
                integrity = "file is shorter than its pages (truncated)" if short else "ok"
            else:
                pragma = "integrity_check" if full_check else "quick_check"
                integrity = " ".join(str(conn.execute(f"PRAGMA {pragma}(1)").fetchone()[0]).split())
        except sqlite3.DatabaseError as exc:
            raise DamagedDatabaseError(
                f"{path} is not a Gearroom database or is damaged ({exc}). "
                "Restore a backup or point Gearroom at another file with --db."
            ) from exc
        if integrity != "ok":
            raise DamagedDatabaseError(
                f"{path} is damaged (integrity check: {integrity}); nothing was written to it. "
                f"Restore a good backup (in {backup_dir_for(path)}) with 'gearroom restore PATH'."
            )
        if not tables:
            return None, integrity
        if "alembic_version" not in tables:
            raise DatabaseError(
                f"{path} is an SQLite database but not a Gearroom one (no version table). "
                "Point Gearroom at another file with --db."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return (str(row[0]) if row else None), integrity
    finally:
        conn.close()


def current_revision(conn: Connection) -> str | None:
    """The revision a database is at (None: no version table, or an empty one)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def _refuse_unknown(revision: str | None, where: str) -> None:
    if revision is not None and not known_revision(revision):
        raise DatabaseError(
            f"{where} was written by a newer Gearroom (database revision {revision}; this version "
            f"knows up to {head_revision()}). Install the newer Gearroom to open it; the database "
            "was left untouched."
        )


#: Files are created readable and writable by their owner only: they hold PIN hashes.
PRIVATE_MODE = 0o600


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (owner only); refuses an existing file."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    os.close(fd)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tail_of(conn: sqlite3.Connection) -> tuple[tuple[int, str] | None, str | None]:
    """The newest event (id, hash) and the revision of a Gearroom database, if it is one."""
    try:
        row = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None, None
    tail = (int(row[0]), str(row[1])) if row else (0, "0" * 64)
    return tail, (str(rev[0]) if rev else None)


def partial_name(target: Path) -> Path:
    """Where a copy is written before it is complete: hidden, never named like a backup."""
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def sqlite_backup(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently with the sqlite3 backup API.

    The source must pass SQLite's quick_check (a damaged database is not copied over a good
    backup). The copy is written to a hidden temporary name with mode 0600, checked again,
    flushed to the disk and only then renamed to ``target``: a copy that was interrupted (killed,
    disk full) never carries the name of a backup.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise DatabaseError(f"{target} exists already; choose another file name.")
    partial = partial_name(target)
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read {source}: {exc}; no backup was taken.") from exc
    try:
        try:
            verdict = " ".join(str(src.execute("PRAGMA quick_check(1)").fetchone()[0]).split())
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
        if verdict != "ok":
            raise DamagedDatabaseError(
                f"{source} is damaged ({verdict}); no backup was taken and the existing backups "
                "were kept. Restore the newest good one with 'gearroom restore PATH'."
            )
        create_private(partial)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                copied = str(dst.execute("PRAGMA quick_check(1)").fetchone()[0])
                tail, revision = _tail_of(dst)
            finally:
                dst.close()
            if copied != "ok":
                raise DatabaseError(f"The copy of {source} did not check out ({copied}).")
            _fsync(partial)
            try:  # a link fails instead of replacing a file that appeared meanwhile
                os.link(partial, target)
                partial.unlink()
            except FileExistsError:
                raise DatabaseError(f"{target} exists already; choose another file name.") from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise DatabaseError(f"{target} exists already; choose another name.") from None
                os.replace(partial, target)
            _fsync(target.parent)
            if tail is not None:
                from gearroom.services import history_anchor

                history_anchor.write_manifest(target, tail[0], tail[1], revision)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    finally:
        src.close()
    return target


def backup_dir_for(path: Path) -> Path:
    """Where the backups of a SQLite database file go."""
    return path.parent / "backups"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


# Serialises schema changes of one PostgreSQL database across workstations that start together
# (a transaction-scoped advisory lock; the number is Gearroom's own).
PG_MIGRATION_LOCK = 0x4745_4152_524F_4F4D & 0x7FFF_FFFF_FFFF_FFFF


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction; on failure nothing changes."""
    _migrate(engine, revision, down=False)


def downgrade_schema(engine: Engine, revision: str) -> None:
    """Downgrade the schema to ``revision`` (``"base"``: empty) in one transaction."""
    _migrate(engine, revision, down=True)


def _migrate(engine: Engine, revision: str, *, down: bool) -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Batch migrations copy tables; foreign keys are checked once at the end instead.
            # (The pragma is a no-op inside a transaction, so it is set before BEGIN.)
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
                cfg.attributes["connection"] = conn
                try:
                    if down:
                        command.downgrade(cfg, revision)
                    else:
                        command.upgrade(cfg, revision)
                except (_SAError, CommandError) as exc:
                    detail = getattr(exc, "orig", None) or exc
                    raise DatabaseError(
                        f"The database could not be {'downgraded' if down else 'upgraded'} "
                        f"to revision {revision} ({detail}); the change was rolled back and "
                        "the database is as it was."
                    ) from exc
                if sqlite:
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        raise DatabaseError(
                            f"The upgrade would break {len(bad)} reference(s) (first: {bad[0]}); "
                            "it was rolled back and the database is unchanged."
                        )
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


class Database:
    """An open Gearroom database. Hands out one short session per operation.

    ``anchor_file`` is this workstation's history anchor file (default: the one in the data
    folder, :func:`gearroom.config.history_anchor_file`); its sessions carry it in
    ``Session.info`` so that :func:`gearroom.services.history.verify_chain` finds it.
    """

    def __init__(self, url: str, engine: Engine, anchor_file: Path | None = None) -> None:
        from gearroom.services.history_anchor import ANCHOR_FILE_KEY

        self.url = url
        self.engine = engine
        self.anchor_file = anchor_file or history_anchor_file()
        info = {ANCHOR_FILE_KEY: self.anchor_file}
        #: Reads at the scanner on a connection of their own (see gearroom.quick_read).
        self.quick = QuickReader(engine, info)
        self._read = sessionmaker(bind=engine, expire_on_commit=False, info=info)
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write = sessionmaker(bind=writer, expire_on_commit=False, info=info)
        path = self.path
        self.checkpointer = WalCheckpointer(path) if path is not None else None

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def path(self) -> Path | None:
        """The SQLite file, if this is an embedded database."""
        return sqlite_path(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    def quick_read(self, fn: Callable[[Session], T]) -> T:
        """``fn`` with a read session at the scanner's speed: no transaction, no pool, each
        statement its own snapshot (:class:`gearroom.quick_read.QuickReader`)."""
        return self.quick.run(fn)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits as one transaction (BEGIN IMMEDIATE on SQLite).

        After a commit that added history events, this workstation's anchor file records the
        new end of the chain.
        """
        from gearroom.services import history, history_anchor

        with self._write() as session:
            with session.begin():
                yield session
            if self.checkpointer is not None:
                self.checkpointer.after_write()
            if session.info.pop(history.EVENTS_ADDED_KEY, False):
                with self.read() as reader:
                    end = history_anchor.current_anchor(reader)
                history_anchor.remember(self.anchor_file, self.url, end.event_id, end.hash)

    def backup(self, target: Path | None = None, *, label: str = "manual") -> Path:
        """Copy the embedded database to ``target`` (default: the backups folder)."""
        path = self.path
        if path is None:
            raise DatabaseError(
                "Backups from Gearroom are for the embedded SQLite database; back up a "
                "PostgreSQL server with pg_dump."
            )
        if target is None:
            target = backup_dir_for(path) / f"gearroom-{_timestamp()}-{label}.sqlite3"
        return sqlite_backup(path, target)

    def state(self, *, full_check: bool = False) -> DatabaseState:
        """Revision and integrity, for ``gearroom db check``."""
        with self.engine.connect() as conn:
            current = current_revision(conn)
            if self.backend == "sqlite":
                pragma = "integrity_check" if full_check else "quick_check"
                integrity = str(conn.exec_driver_sql(f"PRAGMA {pragma}(1)").scalar())
            else:
                conn.exec_driver_sql("SELECT 1")
                integrity = "ok"
        return DatabaseState(_redacted(self.url), self.backend, current, head_revision(), integrity)

    def dispose(self) -> None:
        self.quick.close()
        self.engine.dispose()
        path = self.path
        if path is not None and path.exists() and not path.with_name(f"{path.name}-wal").exists():
            # Closed cleanly and last: what is in the file now is what SQLite wrote.
            integrity_stamp.remember_intact(path)


def open_database(
    url: str | None = None, *, upgrade: bool = True, anchor_file: Path | None = None
) -> Database:
    """Open (and by default create or upgrade) the database at ``url``; ``anchor_file`` is
    this workstation's history anchor file (default: the data folder's).

    Refuses, without changing anything, a file that is not a Gearroom database, is damaged, or
    comes from a newer Gearroom. Before upgrading an existing SQLite file, a backup is taken.
    """
    url = url or default_database_url()
    anchor_file = anchor_file or history_anchor_file()
    path = sqlite_path(url)
    needs_backup = False
    current: str | None = None
    created: Path | None = None
    if path is not None:
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder; give the path of a database file.")
        if path.exists() and path.stat().st_size == 0:
            raise DamagedDatabaseError(
                f"{path} is empty (0 bytes): it is not a Gearroom database, and Gearroom does not "
                "take it for a new one. Restore a backup with 'gearroom restore PATH', or delete "
                "the empty file to start a new database."
            )
        if path.exists():
            # SQLite's quick_check (every page's structure, no index cross-check) before any
            # write: a damaged file is refused, never written to. A file exactly as this
            # workstation last saw it intact gets the cheap check (see integrity_stamp).
            if integrity_stamp.known_intact(path):
                current, _ = _inspect_sqlite_file(path, full_check=None)
            else:
                current, _ = _inspect_sqlite_file(path, full_check=False)
                integrity_stamp.remember_intact(path)
            _refuse_unknown(current, str(path))
            needs_backup = upgrade and current is not None and current != head_revision()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if upgrade:
                try:
                    create_private(path)
                    created = path
                    from gearroom.services import history_anchor

                    # a new database: an old one's anchor is moot
                    history_anchor.forget(anchor_file, url)
                except FileExistsError:  # another process is creating it at the same moment
                    pass
    try:
        engine = create_gearroom_engine(url)
    except (_SAError, ValueError, ImportError) as exc:
        raise DatabaseError(f"Cannot use the database URL {_redacted(url)}: {exc}") from exc
    try:
        if path is None:
            with engine.connect() as conn:
                current = current_revision(conn)
                others = inspect(conn).get_table_names() if current is None else []
            _refuse_unknown(current, _redacted(url))
            if upgrade and others:
                raise DatabaseError(
                    f"The database {_redacted(url)} holds other tables ({', '.join(others[:3])}"
                    f"{'…' if len(others) > 3 else ''}) but no Gearroom version table; give "
                    "Gearroom a database of its own (an empty one is set up on first start)."
                )
        if upgrade and current != head_revision():
            # Only a due migration takes the write lock: opening an up-to-date database for
            # reading never waits for (or blocks) another workstation's long write.
            if needs_backup and path is not None:
                sqlite_backup(
                    path, backup_dir_for(path) / f"gearroom-{_timestamp()}-pre-upgrade.sqlite3"
                )
            upgrade_schema(engine)
    except BaseException as exc:
        engine.dispose()
        if created is not None and created.exists() and created.stat().st_size == 0:
            created.unlink()  # a new file that never became a database is not left behind
        if isinstance(exc, OperationalError):
            raise DatabaseError(f"Cannot reach the database {_redacted(url)}: {exc.orig}") from exc
        raise
    return Database(url, engine, anchor_file)


def table_names(db: Database) -> set[str]:
    """The tables in the database (for checks and tests)."""
    return set(inspect(db.engine).get_table_names())
