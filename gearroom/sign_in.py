"""Signing in without waiting for another process's write (beside the database, like
:mod:`gearroom.backup`: it holds a lock file next to the database file and its connections).

:func:`gearroom.services.operators.sign_in` reserves the guess with an ``UPDATE`` before it
compares the PIN, so that however many processes guess at once, no more than
:data:`~gearroom.services.operators.MAX_FAILED_ATTEMPTS` PINs are ever compared. On SQLite an
``UPDATE`` needs the database's one write lock: a command that only reads (``asset show``)
waited, and after 15 s failed, while another process held a long write (a 50,000-row import).

:func:`sign_in_without_waiting` keeps the bound and reads only:

- On SQLite, guesses at one database file are taken one at a time under an advisory file lock
  of their own (``<file>.sign-in.lock``, beside the database; never the database's write lock).
  Inside it the operator's counter is *read* (a plain read never waits in WAL mode), the PIN is
  compared, and only a wrong PIN is written (the counter goes up, waiting for the write lock
  like any write, still inside the file lock, so the next guess sees it). A right PIN writes
  only when the counter has to go back to zero; otherwise its last sign-in time is recorded if
  the write lock is free at that moment, and skipped if not.
- On PostgreSQL the ``UPDATE`` locks one operator row, which no other write holds for long, so
  the reserving sign-in is used as it is.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from gearroom.db import Database
from gearroom.engine import BUSY_TIMEOUT_MS
from gearroom.models import Operator, utcnow
from gearroom.services import operators
from gearroom.services.actor import Actor
from gearroom.services.operators import MAX_FAILED_ATTEMPTS, SignInResult

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".sign-in.lock"


def lock_path(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + LOCK_SUFFIX)


@contextlib.contextmanager
def _guess_lock(path: Path) -> Iterator[bool]:
    """Hold the advisory lock of sign-ins at ``path``; yields False where there can be none
    (no fcntl, a folder one cannot write to): the caller then reserves in the database."""
    if fcntl is None:
        yield False
        return
    try:
        fd = os.open(lock_path(path), os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(fd)  # releases the lock


def _locked_message(name: str) -> str:
    return (
        f"{name} is locked after {MAX_FAILED_ATTEMPTS} wrong PINs; an admin can reset "
        "the PIN ('gearroom operator pin NAME'); a house with no admin left: see "
        "'gearroom operator unlock --help'."
    )


def _record_sign_in_if_free(database: Database, operator_id: int) -> bool:
    """The last sign-in time, written only if the write lock is free now (never waits)."""
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA busy_timeout=0")
        try:
            with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
                conn.execute(
                    update(Operator).where(Operator.id == operator_id).values(last_sign_in=utcnow())
                )
            return True
        except OperationalError:
            return False  # another process is writing: the time is not worth waiting for
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def sign_in_without_waiting(database: Database, name: str, pin: str) -> SignInResult:
    """Check ``name`` and ``pin`` (at most MAX_FAILED_ATTEMPTS wrong guesses are compared);
    a right PIN does not wait for another process's write on SQLite."""
    path = database.path
    if path is None:
        with database.write() as session:
            return operators.sign_in(session, name, pin)
    with _guess_lock(path) as held:
        if not held:
            with database.write() as session:
                return operators.sign_in(session, name, pin)
        with database.read() as session:
            op = operators.operator_by_name(session, name)
            if op is None or not op.active:
                return SignInResult(None, "Wrong name or PIN.")
            op_id, op_name, role = op.id, op.name, op.role
            attempts, stored = op.failed_attempts, op.pin_hash
        if attempts >= MAX_FAILED_ATTEMPTS:
            return SignInResult(None, _locked_message(op_name))
        if not operators.check_pin(pin, stored):
            with database.write() as session:
                session.execute(
                    update(Operator)
                    .where(Operator.id == op_id, Operator.failed_attempts < MAX_FAILED_ATTEMPTS)
                    .values(failed_attempts=Operator.failed_attempts + 1)
                    .execution_options(synchronize_session=False)
                )
            return SignInResult(None, "Wrong name or PIN.")
        if attempts:
            with database.write() as session:  # the counter must go back to zero
                session.execute(
                    update(Operator)
                    .where(Operator.id == op_id)
                    .values(failed_attempts=0, last_sign_in=utcnow())
                    .execution_options(synchronize_session=False)
                )
        else:
            _record_sign_in_if_free(database, op_id)
        return SignInResult(Actor(op_name, role))
