"""A booking's life after it is made: swap a unit, move a production's dates, cancel a
production, and close out at wrap (everything still out marked missing in one step).

Every change and its history commit together; a refusal leaves the database as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    Checkout,
    DraftCheckout,
    ModelReservation,
    Production,
    Reservation,
    ReturnCondition,
    ShootDay,
    ShootDayKind,
    StockItem,
    utcnow,
)
from gearroom.services import history, reservations, returns
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability import (
    HARD_BLOCKS,
    Conflict,
    asset_conflicts,
    day_text,
    stock_availability,
    stock_shortage,
)
from gearroom.services.checkout_out import OutLine, out_lines
from gearroom.services.model_bookings import shortage
from gearroom.services.productions import ensure_active, production_by_key, require_window
from gearroom.services.tags import normalize_tag
from gearroom.services.validation import clean_text


@dataclass(frozen=True)
class SwapResult:
    production: str
    old_tag: str
    new_tag: str
    start: date
    end: date


def swap(
    session: Session,
    actor: Actor,
    production: str,
    old_tag: str,
    new_tag: str,
    *,
    override_reason: str | None = None,
    today: date | None = None,
) -> SwapResult:
    """Book ``new_tag`` in place of ``old_tag`` (a faulty body at prep) for the same window."""
    actor.require(Permission.RESERVE, "reserve gear")
    prod = production_by_key(session, production)
    ensure_active(prod)
    old, new = normalize_tag(old_tag), normalize_tag(new_tag)
    row = session.scalar(
        select(Reservation)
        .join(Asset, Asset.id == Reservation.asset_id)
        .where(Reservation.production_id == prod.id, Asset.tag == old)
    )
    if row is None:
        return _swap_model_serial(session, actor, prod, old, new, today)
    start, end, kit_id = row.start_date, row.end_date, row.kit_id
    session.delete(row)
    session.flush()
    result = reservations.reserve(
        session,
        actor,
        prod.tag,
        [new],
        start=start,
        end=end,
        override_reason=override_reason,
        today=today,
    )
    if not result.reserved and new not in result.check.already_reserved:
        raise ConflictError(f"{new} could not be reserved for {prod.name}.")
    for v in result.reserved:
        session.execute(update(Reservation).where(Reservation.id == v.id).values(kit_id=kit_id))
    history.record(
        session,
        actor,
        "swap",
        "production",
        prod.id,
        prod.tag,
        f"{old} swapped for {new} on {prod.name} {day_text(start)}..{day_text(end)}",
        before={"item": old},
        after={"item": new},
    )
    return SwapResult(prod.name, old, new, start, end)


def _swap_model_serial(
    session: Session, actor: Actor, prod: Production, old: str, new: str, today: date | None
) -> SwapResult:
    """A serial that fills a model line is swapped for another serial of the same model."""
    assets = {a.tag: a for a in session.scalars(select(Asset).where(Asset.tag.in_([old, new])))}
    if old not in assets:
        raise NotFoundError(f"{old} is not reserved for {prod.name}; nothing to swap.")
    if new not in assets:
        raise NotFoundError(f"Unknown tag {new!r}: no item has it.")
    line = session.scalar(
        select(ModelReservation).where(
            ModelReservation.production_id == prod.id,
            ModelReservation.model_id == assets[old].model_id,
        )
    )
    if line is None:
        raise NotFoundError(f"{old} is not reserved for {prod.name}; nothing to swap.")
    if assets[new].model_id != assets[old].model_id:
        raise ConflictError(
            f"{new} is not a {line.product_model.name}; {prod.name} booked that model."
        )
    if old in {ln.tag for ln in out_lines(session, production_id=prod.id)}:
        raise ConflictError(f"{old} is out for {prod.name}: check it in first, then swap.")
    found = asset_conflicts(
        session,
        [assets[new].id],
        line.start_date,
        line.end_date,
        production_id=prod.id,
        today=today,
    )[assets[new].id]
    if found.conflicts:
        raise ConflictError(" ".join(c.message for c in found.conflicts))
    history.record(
        session,
        actor,
        "swap",
        "production",
        prod.id,
        prod.tag,
        f"{old} swapped for {new} on {prod.name} (a {line.product_model.name})",
        before={"item": old},
        after={"item": new},
    )
    return SwapResult(prod.name, old, new, line.start_date, line.end_date)


@dataclass(frozen=True)
class MoveResult:
    production: str
    old_start: date
    old_end: date
    start: date
    end: date
    reservations_moved: int
    checkouts_due_back: int
    conflicts: tuple[Conflict, ...]
    override_reason: str


def _replace_days(prod_days: list[ShootDay], kind: ShootDayKind, days: Sequence[date]) -> None:
    for d in [d for d in prod_days if d.kind is kind]:
        prod_days.remove(d)
    taken = {d.day for d in prod_days}
    for day in days:
        if day in taken:
            raise ValidationError(f"{day_text(day)} is already another day of the production.")
        prod_days.append(ShootDay(day=day, kind=kind))
        taken.add(day)


def move_dates(
    session: Session,
    actor: Actor,
    production: str,
    *,
    prep: Sequence[date] | None = None,
    shoot: Sequence[date] | None = None,
    wrap: Sequence[date] | None = None,
    override_reason: str | None = None,
    today: date | None = None,
) -> MoveResult:
    """New prep, shoot or wrap days: bookings follow the new window, conflicts are checked
    again (an override needs a reason) and the due-back of gear out follows the wrap."""
    actor.require(Permission.RESERVE, "edit productions")
    prod = production_by_key(session, production)
    ensure_active(prod)
    reason = clean_text(override_reason, "override_reason", max_length=500)
    old_start, old_end = require_window(prod)
    for kind, days in (
        (ShootDayKind.PREP, prep),
        (ShootDayKind.SHOOT, shoot),
        (ShootDayKind.WRAP, wrap),
    ):
        if days is not None:
            _replace_days(prod.days, kind, days)
    session.flush()
    session.refresh(prod, ["days"])
    start, end = require_window(prod)
    moved = session.execute(
        update(Reservation)
        .where(Reservation.production_id == prod.id)
        .values(start_date=start, end_date=end)
    )
    session.execute(
        update(ModelReservation)
        .where(ModelReservation.production_id == prod.id)
        .values(start_date=start, end_date=end)
    )
    today = today or date.today()
    # What the production holds in its new window, checked against everyone else.
    asset_ids = set(
        session.scalars(
            select(Reservation.asset_id).where(
                Reservation.production_id == prod.id, Reservation.asset_id.is_not(None)
            )
        )
    )
    out_now = [ln for ln in out_lines(session, production_id=prod.id) if not ln.missing]
    asset_ids |= {ln.item_id for ln in out_now if ln.item_kind == "asset"}
    conflicts: list[Conflict] = []
    for found in asset_conflicts(
        session,
        sorted(i for i in asset_ids if i is not None),
        start,
        end,
        production_id=prod.id,
        today=today,
    ).values():
        conflicts.extend(c for c in found.conflicts)
    stock_qty: dict[int, int] = defaultdict(int)
    for sid, qty in session.execute(
        select(Reservation.stock_item_id, Reservation.quantity).where(
            Reservation.production_id == prod.id, Reservation.stock_item_id.is_not(None)
        )
    ):
        if sid is not None:
            stock_qty[sid] += qty
    if stock_qty:
        avail = stock_availability(
            session, list(stock_qty), start, end, production_id=prod.id, today=today
        )
        for sid, qty in stock_qty.items():
            short = stock_shortage(avail[sid], qty)
            if short is not None:
                conflicts.append(short)
    model_qty: dict[int, int] = defaultdict(int)
    for mid, qty in session.execute(
        select(ModelReservation.model_id, ModelReservation.quantity).where(
            ModelReservation.production_id == prod.id
        )
    ):
        model_qty[mid] += qty
    conflicts.extend(shortage(session, prod, dict(model_qty), start, end, today=today))
    hard = [c for c in conflicts if c.kind in HARD_BLOCKS]
    if hard:
        raise ConflictError(f"Cannot move {prod.name}: " + " ".join(c.message for c in hard))
    if conflicts and not reason:
        raise ConflictError(
            f"Cannot move {prod.name} to {day_text(start)}..{day_text(end)}: "
            + " ".join(c.message for c in conflicts[:5])
            + " Move with an override reason to keep the bookings anyway."
        )
    if conflicts:
        session.execute(
            update(Reservation)
            .where(Reservation.production_id == prod.id)
            .values(override_reason=reason)
        )
    checkout_ids = sorted({ln.checkout_id for ln in out_now})
    if checkout_ids:
        session.execute(
            update(Checkout).where(Checkout.id.in_(checkout_ids)).values(due_back=max(end, today))
        )
    history.record(
        session,
        actor,
        "move_override" if conflicts else "move",
        "production",
        prod.id,
        prod.tag,
        f"{prod.name} moved from {day_text(old_start)}..{day_text(old_end)} to "
        f"{day_text(start)}..{day_text(end)}"
        + (f"; {len(conflicts)} conflict(s) overridden: {reason}" if conflicts else ""),
        before={"start": old_start, "end": old_end},
        after={
            "start": start,
            "end": end,
            "due_back_changed": checkout_ids,
            **(
                {"override_reason": reason, "conflicts": [c.message for c in conflicts]}
                if conflicts
                else {}
            ),
        },
    )
    return MoveResult(
        prod.name,
        old_start,
        old_end,
        start,
        end,
        int(getattr(moved, "rowcount", 0) or 0),
        len(checkout_ids),
        tuple(conflicts),
        reason if conflicts else "",
    )


@dataclass(frozen=True)
class CancelResult:
    production: str
    released: tuple[str, ...]
    models_released: int
    drafts_discarded: int
    reason: str


def cancel_production(session: Session, actor: Actor, production: str, reason: str) -> CancelResult:
    """Cancel a production: its bookings are released; refused while it has gear out."""
    actor.require(Permission.RESERVE, "cancel productions")
    prod = production_by_key(session, production)
    why = clean_text(reason, "reason", max_length=500, required=True)
    if prod.cancelled_at is not None:
        raise ConflictError(f"{prod.name} was cancelled already ({prod.cancel_reason}).")
    out = out_lines(session, production_id=prod.id)
    if out:
        listed = ", ".join(ln.tag for ln in out[:8]) + (" …" if len(out) > 8 else "")
        raise ConflictError(
            f"{prod.name} still has {len(out)} line(s) out ({listed}); check them in or close "
            "out first."
        )
    held = [
        f"{tag}:{qty}" if sid is not None else str(tag)
        for tag, sid, qty in session.execute(
            select(
                func.coalesce(Asset.tag, StockItem.tag),
                Reservation.stock_item_id,
                Reservation.quantity,
            )
            .outerjoin(Asset, Asset.id == Reservation.asset_id)
            .outerjoin(StockItem, StockItem.id == Reservation.stock_item_id)
            .where(Reservation.production_id == prod.id)
        )
    ]
    units = sum(
        session.scalars(
            select(ModelReservation.quantity).where(ModelReservation.production_id == prod.id)
        )
    )
    session.execute(delete(Reservation).where(Reservation.production_id == prod.id))
    session.execute(delete(ModelReservation).where(ModelReservation.production_id == prod.id))
    drafts_gone = session.execute(
        delete(DraftCheckout).where(DraftCheckout.production_id == prod.id)
    )
    prod.cancelled_at = utcnow()
    prod.cancel_reason = why
    session.flush()
    history.record(
        session,
        actor,
        "cancel",
        "production",
        prod.id,
        prod.tag,
        f"{prod.name} cancelled: {why} ({len(held)} booking(s) and {units} model unit(s) released)",
        before={"items": sorted(held), "model_units": units},
        after={"cancelled": True, "reason": why},
    )
    return CancelResult(
        prod.name,
        tuple(sorted(held)),
        int(units),
        int(getattr(drafts_gone, "rowcount", 0) or 0),
        why,
    )


@dataclass(frozen=True)
class CloseOutResult:
    production: str
    missing: tuple[OutLine, ...]


def close_out(
    session: Session, actor: Actor, production: str, *, today: date | None = None
) -> CloseOutResult:
    """At wrap: everything still out for the production is marked missing, in one step."""
    actor.require(Permission.CHECKIN, "check gear in")
    prod = production_by_key(session, production)
    still = [ln for ln in out_lines(session, production_id=prod.id, today=today) if not ln.missing]
    if not still:
        raise ConflictError(f"{prod.name} has nothing out; there is nothing to close out.")
    tags = [ln.tag if ln.item_kind == "asset" else f"{ln.tag}:{ln.quantity}" for ln in still]
    returns.checkin(
        session,
        actor,
        tags,
        condition=ReturnCondition.MISSING,
        note=f"not returned at close-out of {prod.name}",
        production=prod.tag,
        today=today,
    )
    history.record(
        session,
        actor,
        "close_out",
        "production",
        prod.id,
        prod.tag,
        f"{prod.name} closed out: {len(still)} line(s) marked missing",
        after={"missing": tags},
    )
    return CloseOutResult(prod.name, tuple(still))


__all__ = [
    "CancelResult",
    "CloseOutResult",
    "MoveResult",
    "SwapResult",
    "cancel_production",
    "close_out",
    "move_dates",
    "swap",
]
