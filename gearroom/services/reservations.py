"""Reservations: holding assets, kits and stock for a production's window, conflicts shown
before saving and an override with a reason; and the items × days timeline of bookings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError
from gearroom.models import (
    Asset,
    Kit,
    Production,
    Reservation,
    StockItem,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability import (
    HARD_BLOCKS,
    Conflict,
    asset_conflicts,
    check_window,
    chunks,
    day_text,
    stock_availability,
    stock_shortage,
)
from gearroom.services.gear_lists import ItemSpec, Wanted, resolve_items
from gearroom.services.model_bookings import serial_model_conflicts
from gearroom.services.productions import ensure_active, production_by_key, require_window
from gearroom.services.validation import clean_text


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
    check_window(start, end)
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
    conflicts.extend(serial_model_conflicts(session, production, new_assets, s, e, today))
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
    ensure_active(prod)
    reason = clean_text(override_reason, "override_reason", max_length=500)
    wanted_preview = resolve_items(session, items)
    # Serialise concurrent bookings of the same rows (PostgreSQL; SQLite writers already are).
    if wanted_preview.assets:
        for part in chunks(sorted(wanted_preview.assets)):
            locking = select(Asset.id).where(Asset.id.in_(part)).order_by(Asset.id)
            session.execute(locking.with_for_update()).all()
    if wanted_preview.stock:
        session.execute(
            select(StockItem.id)
            .where(StockItem.id.in_(sorted(wanted_preview.stock)))
            .order_by(StockItem.id)
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
            f"{amount}{v.tag} reserved for {prod.name} {day_text(v.start)}..{day_text(v.end)}"
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
            f"{len(views)} item(s) reserved for {prod.name} "
            f"{day_text(check.start)}..{day_text(check.end)}"
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


def view_select() -> Any:
    """The reservations with their production, item and kit, as :func:`row_view` reads them."""
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


def row_view(r: Any) -> ReservationView:
    """One row of :func:`view_select`."""
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
            row_view(r) for r in session.execute(view_select().where(Reservation.id.in_(part)))
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
    stmt = view_select()
    if production is not None:
        stmt = stmt.where(Reservation.production_id == production_by_key(session, production).id)
    if start is not None:
        stmt = stmt.where(Reservation.end_date >= start)
    if end is not None:
        stmt = stmt.where(Reservation.start_date <= end)
    rows = [row_view(r) for r in session.execute(stmt)]
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


def production_asset_ids(session: Session, production_id: int) -> list[int]:
    """Assets reserved for a production (for its timeline)."""
    return list(
        session.scalars(
            select(Reservation.asset_id).where(
                and_(Reservation.production_id == production_id, Reservation.asset_id.is_not(None))
            )
        )
    )
