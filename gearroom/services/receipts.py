"""The return receipt after a check-in: what came back, in what condition, what is still out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gearroom.models import ReturnCondition, utcnow
from gearroom.services.returns import CheckinResult


@dataclass(frozen=True)
class ReturnedLine:
    tag: str
    name: str
    quantity: int
    condition: ReturnCondition
    ticket_id: int | None


@dataclass(frozen=True)
class StillOutLine:
    tag: str
    name: str
    quantity: int
    production: str
    custodian: str
    due_back: date
    missing: bool
    overdue: bool


@dataclass(frozen=True)
class ReturnReceipt:
    at: datetime
    operator: str
    productions: tuple[str, ...]
    custodians: tuple[str, ...]
    returned: tuple[ReturnedLine, ...]
    still_out: tuple[StillOutLine, ...]


def return_receipt(
    result: CheckinResult, operator: str, at: datetime | None = None
) -> ReturnReceipt:
    """The receipt of one check-in (built from what :func:`returns.checkin` answered)."""
    return ReturnReceipt(
        at or utcnow(),
        operator,
        tuple(sorted({i.production for i in result.items})),
        tuple(sorted({i.custodian for i in result.items})),
        tuple(
            ReturnedLine(i.tag, i.name, i.quantity, i.condition, i.ticket_id)
            for i in sorted(result.items, key=lambda i: i.tag)
        ),
        tuple(
            StillOutLine(
                ln.tag,
                ln.name,
                ln.quantity,
                ln.production,
                ln.custodian,
                ln.due_back,
                ln.missing,
                ln.overdue,
            )
            for ln in sorted(result.still_out, key=lambda x: (x.production, x.tag))
        ),
    )
