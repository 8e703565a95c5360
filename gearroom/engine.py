"""The engine Gearroom opens a database with: SQLite's pragmas, its explicit ``BEGIN`` and the
guard against a transaction SQLite ended by itself; a connect timeout for PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError as _SAError
from sqlalchemy.pool import StaticPool

from gearroom.wal import AUTOCHECKPOINT_PAGES, CHECKPOINT_BYTES

BUSY_TIMEOUT_MS = 15_000


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database).expanduser()


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (DEFERRED or IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: each commit is on the disk when it returns (NORMAL would lose the last
        # commits at a power cut; see docs/benchmarks.md for what it would save).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA journal_size_limit={CHECKPOINT_BYTES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _autocommit(conn: Connection) -> bool:
    """Whether ``conn`` runs each statement on its own (the quick reader's connection)."""
    return conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def _on_sqlite_begin(conn: Connection) -> None:
    if not _autocommit(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class TransactionLost(_SAError):
    """SQLite ended the transaction on its own (disk full, I/O error): nothing of it was kept."""


def _guard_sqlite_transaction(
    conn: Connection,
    _cursor: object,
    statement: str,
    _parameters: object,
    _context: object,
    _executemany: bool,
) -> None:
    """Refuse any statement that would run outside the transaction the caller believes open.

    After some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) SQLite rolls the whole transaction
    back by itself. The connection runs in autocommit mode (BEGIN is emitted explicitly), so a
    statement sent after that would commit on its own: half an operation kept. Here every
    statement inside a transaction checks that SQLite still has one open.
    """
    if not conn.in_transaction() or statement.lstrip()[:5].upper() == "BEGIN" or _autocommit(conn):
        return
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, sqlite3.Connection) and not dbapi.in_transaction:
        raise TransactionLost(
            "the database ended the transaction after an error; nothing of it was saved"
        )


def create_gearroom_engine(url: str) -> Engine:
    """An engine with Gearroom's settings for its backend (pragmas and BEGIN for SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
        if sqlite_path(url) is None:
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        event.listen(engine, "before_cursor_execute", _guard_sqlite_transaction)
        return engine
    # A server that stops answering must not freeze the app for the system's TCP timeout.
    connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
