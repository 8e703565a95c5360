"""What went wrong, in one line: failures of the database or the file system as GearroomErrors.

The command line's one error path (and anything else that must not show a traceback) asks
:func:`describe_failure` for the message; every message says that nothing of the operation was
saved, because the transaction did not commit.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError as _SAError

from gearroom.db import _redacted
from gearroom.engine import BUSY_TIMEOUT_MS, TransactionLost, sqlite_path
from gearroom.errors import DatabaseError, GearroomError, ValidationError


def _writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` and create its -wal/-shm files beside it."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return True
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


#: PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` is a deadlock or serialization failure (run the transaction again)."""
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", "") or "") in RETRYABLE_SQLSTATES


def describe_failure(exc: BaseException, url: str | None = None) -> GearroomError | None:
    """The one-line, actionable error for a failure of the database or the file system.

    Returns None for an exception that is not such a failure (a bug: the caller decides). Every
    message says that nothing of the operation was saved: the transaction did not commit.
    """
    from gearroom.services import changes  # late: services import this module's users

    nothing = "nothing of this operation was saved"
    where = _redacted(url) if url else "the database"
    if isinstance(exc, GearroomError):
        return exc
    if isinstance(exc, _SAError) and not isinstance(exc, DBAPIError | TransactionLost):
        # A secondary error (a session unusable after the real failure): name the first cause.
        cause: BaseException | None = exc.__cause__ or exc.__context__
        while cause is not None:
            if isinstance(cause, DBAPIError | TransactionLost):
                return describe_failure(cause, url)
            cause = cause.__cause__ or cause.__context__
    if isinstance(exc, TransactionLost):
        return DatabaseError(
            f"The database stopped the operation after a write error (probably a full disk); "
            f"{nothing}. Free some space and try again."
        )
    if isinstance(exc, DBAPIError):
        path = sqlite_path(url) if url else None
        if path is not None and path.exists() and not _writable(path):
            return DatabaseError(
                f"{path} is read-only (the file, its folder or its drive); {nothing}. Check the "
                "permissions: SQLite also writes -wal and -shm files beside it."
            )
        if changes.is_connection_lost(exc):
            return changes.connection_lost(exc, url or "sqlite://")
        text = str(exc.orig or exc).strip()
        first = next((line.strip() for line in text.splitlines() if line.strip()), "error")
        low = first.lower()
        if "disk is full" in low or "no space left" in low or "disk full" in low:
            return DatabaseError(
                f"The disk holding {where} is full; {nothing}. Free some space and try again."
            )
        if "readonly database" in low or "read-only" in low:
            return DatabaseError(
                f"{where} is read-only; {nothing}. Check the file's permissions (and the folder's: "
                "SQLite writes a journal beside it)."
            )
        if "database is locked" in low or "database table is locked" in low:
            return DatabaseError(
                f"{where} is busy: another program has held a write lock for more than "
                f"{BUSY_TIMEOUT_MS // 1000} s; {nothing}. Try again when it has finished."
            )
        if is_retryable(exc):
            return DatabaseError(
                f"The operation clashed with another workstation's change; {nothing}. Try again."
            )
        if "malformed" in low or "not a database" in low or "corrupt" in low:
            return DatabaseError(
                f"{where} is damaged ({first}); {nothing}. Restore a backup with "
                "'gearroom restore PATH'."
            )
        if "out of range" in low or "too large" in low or "overflow" in low:
            return ValidationError(f"A number is too large for the database; {nothing}.")
        return DatabaseError(f"The database refused the operation ({first[:200]}); {nothing}.")
    if isinstance(exc, _SAError):
        return DatabaseError(f"The database failed ({str(exc).splitlines()[0][:200]}); {nothing}.")
    if isinstance(exc, OverflowError):
        return ValidationError(f"A number is too large (at most {2**63 - 1}); {nothing}.")
    if isinstance(exc, OSError):
        name = f" {exc.filename}" if exc.filename else ""
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            return DatabaseError(f"The disk is full (writing{name}); {nothing}. Free some space.")
        return DatabaseError(f"Cannot use{name}: {reason}; {nothing}.")
    if isinstance(exc, UnicodeError):
        return ValidationError(
            f"Text that is not valid UTF-8 or cannot be stored ({exc}); {nothing}."
        )
    return None
