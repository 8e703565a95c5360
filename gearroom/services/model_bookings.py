"""Booking a quantity of a model for a production without choosing serials, and releasing it.

Reserving a model again asks for that many in all over the window (only the difference is
added), as for stock. Two workstations booking the last free unit are serialised on the
model's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers already queue), so one
wins and the other is told how many are free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError
from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    ModelReservation,
    Production,
    ProductModel,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability import BlockKind, Conflict, day_text
from gearroom.services.product_models import model_availability, model_by_key, own_use
from gearroom.services.productions import ensure_active, production_by_key, require_window
from gearroom.services.validation import clean_text, parse_int

ModelSpec = tuple[str, int]


def parse_model_spec(text: str) -> ModelSpec:
    """``"ARRI Alexa Mini LF:2"`` → (name, 2); without ``:QTY`` one unit."""
    name, sep, qty = text.rpartition(":")
    if not sep or not qty.strip().isdigit():
        return " ".join(text.split()), 1
    return " ".join(name.split()), parse_int(qty.strip(), "quantity", minimum=1)


@dataclass(frozen=True)
class ModelLine:
    """A quantity of a model booked for a production."""

    id: int
    production_id: int
    production: str
    model_id: int
    model: str
    category: str
    quantity: int
    start: date
    end: date
    override_reason: str


@dataclass(frozen=True)
class ModelBookingResult:
    production: str
    start: date
    end: date
    booked: tuple[ModelLine, ...]
    conflicts: tuple[Conflict, ...]
    override_reason: str


def _line(r: ModelReservation) -> ModelLine:
    return ModelLine(
        r.id,
        r.production_id,
        r.production.name,
        r.model_id,
        r.product_model.name,
        r.product_model.category.name,
        r.quantity,
        r.start_date,
        r.end_date,
        r.override_reason,
    )


def model_lines(session: Session, production_id: int) -> list[ModelLine]:
    """The model bookings of a production, by model name."""
    rows = session.scalars(
        select(ModelReservation).where(ModelReservation.production_id == production_id)
    )
    return sorted((_line(r) for r in rows), key=lambda x: (x.model, x.start, x.id))


def shortage(
    session: Session,
    production: Production,
    wanted: dict[int, int],
    start: date,
    end: date,
    *,
    extra_serials: dict[int, int] | None = None,
    today: date | None = None,
) -> list[Conflict]:
    """SHORT conflicts when ``wanted`` units of each model (in all, for the production) plus
    ``extra_serials`` (new serial reservations) do not fit on some day of the window."""
    extra = extra_serials or {}
    ids = sorted(set(wanted) | set(extra))
    if not ids:
        return []
    avail = model_availability(session, ids, start, end, production_id=production.id, today=today)
    mine = own_use(session, production.id, ids, start, end)
    conflicts = []
    for mid in ids:
        worst = None
        for d in avail[mid].days:
            booked_qty, serials = mine[mid][d.day]
            qty = wanted.get(mid, booked_qty)
            need = qty + serials + extra.get(mid, 0)
            if d.free < need and (worst is None or d.free - need < worst[1]):
                worst = (d, d.free - need, need)
        if worst is None:
            continue
        d, _gap, need = worst
        name = avail[mid].name
        conflicts.append(
            Conflict(
                BlockKind.SHORT,
                "model",
                mid,
                name,
                name,
                f"Only {d.free} of {d.bookable} {name} are free on {day_text(d.day)} "
                f"({d.used_elsewhere} booked or out elsewhere); {need} wanted for "
                f"{production.name}.",
                quantity=d.free,
                day=d.day,
            )
        )
    return conflicts


def reserve_models(
    session: Session,
    actor: Actor,
    production: str,
    specs: Sequence[ModelSpec],
    *,
    start: date | None = None,
    end: date | None = None,
    override_reason: str | None = None,
    today: date | None = None,
) -> ModelBookingResult:
    """Book quantities of models for a production's window (or ``start``..``end``)."""
    actor.require(Permission.RESERVE, "reserve gear")
    prod = production_by_key(session, production)
    ensure_active(prod)
    reason = clean_text(override_reason, "override_reason", max_length=500)
    if start is None or end is None:
        w_start, w_end = require_window(prod)
        start, end = start or w_start, end or w_end
    wanted: dict[int, int] = defaultdict(int)
    for name, qty in specs:
        wanted[model_by_key(session, name).id] += parse_int(qty, "quantity", minimum=1)
    # One booking at a time per model, whichever workstation it comes from.
    session.execute(
        select(ProductModel.id).where(ProductModel.id.in_(sorted(wanted))).with_for_update()
    ).all()
    held: dict[int, int] = defaultdict(int)
    for mid, qty in session.execute(
        select(ModelReservation.model_id, ModelReservation.quantity).where(
            ModelReservation.production_id == prod.id,
            ModelReservation.model_id.in_(sorted(wanted)),
            ModelReservation.start_date <= start,
            ModelReservation.end_date >= end,
        )
    ):
        held[mid] += qty
    conflicts = shortage(session, prod, dict(wanted), start, end, today=today)
    if conflicts and not reason:
        raise ConflictError(
            f"Cannot reserve for {prod.name}: "
            + " ".join(c.message for c in conflicts)
            + " Reserve with an override reason to book it anyway."
        )
    short = {c.item_id for c in conflicts}
    rows = [
        ModelReservation(
            production_id=prod.id,
            model_id=mid,
            quantity=qty - held[mid],
            start_date=start,
            end_date=end,
            override_reason=reason if mid in short else "",
        )
        for mid, qty in wanted.items()
        if qty > held[mid]
    ]
    session.add_all(rows)
    session.flush()
    lines = tuple(_line(r) for r in rows)
    for ln in lines:
        forced = ln.model_id in short
        history.record(
            session,
            actor,
            "reserve_override" if forced else "reserve",
            "model",
            ln.model_id,
            "",
            f"{ln.quantity} × {ln.model} reserved for {prod.name} "
            f"{day_text(start)}..{day_text(end)}"
            + (f" despite conflicts ({reason})" if forced else ""),
            after={
                "production": prod.name,
                "model": ln.model,
                "quantity": ln.quantity,
                "start": start,
                "end": end,
                **({"override_reason": reason} if forced else {}),
            },
        )
    if lines:
        history.record(
            session,
            actor,
            "reserve_override" if conflicts else "reserve",
            "production",
            prod.id,
            prod.tag,
            f"{', '.join(f'{ln.quantity} × {ln.model}' for ln in lines)} reserved for {prod.name}",
            after={"models": {ln.model: ln.quantity for ln in lines}, "start": start, "end": end},
        )
    return ModelBookingResult(
        prod.name, start, end, lines, tuple(conflicts), reason if conflicts else ""
    )


def unreserve_models(
    session: Session, actor: Actor, production: str, specs: Sequence[ModelSpec]
) -> int:
    """Release quantities of booked models (newest bookings first); returns units released."""
    actor.require(Permission.RESERVE, "cancel reservations")
    prod = production_by_key(session, production)
    released = 0
    for name, qty in specs:
        model = model_by_key(session, name)
        rows = list(
            session.scalars(
                select(ModelReservation)
                .where(
                    ModelReservation.production_id == prod.id,
                    ModelReservation.model_id == model.id,
                )
                .order_by(ModelReservation.id.desc())
                .with_for_update(of=ModelReservation)
            )
        )
        have = sum(r.quantity for r in rows)
        if have == 0:
            raise NotFoundError(f"No {model.name} is reserved for {prod.name}.")
        if qty > have:
            raise ConflictError(
                f"Only {have} × {model.name} are reserved for {prod.name}; "
                f"{qty} cannot be released."
            )
        left = qty
        for r in rows:
            if left == 0:
                break
            take = min(left, r.quantity)
            left -= take
            if take == r.quantity:
                session.execute(delete(ModelReservation).where(ModelReservation.id == r.id))
            else:
                r.quantity -= take
        released += qty
        _record_release(session, actor, prod, model, qty, have)
    session.flush()
    return released


def _record_release(
    session: Session, actor: Actor, prod: Production, model: ProductModel, qty: int, have: int
) -> None:
    history.record(
        session,
        actor,
        "unreserve",
        "model",
        model.id,
        "",
        f"{qty} × {model.name} no longer reserved for {prod.name}",
        before={"production": prod.name, "model": model.name, "quantity": have},
        after={"production": prod.name, "model": model.name, "quantity": have - qty},
    )


def release_model_line(
    session: Session,
    actor: Actor,
    production: str,
    line_id: int,
    quantity: int | None = None,
) -> int:
    """Release one model booking line of a production, whole or ``quantity`` units of it;
    returns the units released."""
    actor.require(Permission.RESERVE, "cancel reservations")
    prod = production_by_key(session, production)
    line = session.scalar(
        select(ModelReservation)
        .where(ModelReservation.id == line_id, ModelReservation.production_id == prod.id)
        .with_for_update(of=ModelReservation)
    )
    if line is None:
        raise NotFoundError(
            f"That model booking is no longer held for {prod.name}; refresh and try again."
        )
    model = line.product_model
    qty = line.quantity if quantity is None else parse_int(quantity, "quantity", minimum=1)
    if qty > line.quantity:
        raise ConflictError(
            f"Only {line.quantity} × {model.name} are booked on that line for {prod.name}; "
            f"{qty} cannot be released."
        )
    have = sum(
        session.scalars(
            select(ModelReservation.quantity).where(
                ModelReservation.production_id == prod.id,
                ModelReservation.model_id == model.id,
            )
        )
    )
    if qty == line.quantity:
        session.execute(delete(ModelReservation).where(ModelReservation.id == line.id))
    else:
        line.quantity -= qty
    _record_release(session, actor, prod, model, qty, have)
    session.flush()
    return qty


def serial_model_conflicts(
    session: Session,
    production: Production,
    asset_ids: Sequence[int],
    start: date,
    end: date,
    today: date | None = None,
) -> list[Conflict]:
    """Serials reserved by tag still have to fit beside other productions' model bookings."""
    if not asset_ids:
        return []
    per_model: dict[int, list[int]] = defaultdict(list)
    for aid, mid in session.execute(
        select(Asset.id, Asset.model_id).where(Asset.id.in_(list(asset_ids)))
    ):
        if mid is not None:
            per_model[mid].append(aid)
    booked = set(
        session.scalars(
            select(ModelReservation.model_id).where(
                ModelReservation.model_id.in_(sorted(per_model)),
                ModelReservation.production_id != production.id,
            )
        )
    )
    extra = {m: len(a) for m, a in per_model.items() if m in booked}
    found = shortage(session, production, {}, start, end, extra_serials=extra, today=today)
    tags: dict[int, str] = {
        i: t
        for i, t in session.execute(
            select(Asset.id, Asset.tag).where(Asset.id.in_(list(asset_ids)))
        )
    }
    out = []
    for c in found:
        aid = per_model[c.item_id][0]
        out.append(
            Conflict(
                c.kind,
                "asset",
                aid,
                tags[aid],
                c.name,
                c.message,
                quantity=c.quantity,
                day=c.day,
            )
        )
    return out


def serials_short(
    session: Session,
    production_id: int,
    serials: dict[int, int],
    start: date,
    end: date,
    *,
    lock: bool = False,
    today: date | None = None,
) -> dict[int, str]:
    """Why ``serials[model]`` serials of each model cannot go out to a production: the other
    productions booked the rest by model. Counted with what the production has out already
    and what it booked itself; ``lock`` takes the models' rows first (one winner for the last
    unit, as :func:`reserve_models` does). Returns a message per model that does not fit."""
    ids = sorted(m for m, n in serials.items() if n > 0)
    if not ids:
        return {}
    if lock:
        session.execute(
            select(ProductModel.id).where(ProductModel.id.in_(ids)).with_for_update()
        ).all()
    booked = set(
        session.scalars(
            select(ModelReservation.model_id)
            .where(
                ModelReservation.model_id.in_(ids),
                ModelReservation.production_id != production_id,
            )
            .distinct()
        )
    )
    ids = [m for m in ids if m in booked]
    if not ids:
        return {}
    avail = model_availability(session, ids, start, end, production_id=production_id, today=today)
    mine = own_use(session, production_id, ids, start, end)
    out_now: dict[int, int] = defaultdict(int)
    for mid in session.scalars(
        select(Asset.model_id)
        .join(CheckoutLine, CheckoutLine.asset_id == Asset.id)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(
            Checkout.production_id == production_id,
            CheckoutLine.returned_at.is_(None),
            Asset.model_id.in_(ids),
        )
    ):
        if mid is not None:
            out_now[mid] += 1
    found: dict[int, str] = {}
    for mid in ids:
        for day in avail[mid].days:
            booked_qty, by_tag = mine[mid][day.day]
            if day.free < max(booked_qty + by_tag, serials[mid] + out_now[mid]):
                found[mid] = (
                    f"Only {day.free} of {day.bookable} {avail[mid].name} are free on "
                    f"{day.day.isoformat()}: the others are booked elsewhere."
                )
                break
    return found
