"""Reads at the scanner: one connection held open in autocommit mode, one round trip a statement.

A read through :meth:`gearroom.db.Database.read` costs a pool checkout (on PostgreSQL a
pre-ping: one round trip), ``BEGIN``, the statements, and ``ROLLBACK``. A scan is one statement
when the item is free, three when it is not: on a LAN at 1 ms each way, those extra trips are
most of the time a person waits. :class:`QuickReader` holds one connection of the engine's, in
autocommit mode: no pre-ping, no ``BEGIN``, no ``ROLLBACK``, nothing but the statements. Each
statement sees one consistent snapshot of its own (SQLite's autocommit mode, PostgreSQL's
READ COMMITTED, where a transaction's statements do not share a snapshot either), so this is for
reads whose statements need not agree with each other: a scan's verdict, which the check-out
checks again when it commits.

:meth:`QuickReader.run` runs a function with a session on that connection (reads only: a flush
is refused), taking turns with other threads. A connection the server dropped (a restarted
server, an idle timeout) is opened again and the function run once more; a second failure is
raised as SQLAlchemy's own :class:`~sqlalchemy.exc.DBAPIError`, which the app turns into its
usual message.

The scan's one statement goes further: :class:`Query` is a Core ``select`` compiled once per
dialect and :func:`quick_first` sends it on the DBAPI cursor, with the statement's own types
converting the parameters and the row as a Core execute would. Measured on the full house
(docs/benchmarks.md): 17 µs on the cursor, 66 µs through ``exec_driver_sql``, 131 µs through a
Core ``execute`` on an open connection.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

#: ``Session.info`` key under which a quick session carries its :class:`QuickReader`.
QUICK_READER_KEY = "gearroom.quick_reader"

_Processor = Callable[[Any], Any] | None
T = TypeVar("T")


@dataclass(frozen=True)
class Compiled:
    """A :class:`Query` compiled for one dialect."""

    sql: str
    #: Parameter names in the order of the SQL's placeholders (positional paramstyles), or
    #: None for the named and pyformat styles, which take a mapping.
    positions: tuple[str, ...] | None
    #: Every parameter with the value the statement gives it (LIMIT 1, a literal), else None.
    defaults: Mapping[str, Any]
    binds: Mapping[str, _Processor]
    results: tuple[_Processor, ...]

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        """``values`` (by name) as the DBAPI takes them, converted by their types."""
        merged = {**self.defaults, **values}
        for name, convert in self.binds.items():
            if convert is not None:
                merged[name] = convert(merged[name])
        if self.positions is None:
            return merged
        return tuple(merged[name] for name in self.positions)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """A DBAPI row as a Core execute would give it (enums, dates, booleans)."""
        return tuple(
            value if convert is None else convert(value)
            for value, convert in zip(raw, self.results, strict=True)
        )


@dataclass
class Query:
    """A Core ``select`` with named bind parameters, compiled once for each dialect it runs on.

    Expanding (``IN``) parameters are not supported: give each list item a parameter.
    """

    statement: Select[Any]
    _compiled: dict[str, Compiled] = field(default_factory=dict, repr=False)

    def compiled(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = compile_query(self.statement, dialect)
        return found


def compile_query(statement: Select[Any], dialect: Dialect) -> Compiled:
    """``statement`` compiled for ``dialect``, with its types' converters for each parameter
    and each column of the row."""
    compiled = statement.compile(dialect=dialect)
    binds = {
        compiled.bind_names[bind]: bind.type.dialect_impl(dialect).bind_processor(dialect)
        for bind in compiled.binds.values()
    }
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    positions = tuple(compiled.positiontup or ()) if dialect.positional else None
    return Compiled(compiled.string, positions, compiled.params, binds, results)


def first(connection: Any, dialect: Dialect, query: Query, values: Mapping[str, Any]) -> Any:
    """The first row of ``query`` on a DBAPI ``connection`` (None when there is none)."""
    compiled = query.compiled(dialect)
    cursor = connection.cursor()
    try:
        cursor.execute(compiled.sql, compiled.parameters(values))
        raw = cursor.fetchone()
    finally:
        cursor.close()
    return None if raw is None else compiled.row(raw)


class QuickReader:
    """One autocommit connection of ``engine``'s, opened on first use, for reads at the scanner.

    ``info`` is given to each session (the database's history anchor file). Thread-safe:
    functions take turns on the connection (a scan takes well under a millisecond on the
    embedded database, a few round trips on a server).
    """

    def __init__(self, engine: Engine, info: Mapping[str, object] | None = None) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.info = dict(info or {})
        #: Statements sent on the DBAPI cursor by :meth:`first` (SQLAlchemy's events do not
        #: see them; benchmarks count them beside the engine's).
        self.statements = 0
        self._lock = threading.Lock()
        self._connection: Connection | None = None

    def run(self, fn: Callable[[Session], T]) -> T:
        """``fn`` with a read-only session on the held connection; once more on a new
        connection when the server had dropped the old one."""
        with self._lock:
            for attempt in (1, 2):
                connection = self._connection
                if connection is None or connection.invalidated or connection.closed:
                    connection = self._open()
                session = _ReadSession(
                    bind=connection,
                    autoflush=False,
                    expire_on_commit=False,
                    info={**self.info, QUICK_READER_KEY: self},
                )
                try:
                    return fn(session)
                except DBAPIError as exc:
                    if not exc.connection_invalidated or attempt == 2:
                        raise
                    self._discard()
                finally:
                    session.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def first(self, query: Query, values: Mapping[str, Any]) -> Any:
        """``query``'s first row on the held connection, from inside :meth:`run`."""
        connection = self._connection
        assert connection is not None and self._lock.locked(), "only inside QuickReader.run"
        dialect = connection.dialect
        dbapi = connection.connection.dbapi_connection
        self.statements += 1
        try:
            return first(dbapi, dialect, query, values)
        except dialect.loaded_dbapi.Error as exc:
            lost = dialect.is_disconnect(exc, dbapi, None)
            if lost:
                connection.invalidate(exc)
            raise DBAPIError.instance(
                query.compiled(dialect).sql,
                dict(values),
                exc,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._discard()

    def _open(self) -> Connection:
        self._discard()
        self._connection = self.engine.connect()
        # Never handed back to the pool: it stays in autocommit mode, so it is closed instead.
        self._connection.connection.detach()
        return self._connection

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a connection already gone closes as it can
                connection.close()


class _ReadSession(Session):
    """A session that refuses to write: on an autocommit connection, a flush would commit."""

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        if self.new or self.dirty or self.deleted:
            raise RuntimeError("a quick read does not write: use Database.write()")


def quick_first(session: Session, query: Query, values: Mapping[str, Any]) -> Any:
    """The first row of ``query`` (None when there is none): at the start of a quick session
    as one statement on the DBAPI cursor (:meth:`QuickReader.first`), otherwise through Core
    on the session's connection (inside its transaction, if it has one)."""
    reader = session.info.get(QUICK_READER_KEY)
    if isinstance(reader, QuickReader) and not session.in_transaction():
        return reader.first(query, values)
    row = session.connection().execute(query.statement, dict(values)).first()
    return None if row is None else tuple(row)
