"""Errors a user can cause. Each carries a message a person can act on.

The UI shows ``str(error)``; the CLI prints it on one line and exits non-zero.
"""

from __future__ import annotations


class GearroomError(Exception):
    """Base of every error a user can cause (bad input, refused operation)."""

    exit_code = 1


class NotFoundError(GearroomError):
    """A tag, name or id that names nothing."""

    exit_code = 3


class ValidationError(GearroomError):
    """Input that breaks a rule; ``field`` names the offending field when there is one."""

    exit_code = 2

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(GearroomError):
    """The operation clashes with the current state (duplicate tag, item already out…)."""

    exit_code = 4


class DatabaseError(GearroomError):
    """The database cannot be opened or used as it is (corrupt, newer version, unreachable)."""

    exit_code = 5


class ConnectionLost(DatabaseError):
    """The database server (or the drive holding the database file) stopped answering.

    The transaction of the operation that failed did not commit (the server rolls back what
    a lost connection had begun), so the operation can be tried again once the connection
    is back.
    """
