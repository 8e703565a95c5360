"""Who is acting, and what their role lets them do.

Permissions are checked in the services, so the CLI and the UI obey the same rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gearroom.errors import GearroomError
from gearroom.models.operators import Role


class Permission(enum.StrEnum):
    VIEW = "view"
    CATALOG = "catalog"  # add, edit, retire items, kits, categories, locations
    PEOPLE = "people"
    RESERVE = "reserve"
    CHECKOUT = "checkout"
    CHECKIN = "checkin"
    SERVICE = "service"
    LABELS = "labels"
    REPORTS = "reports"
    SETTINGS = "settings"
    OPERATORS = "operators"
    PRICES = "prices"  # see prices; quote, invoice, take payments, keep clients
    RATES = "rates"  # change rate cards and the house's pricing rules


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.STAFF: frozenset(
        {
            Permission.VIEW,
            Permission.PEOPLE,
            Permission.RESERVE,
            Permission.CHECKOUT,
            Permission.CHECKIN,
            Permission.SERVICE,
            Permission.LABELS,
            Permission.REPORTS,
            Permission.PRICES,
        }
    ),
    Role.ASSISTANT: frozenset({Permission.VIEW, Permission.CHECKOUT, Permission.CHECKIN}),
}


class PermissionDenied(GearroomError):
    """The signed-in operator's role does not allow the operation."""

    exit_code = 6


@dataclass(frozen=True)
class Actor:
    """The operator on whose behalf a service runs; recorded on every history event."""

    name: str
    role: Role = Role.ADMIN

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission, doing: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"{self.name} ({self.role.value}) may not {doing}; ask an operator with the "
                "right role."
            )


def local_actor(name: str) -> Actor:
    """The workstation's user (``name``: the configured operator), before operators sign in."""
    return Actor(name, Role.ADMIN)
