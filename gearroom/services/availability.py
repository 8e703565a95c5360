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

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Kit,
    KitAsset,
    KitStock,
    Person,
    Production,
    Reservation,
    ReturnCondition,
    ServiceTicket,
    Setting,
    StockItem,
    Tag,
    TagKind,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.productions import production_by_key, require_window
from gearroom.services.tags import normalize_tag
from gearroom.services.validation import clean_text, parse_int

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


def _check_window(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            f"The window ends ({end.isoformat()}) before it starts ({start.isoformat()})."
        )
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError(f"A window spans {MAX_WINDOW_DAYS} days at most.")


def _d(day: date) -> str:
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
) -> dict[int, AssetAvailability]:
    """Availability of many assets for ``start``..``end`` in four batched queries per chunk.

    ``production_id`` is the production asking: its own reservations and check-outs do not
    count against it.
    """
    _check_window(start, end)
    ids = sorted(set(asset_ids))
    gap = turnaround_days(session) if buffer is None else buffer
    today = today or date.today()
    out: dict[int, AssetAvailability] = {}
    for part in chunks(ids):
        out.update(_asset_chunk(session, part, start, end, production_id, gap, today))
    return out


def _asset_chunk(
    session: Session,
    ids: Sequence[int],
    start: date,
    end: date,
    production_id: int | None,
    gap: int,
    today: date,
) -> dict[int, AssetAvailability]:
    widened_start, widened_end = start - timedelta(days=gap), end + timedelta(days=gap)
    booked = select(Reservation.id).where(
        Reservation.asset_id == Asset.id,
        Reservation.start_date <= widened_end,
        Reservation.end_date >= widened_start,
    )
    if production_id is not None:
        booked = booked.where(Reservation.production_id != production_id)
    open_line = select(CheckoutLine.id).where(
        CheckoutLine.asset_id == Asset.id, CheckoutLine.returned_at.is_(None)
    )
    open_ticket = select(ServiceTicket.id).where(
        ServiceTicket.asset_id == Asset.id, ServiceTicket.closed_at.is_(None)
    )
    # One query answers the common case (free); the detail queries below run only for the
    # assets that have a booking, an open line or an open ticket.
    assets: dict[int, Any] = {}
    with_booking: list[int] = []
    with_line: list[int] = []
    with_ticket: list[int] = []
    for r in session.execute(
        select(
            Asset.id,
            Asset.tag,
            Asset.name,
            Asset.status,
            booked.exists(),
            open_line.exists(),
            open_ticket.exists(),
        ).where(Asset.id.in_(ids))
    ):
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
    stmt = (
        select(
            Reservation.asset_id,
            Reservation.start_date,
            Reservation.end_date,
            Production.id,
            Production.name,
        )
        .join(Production, Production.id == Reservation.production_id)
        .where(
            Reservation.asset_id.in_(with_booking),
            Reservation.start_date <= widened_end,
            Reservation.end_date >= widened_start,
        )
        .order_by(Reservation.start_date)
    )
    if production_id is not None:
        stmt = stmt.where(Reservation.production_id != production_id)
    for asset_id, r_start, r_end, pid, pname in session.execute(stmt) if with_booking else ():
        if asset_id is None or asset_id not in assets:
            continue
        tag = assets[asset_id].tag
        overlaps = r_start <= end and r_end >= start
        why = "" if overlaps else f" (the {gap}-day turnaround between productions)"
        conflict(
            asset_id,
            BlockKind.RESERVED,
            f"{tag} is reserved for {pname} from {_d(r_start)} to {_d(r_end)}{why}.",
            production_id=pid,
            production=pname,
            start=r_start,
            end=r_end,
        )

    # Open check-out lines (out, or marked missing on a production).
    lines = (
        ()
        if not with_line
        else session.execute(
            select(
                CheckoutLine.asset_id,
                CheckoutLine.condition,
                Checkout.out_at,
                Checkout.due_back,
                Production.id,
                Production.name,
                Person.name,
            )
            .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
            .join(Production, Production.id == Checkout.production_id)
            .join(Person, Person.id == Checkout.custodian_id)
            .where(CheckoutLine.asset_id.in_(with_line), CheckoutLine.returned_at.is_(None))
        )
    )
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
            f"{tag} is out to {person} for {pname} since {_d(out_at.date())}, due back "
            f"{_d(due_back)}{late}.",
            production_id=pid,
            production=pname,
            start=out_at.date(),
            end=due_back,
            custodian=person,
        )

    # Open service tickets.
    ticketed: set[int] = set()
    tickets = (
        ()
        if not with_ticket
        else session.execute(
            select(
                ServiceTicket.asset_id,
                ServiceTicket.id,
                ServiceTicket.note,
                ServiceTicket.opened_at,
            ).where(ServiceTicket.asset_id.in_(with_ticket), ServiceTicket.closed_at.is_(None))
        )
    )
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
    _check_window(start, end)
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
        f"{_d(worst.day)} ({worst.reserved} reserved, {worst.out} out elsewhere); "
        f"{wanted} wanted.",
        quantity=worst.free,
        day=worst.day,
    )


# --------------------------------------------------------------------------- kits and tags


@dataclass(frozen=True)
class KitContents:
    """Everything in some kits, nested kits included (retired sub-kits left out)."""

    kit_ids: tuple[int, ...]
    assets: tuple[tuple[int, int], ...]  # (asset id, kit id holding it)
    stock: tuple[tuple[int, int, int], ...]  # (stock id, kit id, quantity)


def expand_kits(session: Session, kit_ids: Iterable[int]) -> KitContents:
    """The contents of kits in one query per nesting level plus two."""
    seen: list[int] = []
    frontier = sorted(set(kit_ids))
    while frontier:
        seen.extend(frontier)
        frontier = [
            k
            for k in session.scalars(
                select(Kit.id).where(Kit.parent_id.in_(frontier), Kit.retired.is_(False))
            )
            if k not in seen
        ]
    if not seen:
        return KitContents((), (), ())
    assets = tuple(
        (a, k)
        for a, k in session.execute(
            select(KitAsset.asset_id, KitAsset.kit_id)
            .where(KitAsset.kit_id.in_(seen))
            .order_by(KitAsset.kit_id, KitAsset.position)
        )
    )
    stock = tuple(
        (s, k, q)
        for s, k, q in session.execute(
            select(KitStock.stock_item_id, KitStock.kit_id, KitStock.quantity).where(
                KitStock.kit_id.in_(seen)
            )
        )
    )
    return KitContents(tuple(seen), assets, stock)


ItemSpec = str | tuple[str, int]


def parse_item(text: str) -> tuple[str, int]:
    """``CAM-0042`` or, for stock, ``PWR-0003:6`` (tag and quantity)."""
    tag, sep, qty = text.partition(":")
    if not sep:
        return normalize_tag(tag), 1
    return normalize_tag(tag), parse_int(qty, "quantity", minimum=1)


@dataclass(frozen=True)
class Wanted:
    """Tags resolved to assets and stock quantities (kits expanded)."""

    assets: dict[int, int | None]  # asset id -> kit id it came with
    stock: dict[int, tuple[int, int | None]]  # stock id -> (quantity, kit id)
    tags: tuple[str, ...]
    kinds: tuple[TagKind, ...]


def resolve_items(session: Session, items: Sequence[ItemSpec]) -> Wanted:
    """Asset, kit and stock tags (kits stand for their contents) in a few batched queries."""
    specs = [parse_item(i) if isinstance(i, str) else (normalize_tag(i[0]), i[1]) for i in items]
    if not specs:
        raise ValidationError("Give at least one tag.")
    tags = [t for t, _ in specs]
    registry: dict[str, tuple[TagKind, int, bool]] = {}
    for part in chunks(tags):
        for tag, kind, ref_id, kit_retired in session.execute(
            select(Tag.tag, Tag.kind, Tag.ref_id, Kit.retired)
            .outerjoin(Kit, and_(Tag.kind == TagKind.KIT, Kit.id == Tag.ref_id))
            .where(Tag.tag.in_(part))
        ):
            registry[tag] = (kind, ref_id, bool(kit_retired))
    assets: dict[int, int | None] = {}
    stock: dict[int, tuple[int, int | None]] = {}
    kits: list[int] = []
    kinds: list[TagKind] = []
    for tag, qty in specs:
        entry = registry.get(tag)
        if entry is None:
            raise NotFoundError(f"Unknown tag {tag!r}: no item or kit has it.")
        kind, ref_id, kit_retired = entry
        kinds.append(kind)
        if kind is TagKind.ASSET:
            assets.setdefault(ref_id, None)
        elif kind is TagKind.STOCK:
            have = stock.get(ref_id, (0, None))
            stock[ref_id] = (have[0] + qty, have[1])
        elif kind is TagKind.KIT:
            if kit_retired:
                raise ConflictError(f"Kit {tag} is retired; it cannot be booked.")
            kits.append(ref_id)
        else:
            raise ValidationError(
                f"{tag} is a {kind.value}; only items, stock and kits can be booked."
            )
    if kits:
        contents = expand_kits(session, kits)
        for asset_id, kit_id in contents.assets:
            assets.setdefault(asset_id, kit_id)
        for stock_id, kit_id, qty in contents.stock:
            have = stock.get(stock_id, (0, kit_id))
            stock[stock_id] = (have[0] + qty, have[1])
    return Wanted(assets, stock, tuple(tags), tuple(kinds))


# --------------------------------------------------------------------------- availability


def availability(
    session: Session,
    tag: str,
    start: date,
    end: date,
    *,
    production: str | None = None,
    quantity: int = 1,
    today: date | None = None,
) -> Availability:
    """Whether what ``tag`` names (asset, kit or stock) is free for the window, or why not."""
    _check_window(start, end)
    clean, qty = parse_item(tag)
    qty = max(qty, quantity)
    pid = production_id_by_key(session, production) if production else None
    wanted = resolve_items(session, [(clean, qty)])
    gap = turnaround_days(session)
    conflicts: list[Conflict] = []
    found = asset_conflicts(
        session, wanted.assets, start, end, production_id=pid, buffer=gap, today=today
    )
    for a in found.values():
        conflicts.extend(a.conflicts)
    stock = (
        stock_availability(
            session, wanted.stock, start, end, production_id=pid, buffer=gap, today=today
        )
        if wanted.stock
        else {}
    )
    for sid, (want, _kit) in wanted.stock.items():
        short = stock_shortage(stock[sid], want)
        if short is not None:
            conflicts.append(short)
    return Availability(
        clean,
        wanted.kinds[0].value,
        start,
        end,
        not conflicts,
        tuple(sorted(conflicts, key=lambda c: (c.tag, c.start or date.min))),
        tuple(stock[s] for s in sorted(stock, key=lambda s: stock[s].tag)),
    )


def production_id_by_key(session: Session, key: str) -> int:
    """A production's id by tag or name, without loading it."""
    text = key.strip()
    found = session.scalar(
        select(Production.id).where(
            or_(Production.tag == normalize_tag(text), func.lower(Production.name) == text.lower())
        )
    )
    if found is None:
        raise NotFoundError(f"There is no production called or tagged {text!r}.")
    return int(found)


# --------------------------------------------------------------------------- reservations


@dataclass(frozen=True)
class ReservationCheck:
    """What saving a reservation would do: the conflicts to show before saving."""

    production_id: int
    production: str
    start: date
    end: date
    asset_count: int
    stock_count: int
    already_reserved: tuple[str, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def ok(self) -> bool:
        return not self.conflicts

    @property
    def overridable(self) -> bool:
        return all(c.kind not in HARD_BLOCKS for c in self.conflicts)


@dataclass(frozen=True)
class ReservationView:
    id: int
    production_id: int
    production: str
    item_kind: str
    item_id: int
    tag: str
    name: str
    quantity: int
    kit_tag: str | None
    start: date
    end: date
    override_reason: str


@dataclass(frozen=True)
class ReservationResult:
    check: ReservationCheck
    reserved: tuple[ReservationView, ...]
    override_reason: str


def _window(production: Production, start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None:
        w_start, w_end = require_window(production)
        start = start or w_start
        end = end or w_end
    _check_window(start, end)
    return start, end


def _plan(
    session: Session,
    production: Production,
    items: Sequence[ItemSpec],
    start: date | None,
    end: date | None,
    today: date | None,
) -> tuple[ReservationCheck, Wanted, set[int], set[int]]:
    s, e = _window(production, start, end)
    wanted = resolve_items(session, items)
    # What this production holds already over the same window (saving it again is a no-op).
    mine_assets: set[int] = set()
    mine_stock: set[int] = set()
    for asset_id, stock_id in session.execute(
        select(Reservation.asset_id, Reservation.stock_item_id).where(
            Reservation.production_id == production.id,
            Reservation.start_date <= s,
            Reservation.end_date >= e,
        )
    ):
        if asset_id is not None:
            mine_assets.add(asset_id)
        if stock_id is not None:
            mine_stock.add(stock_id)
    new_assets = [a for a in wanted.assets if a not in mine_assets]
    conflicts: list[Conflict] = []
    found = asset_conflicts(session, new_assets, s, e, production_id=production.id, today=today)
    already = []
    for asset_id in wanted.assets:
        if asset_id in mine_assets:
            continue
        conflicts.extend(found[asset_id].conflicts)
    stock = stock_availability(
        session, list(wanted.stock), s, e, production_id=production.id, today=today
    )
    for sid, (qty, _kit) in wanted.stock.items():
        short = stock_shortage(stock[sid], qty)
        if short is not None:
            conflicts.append(short)
    if mine_assets & set(wanted.assets):
        already = sorted(
            session.scalars(
                select(Asset.tag).where(Asset.id.in_(sorted(mine_assets & set(wanted.assets))))
            )
        )
    check = ReservationCheck(
        production.id,
        production.name,
        s,
        e,
        len(new_assets),
        len(wanted.stock),
        tuple(already),
        tuple(sorted(conflicts, key=lambda c: (c.tag, c.start or date.min))),
    )
    return check, wanted, mine_assets, mine_stock


def check_reservation(
    session: Session,
    production: str,
    items: Sequence[ItemSpec],
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> ReservationCheck:
    """The conflicts reserving ``items`` for ``production`` would cause (nothing is written).

    The window is the production's gear window unless ``start``/``end`` are given.
    """
    check, _wanted, _a, _s = _plan(
        session, production_by_key(session, production), items, start, end, today
    )
    return check


def reserve(
    session: Session,
    actor: Actor,
    production: str,
    items: Sequence[ItemSpec],
    *,
    start: date | None = None,
    end: date | None = None,
    override_reason: str | None = None,
    today: date | None = None,
) -> ReservationResult:
    """Hold assets, kits (their whole contents) and stock quantities for a production.

    Conflicts refuse the reservation unless ``override_reason`` says why it must be saved
    anyway; the reason goes into each reservation and into history. Retired items can never
    be reserved.
    """
    actor.require(Permission.RESERVE, "reserve gear")
    prod = production_by_key(session, production)
    reason = clean_text(override_reason, "override_reason", max_length=500)
    wanted_preview = resolve_items(session, items)
    # Serialise concurrent bookings of the same rows (PostgreSQL; SQLite writers already are).
    if wanted_preview.assets:
        for part in chunks(sorted(wanted_preview.assets)):
            session.execute(select(Asset.id).where(Asset.id.in_(part)).with_for_update()).all()
    if wanted_preview.stock:
        session.execute(
            select(StockItem.id)
            .where(StockItem.id.in_(sorted(wanted_preview.stock)))
            .with_for_update()
        ).all()
    check, wanted, mine_assets, mine_stock = _plan(session, prod, items, start, end, today)
    if check.conflicts:
        hard = [c for c in check.conflicts if c.kind in HARD_BLOCKS]
        if hard:
            raise ConflictError(
                f"Cannot reserve for {prod.name}: " + " ".join(c.message for c in hard)
            )
        if not reason:
            listed = " ".join(c.message for c in check.conflicts[:5])
            more = len(check.conflicts) - 5
            tail = f" …and {more} more." if more > 0 else ""
            raise ConflictError(
                f"Cannot reserve for {prod.name}: {listed}{tail} Reserve with an override "
                "reason to book it anyway."
            )
    conflicted = {(c.item_kind, c.item_id) for c in check.conflicts}
    rows: list[Reservation] = []
    for asset_id, kit_id in wanted.assets.items():
        if asset_id in mine_assets:
            continue
        rows.append(
            Reservation(
                production_id=prod.id,
                asset_id=asset_id,
                kit_id=kit_id,
                quantity=1,
                start_date=check.start,
                end_date=check.end,
                override_reason=reason if ("asset", asset_id) in conflicted else "",
            )
        )
    for stock_id, (qty, kit_id) in wanted.stock.items():
        held = 0
        if stock_id in mine_stock:
            # Reserving stock again asks for that many in all: only the difference is added.
            held = sum(
                session.scalars(
                    select(Reservation.quantity).where(
                        Reservation.production_id == prod.id,
                        Reservation.stock_item_id == stock_id,
                        Reservation.start_date <= check.start,
                        Reservation.end_date >= check.end,
                    )
                )
            )
            if held >= qty:
                continue
        rows.append(
            Reservation(
                production_id=prod.id,
                stock_item_id=stock_id,
                kit_id=kit_id,
                quantity=qty - held,
                start_date=check.start,
                end_date=check.end,
                override_reason=reason if ("stock", stock_id) in conflicted else "",
            )
        )
    session.add_all(rows)
    session.flush()
    views = _views(session, [r.id for r in rows])
    overridden = bool(check.conflicts)
    for v in views:
        item_conflicts = [
            c.message
            for c in check.conflicts
            if (c.item_kind, c.item_id) == (v.item_kind, v.item_id)
        ]
        amount = f"{v.quantity} × " if v.item_kind == "stock" else ""
        history.record(
            session,
            actor,
            "reserve_override" if item_conflicts else "reserve",
            v.item_kind,
            v.item_id,
            v.tag,
            f"{amount}{v.tag} reserved for {prod.name} {_d(v.start)}..{_d(v.end)}"
            + (f" despite conflicts ({reason})" if item_conflicts else ""),
            after={
                "production": prod.name,
                "start": v.start,
                "end": v.end,
                "quantity": v.quantity,
                **(
                    {"override_reason": reason, "conflicts": item_conflicts}
                    if item_conflicts
                    else {}
                ),
            },
        )
    if views:
        history.record(
            session,
            actor,
            "reserve_override" if overridden else "reserve",
            "production",
            prod.id,
            prod.tag,
            f"{len(views)} item(s) reserved for {prod.name} {_d(check.start)}..{_d(check.end)}"
            + (f"; {len(check.conflicts)} conflict(s) overridden: {reason}" if overridden else ""),
            after={
                "items": [v.tag for v in views],
                "start": check.start,
                "end": check.end,
                **(
                    {
                        "override_reason": reason,
                        "conflicts": [c.message for c in check.conflicts],
                    }
                    if overridden
                    else {}
                ),
            },
        )
    return ReservationResult(check, tuple(views), reason if overridden else "")


def _view_select() -> Any:
    return (
        select(
            Reservation.id,
            Reservation.production_id,
            Production.name,
            Reservation.asset_id,
            Reservation.stock_item_id,
            Asset.tag,
            Asset.name,
            StockItem.tag,
            StockItem.name,
            Reservation.quantity,
            Kit.tag,
            Reservation.start_date,
            Reservation.end_date,
            Reservation.override_reason,
        )
        .join(Production, Production.id == Reservation.production_id)
        .outerjoin(Asset, Asset.id == Reservation.asset_id)
        .outerjoin(StockItem, StockItem.id == Reservation.stock_item_id)
        .outerjoin(Kit, Kit.id == Reservation.kit_id)
    )


def _row_view(r: Any) -> ReservationView:
    is_asset = r[3] is not None
    return ReservationView(
        id=r[0],
        production_id=r[1],
        production=r[2],
        item_kind="asset" if is_asset else "stock",
        item_id=r[3] if is_asset else r[4],
        tag=r[5] if is_asset else r[7],
        name=r[6] if is_asset else r[8],
        quantity=r[9],
        kit_tag=r[10],
        start=r[11],
        end=r[12],
        override_reason=r[13],
    )


def _views(session: Session, ids: Sequence[int]) -> list[ReservationView]:
    out: list[ReservationView] = []
    for part in chunks(list(ids)):
        out.extend(
            _row_view(r) for r in session.execute(_view_select().where(Reservation.id.in_(part)))
        )
    return sorted(out, key=lambda v: (v.kit_tag or "", v.tag))


def list_reservations(
    session: Session,
    production: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[ReservationView]:
    """Reservations of a production, or of all productions touching ``start``..``end``."""
    stmt = _view_select()
    if production is not None:
        stmt = stmt.where(Reservation.production_id == production_by_key(session, production).id)
    if start is not None:
        stmt = stmt.where(Reservation.end_date >= start)
    if end is not None:
        stmt = stmt.where(Reservation.start_date <= end)
    rows = [_row_view(r) for r in session.execute(stmt)]
    return sorted(rows, key=lambda v: (v.start, v.production, v.tag))


def cancel_reservations(
    session: Session, actor: Actor, production: str, items: Sequence[ItemSpec]
) -> int:
    """Release items (kits: their contents) reserved for a production; returns how many."""
    actor.require(Permission.RESERVE, "cancel reservations")
    prod = production_by_key(session, production)
    wanted = resolve_items(session, items)
    views = [
        v
        for v in list_reservations(session, prod.tag)
        if (v.item_kind == "asset" and v.item_id in wanted.assets)
        or (v.item_kind == "stock" and v.item_id in wanted.stock)
    ]
    if not views:
        raise NotFoundError(f"None of those items is reserved for {prod.name}.")
    session.execute(delete(Reservation).where(Reservation.id.in_([v.id for v in views])))
    for v in views:
        history.record(
            session,
            actor,
            "unreserve",
            v.item_kind,
            v.item_id,
            v.tag,
            f"{v.tag} no longer reserved for {prod.name}",
            before={
                "production": prod.name,
                "start": v.start,
                "end": v.end,
                "quantity": v.quantity,
            },
        )
    history.record(
        session,
        actor,
        "unreserve",
        "production",
        prod.id,
        prod.tag,
        f"{len(views)} reservation(s) of {prod.name} cancelled",
        before={"items": [v.tag for v in views]},
    )
    return len(views)


# --------------------------------------------------------------------------- timeline


class BarKind(enum.StrEnum):
    RESERVED = "reserved"
    OUT = "out"
    OVERDUE = "overdue"
    MISSING = "missing"
    SERVICE = "service"


@dataclass(frozen=True)
class TimelineBar:
    """A stretch of days an item is taken (dates as booked, not clipped to the range)."""

    kind: BarKind
    start: date
    end: date
    production_id: int | None
    production: str
    quantity: int = 1


@dataclass(frozen=True)
class TimelineRow:
    item_kind: str  # "asset" | "stock"
    item_id: int
    tag: str
    name: str
    bars: tuple[TimelineBar, ...]


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    days: tuple[date, ...]
    rows: tuple[TimelineRow, ...]


def timeline(
    session: Session,
    start: date,
    end: date,
    *,
    asset_ids: Sequence[int] | None = None,
    stock_ids: Sequence[int] | None = None,
    production: str | None = None,
    today: date | None = None,
) -> Timeline:
    """Items × days with a bar per production: every booked item, or just the ones given."""
    _check_window(start, end)
    today = today or date.today()
    pid = production_by_key(session, production).id if production else None
    bars: dict[tuple[str, int], list[TimelineBar]] = defaultdict(list)

    rstmt = _view_select().where(Reservation.start_date <= end, Reservation.end_date >= start)
    if pid is not None:
        rstmt = rstmt.where(Reservation.production_id == pid)
    for r in session.execute(rstmt):
        v = _row_view(r)
        bars[(v.item_kind, v.item_id)].append(
            TimelineBar(BarKind.RESERVED, v.start, v.end, v.production_id, v.production, v.quantity)
        )

    lstmt = (
        select(
            CheckoutLine.asset_id,
            CheckoutLine.stock_item_id,
            CheckoutLine.condition,
            CheckoutLine.quantity - CheckoutLine.returned_quantity,
            Checkout.out_at,
            Checkout.due_back,
            Production.id,
            Production.name,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Production, Production.id == Checkout.production_id)
        .where(CheckoutLine.returned_at.is_(None))
    )
    if pid is not None:
        lstmt = lstmt.where(Checkout.production_id == pid)
    for asset_id, stock_id, condition, qty, out_at, due_back, lpid, pname in session.execute(lstmt):
        last = max(due_back, today)
        if out_at.date() > end or last < start:
            continue
        if condition is ReturnCondition.MISSING:
            kind = BarKind.MISSING
        elif due_back < today:
            kind = BarKind.OVERDUE
        else:
            kind = BarKind.OUT
        key = ("asset", asset_id) if asset_id is not None else ("stock", int(stock_id or 0))
        bars[key].append(TimelineBar(kind, out_at.date(), last, lpid, pname, int(qty)))

    if pid is None:
        for asset_id, opened_at in session.execute(
            select(ServiceTicket.asset_id, ServiceTicket.opened_at).where(
                ServiceTicket.closed_at.is_(None)
            )
        ):
            if opened_at.date() <= end:
                bars[("asset", asset_id)].append(
                    TimelineBar(BarKind.SERVICE, opened_at.date(), max(end, today), None, "Service")
                )

    wanted_assets = set(asset_ids) if asset_ids is not None else None
    wanted_stock = set(stock_ids) if stock_ids is not None else None
    a_ids = wanted_assets if wanted_assets is not None else {i for k, i in bars if k == "asset"}
    s_ids = wanted_stock if wanted_stock is not None else {i for k, i in bars if k == "stock"}
    if asset_ids is not None and stock_ids is None:
        s_ids = set()
    if stock_ids is not None and asset_ids is None:
        a_ids = set()
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for part in chunks(sorted(a_ids)):
        for i, tag, name in session.execute(
            select(Asset.id, Asset.tag, Asset.name).where(Asset.id.in_(part))
        ):
            names[("asset", i)] = (tag, name)
    for part in chunks(sorted(s_ids)):
        for i, tag, name in session.execute(
            select(StockItem.id, StockItem.tag, StockItem.name).where(StockItem.id.in_(part))
        ):
            names[("stock", i)] = (tag, name)
    rows = [
        TimelineRow(
            kind,
            item_id,
            tag,
            name,
            tuple(sorted(bars.get((kind, item_id), []), key=lambda b: (b.start, b.production))),
        )
        for (kind, item_id), (tag, name) in names.items()
    ]
    rows.sort(key=lambda r: (r.item_kind, r.tag))
    days = tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
    return Timeline(start, end, days, tuple(rows))


def production_asset_ids(session: Session, production_id: int) -> list[int]:
    """Assets reserved for a production (for its timeline)."""
    return list(
        session.scalars(
            select(Reservation.asset_id).where(
                and_(Reservation.production_id == production_id, Reservation.asset_id.is_not(None))
            )
        )
    )
