"""Reservations and the availability engine.

Rules:

* Windows are whole days, both ends included. An item reserved or out on a day is busy that day.
* The turnaround buffer (a shared setting, default 1 day) adds that many free days after each
  busy window for checking and cleaning before another production may have the item: with a
  buffer of 0, gear back on the 10th can go out on the 11th; with a buffer of 1, on the 12th.
  Windows that share a day always clash.
* An item that is out is busy until its due-back day, or until today when it is overdue.
* An open service ticket (or an item put in service by hand) makes an asset unavailable until the
  ticket is closed; lost and retired assets are unavailable on every day.
* Assets stay ``available`` while they are only reserved for future dates: availability is worked
  out from the reservations by date, so the ``reserved`` status is not used.
* Stock is counted per day: owned minus what other productions reserved or have out that day
  (a production's use on a day is the larger of its reservation and what it has out).

Every query here works on batches of ids (a handful of statements for a whole camera package),
never one statement per item.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import (
    AssetStatus,
    Checkout,
    CheckoutLine,
    Reservation,
    ReturnCondition,
    Setting,
    StockItem,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability_queries import AssetFlags, details, flags_statement
from gearroom.services.validation import parse_int

TURNAROUND_KEY = "turnaround_days"
DEFAULT_TURNAROUND_DAYS = 1
MAX_TURNAROUND_DAYS = 30
MAX_WINDOW_DAYS = 400
CHUNK = 500

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices small enough for any engine's parameter limit."""
    for i in range(0, len(values), size):
        yield values[i : i + size]


# --------------------------------------------------------------------------- settings


def turnaround_days(session: Session) -> int:
    """Days kept free between two productions' use of an item (shared by all workstations)."""
    raw = session.scalar(select(Setting.value).where(Setting.key == TURNAROUND_KEY))
    if raw is None:
        return DEFAULT_TURNAROUND_DAYS
    try:
        return max(0, int(raw))
    except ValueError:
        return DEFAULT_TURNAROUND_DAYS


def set_turnaround_days(session: Session, actor: Actor, days: int) -> int:
    actor.require(Permission.SETTINGS, "change the turnaround buffer")
    value = parse_int(days, "turnaround_days", minimum=0)
    if value > MAX_TURNAROUND_DAYS:
        raise ValidationError(
            f"The turnaround buffer is {MAX_TURNAROUND_DAYS} days at most.", field="turnaround_days"
        )
    before = turnaround_days(session)
    row = session.get(Setting, TURNAROUND_KEY)
    if row is None:
        session.add(Setting(key=TURNAROUND_KEY, value=str(value)))
    else:
        row.value = str(value)
    session.flush()
    if before != value:
        history.record(
            session,
            actor,
            "setting",
            "setting",
            0,
            "",
            f"Turnaround buffer: {before} → {value} day(s)",
            before={TURNAROUND_KEY: before},
            after={TURNAROUND_KEY: value},
        )
    return value


# --------------------------------------------------------------------------- results


class BlockKind(enum.StrEnum):
    """Why an item is not free."""

    RESERVED = "reserved"
    OUT = "out"
    MISSING = "missing"
    IN_SERVICE = "in_service"
    LOST = "lost"
    RETIRED = "retired"
    SHORT = "short"  # stock: fewer free than wanted on some day


#: Conflicts that no override can save: the item is gone for good, lost, or in service (damaged
#: gear cannot be booked until its ticket is closed).
HARD_BLOCKS = frozenset(
    {BlockKind.RETIRED, BlockKind.LOST, BlockKind.MISSING, BlockKind.IN_SERVICE}
)


@dataclass(frozen=True)
class Conflict:
    """One reason an item cannot be had for a window."""

    kind: BlockKind
    item_kind: str  # "asset" | "stock"
    item_id: int
    tag: str
    name: str
    message: str
    production_id: int | None = None
    production: str | None = None
    start: date | None = None
    end: date | None = None
    custodian: str | None = None
    quantity: int = 0
    day: date | None = None


@dataclass(frozen=True)
class AssetAvailability:
    asset_id: int
    tag: str
    name: str
    status: AssetStatus
    conflicts: tuple[Conflict, ...]

    @property
    def free(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class StockDay:
    day: date
    owned: int
    reserved: int
    out: int
    free: int


@dataclass(frozen=True)
class StockAvailability:
    stock_item_id: int
    tag: str
    name: str
    owned: int
    retired: bool
    days: tuple[StockDay, ...]

    @property
    def min_free(self) -> int:
        return min((d.free for d in self.days), default=self.owned)

    def free_on(self, day: date) -> int:
        for d in self.days:
            if d.day == day:
                return d.free
        raise ValueError(f"{day} is outside the window asked for")


@dataclass(frozen=True)
class Availability:
    """The answer of ``available TAG``: an asset's reasons or a stock item's days."""

    tag: str
    kind: str  # "asset" | "stock" | "kit"
    start: date
    end: date
    free: bool
    conflicts: tuple[Conflict, ...]
    stock: tuple[StockAvailability, ...] = ()


# --------------------------------------------------------------------------- the engine


def check_window(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            f"The window ends ({end.isoformat()}) before it starts ({start.isoformat()})."
        )
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError(f"A window spans {MAX_WINDOW_DAYS} days at most.")


def day_text(day: date) -> str:
    return day.isoformat()


def asset_conflicts(
    session: Session,
    asset_ids: Iterable[int],
    start: date,
    end: date,
    *,
    production_id: int | None = None,
    buffer: int | None = None,
    today: date | None = None,
    flags: Sequence[AssetFlags] = (),
) -> dict[int, AssetAvailability]:
    """Availability of many assets for ``start``..``end`` in four batched queries per chunk.

    ``production_id`` is the production asking: its own reservations and check-outs do not
    count against it. ``flags``: assets whose first query was already answered, for the same
    window, production and turnaround (a scan's one statement); only their details are read.
    """
    check_window(start, end)
    known = {f.id: f for f in flags}
    ids = sorted(set(asset_ids) - known.keys())
    gap = turnaround_days(session) if buffer is None else buffer
    today = today or date.today()
    out: dict[int, AssetAvailability] = {}
    parts: list[tuple[Sequence[int], Sequence[AssetFlags]]] = [(p, ()) for p in chunks(ids)]
    if known:
        parts.append(((), list(known.values())))
    for part, given in parts:
        out.update(_asset_chunk(session, part, start, end, production_id, gap, today, given))
    return out


def _asset_chunk(
    session: Session,
    ids: Sequence[int],
    start: date,
    end: date,
    production_id: int | None,
    gap: int,
    today: date,
    given: Sequence[AssetFlags] = (),
) -> dict[int, AssetAvailability]:
    widened_start, widened_end = start - timedelta(days=gap), end + timedelta(days=gap)
    params: dict[str, Any] = {
        "widened_start": widened_start,
        "widened_end": widened_end,
        "production_id": production_id,
    }
    with_production = production_id is not None
    connection = session.connection()
    # One query answers the common case (free); the detail queries below run only for the
    # assets that have a booking, an open line or an open ticket.
    assets: dict[int, Any] = {}
    with_booking: list[int] = []
    with_line: list[int] = []
    with_ticket: list[int] = []
    rows = (
        connection.execute(flags_statement(with_production), {**params, "ids": list(ids)})
        if ids
        else ()
    )
    for r in [*given, *(AssetFlags(*row) for row in rows)]:
        assets[r[0]] = r
        if r[4]:
            with_booking.append(r[0])
        if r[5]:
            with_line.append(r[0])
        if r[6]:
            with_ticket.append(r[0])
    found: dict[int, list[Conflict]] = {i: [] for i in assets}

    def conflict(asset_id: int, kind: BlockKind, message: str, **kw: Any) -> None:
        a = assets[asset_id]
        found[asset_id].append(Conflict(kind, "asset", asset_id, a.tag, a.name, message, **kw))

    # Reservations of other productions that touch the window once widened by the buffer.
    bookings, lines, tickets = details(
        connection, with_production, params, with_booking, with_line, with_ticket
    )
    for asset_id, r_start, r_end, pid, pname in bookings:
        if asset_id is None or asset_id not in assets:
            continue
        tag = assets[asset_id].tag
        overlaps = r_start <= end and r_end >= start
        why = "" if overlaps else f" (the {gap}-day turnaround between productions)"
        conflict(
            asset_id,
            BlockKind.RESERVED,
            f"{tag} is reserved for {pname} from {day_text(r_start)} to {day_text(r_end)}{why}.",
            production_id=pid,
            production=pname,
            start=r_start,
            end=r_end,
        )

    # Open check-out lines (out, or marked missing on a production).
    missing: set[int] = set()
    for asset_id, condition, out_at, due_back, pid, pname, person in lines:
        if asset_id is None or asset_id not in assets:
            continue
        tag = assets[asset_id].tag
        if condition is ReturnCondition.MISSING:
            missing.add(asset_id)
            conflict(
                asset_id,
                BlockKind.MISSING,
                f"{tag} is missing: it did not come back from {pname} (out to {person}).",
                production_id=pid,
                production=pname,
                start=out_at.date(),
                end=due_back,
                custodian=person,
            )
            continue
        if pid == production_id:
            continue
        busy_until = max(due_back, today)
        if start > busy_until + timedelta(days=gap) or end < out_at.date():
            continue
        late = " (overdue)" if due_back < today else ""
        conflict(
            asset_id,
            BlockKind.OUT,
            f"{tag} is out to {person} for {pname} since {day_text(out_at.date())}, due back "
            f"{day_text(due_back)}{late}.",
            production_id=pid,
            production=pname,
            start=out_at.date(),
            end=due_back,
            custodian=person,
        )

    # Open service tickets.
    ticketed: set[int] = set()
    for asset_id, ticket_id, note, opened_at in tickets:
        if asset_id is None or asset_id not in assets:
            continue
        ticketed.add(asset_id)
        tag = assets[asset_id].tag
        what = f": {note}" if note else ""
        conflict(
            asset_id,
            BlockKind.IN_SERVICE,
            f"{tag} is in service (ticket #{ticket_id}{what}) until the ticket is closed.",
            start=opened_at.date(),
        )

    for asset_id, a in assets.items():
        if a.status is AssetStatus.RETIRED:
            conflict(asset_id, BlockKind.RETIRED, f"{a.tag} is retired.")
        elif a.status is AssetStatus.LOST and asset_id not in missing:
            conflict(asset_id, BlockKind.LOST, f"{a.tag} is marked lost.")
        elif a.status is AssetStatus.IN_SERVICE and asset_id not in ticketed:
            conflict(asset_id, BlockKind.IN_SERVICE, f"{a.tag} is in service.")

    return {
        i: AssetAvailability(i, a.tag, a.name, a.status, tuple(found[i])) for i, a in assets.items()
    }


def stock_availability(
    session: Session,
    stock_ids: Iterable[int],
    start: date,
    end: date,
    *,
    production_id: int | None = None,
    buffer: int | None = None,
    today: date | None = None,
) -> dict[int, StockAvailability]:
    """How many of each stock item are free on each day of ``start``..``end`` (3 queries)."""
    check_window(start, end)
    ids = sorted(set(stock_ids))
    gap = turnaround_days(session) if buffer is None else buffer
    today = today or date.today()
    widen = timedelta(days=gap)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    result: dict[int, StockAvailability] = {}
    for part in chunks(ids):
        items = {
            r.id: r
            for r in session.execute(
                select(
                    StockItem.id,
                    StockItem.tag,
                    StockItem.name,
                    StockItem.quantity,
                    StockItem.retired,
                ).where(StockItem.id.in_(part))
            )
        }
        # (stock id, production id) -> list of (first busy day, last busy day, quantity)
        reserved: dict[tuple[int, int], list[tuple[date, date, int]]] = defaultdict(list)
        rstmt = select(
            Reservation.stock_item_id,
            Reservation.production_id,
            Reservation.start_date,
            Reservation.end_date,
            Reservation.quantity,
        ).where(
            Reservation.stock_item_id.in_(part),
            Reservation.start_date <= end + widen,
            Reservation.end_date >= start - widen,
        )
        if production_id is not None:
            rstmt = rstmt.where(Reservation.production_id != production_id)
        for sid, pid, r_start, r_end, qty in session.execute(rstmt):
            if sid is None:
                continue
            reserved[(sid, pid)].append((r_start - widen, r_end + widen, qty))
        taken: dict[tuple[int, int], list[tuple[date, date, int]]] = defaultdict(list)
        lstmt = (
            select(
                CheckoutLine.stock_item_id,
                Checkout.production_id,
                Checkout.out_at,
                Checkout.due_back,
                CheckoutLine.quantity - CheckoutLine.returned_quantity,
            )
            .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
            .where(CheckoutLine.stock_item_id.in_(part), CheckoutLine.returned_at.is_(None))
        )
        if production_id is not None:
            lstmt = lstmt.where(Checkout.production_id != production_id)
        for sid, pid, out_at, due_back, qty in session.execute(lstmt):
            if sid is None:
                continue
            taken[(sid, pid)].append((out_at.date(), max(due_back, today) + widen, int(qty)))
        for sid, item in items.items():
            users = {pid for (s, pid) in reserved if s == sid} | {
                pid for (s, pid) in taken if s == sid
            }
            per_day = []
            for day in days:
                res_total = out_total = busy = 0
                for pid in users:
                    r = sum(q for a, b, q in reserved.get((sid, pid), ()) if a <= day <= b)
                    o = sum(q for a, b, q in taken.get((sid, pid), ()) if a <= day <= b)
                    res_total += r
                    out_total += o
                    busy += max(r, o)
                owned = 0 if item.retired else item.quantity
                per_day.append(StockDay(day, owned, res_total, out_total, max(0, owned - busy)))
            result[sid] = StockAvailability(
                sid, item.tag, item.name, item.quantity, item.retired, tuple(per_day)
            )
    return result


def stock_shortage(avail: StockAvailability, wanted: int) -> Conflict | None:
    """A SHORT conflict when fewer than ``wanted`` are free on some day of the window."""
    if avail.retired:
        return Conflict(
            BlockKind.RETIRED,
            "stock",
            avail.stock_item_id,
            avail.tag,
            avail.name,
            f"{avail.tag} {avail.name} is retired.",
        )
    worst = min(avail.days, key=lambda d: d.free, default=None)
    if worst is None or worst.free >= wanted:
        return None
    return Conflict(
        BlockKind.SHORT,
        "stock",
        avail.stock_item_id,
        avail.tag,
        avail.name,
        f"Only {worst.free} of {worst.owned} {avail.name} ({avail.tag}) are free on "
        f"{day_text(worst.day)} ({worst.reserved} reserved, {worst.out} out elsewhere); "
        f"{wanted} wanted.",
        quantity=worst.free,
        day=worst.day,
    )
