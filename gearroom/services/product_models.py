"""Models (products): make + model within a category, their serials, and availability per day.

A model's free count on a day is its bookable serials (retired, lost, missing and in-service
serials never count) minus what other productions use that day. A production's use of a model
on a day is the larger of (its model bookings + its serials reserved by tag) and (its serials
reserved or out): a serial checked out against a model booking fills it rather than adding to
it. Other productions' use is widened by the turnaround buffer, as for serials and stock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Category,
    Checkout,
    CheckoutLine,
    Location,
    ModelReservation,
    ProductModel,
    Reservation,
    ReturnCondition,
    ServiceTicket,
)
from gearroom.services.availability import check_window, chunks, turnaround_days
from gearroom.services.names import did_you_mean, same_name
from gearroom.text import name_key

STRIP_DAYS = 14
UNBOOKABLE = frozenset({AssetStatus.RETIRED, AssetStatus.LOST, AssetStatus.IN_SERVICE})


def model_name(make: str, model: str, fallback: str) -> str:
    """What a model is called: make and model, or the item's name when both are empty."""
    return " ".join(f"{make} {model}".split()) or " ".join(fallback.split())


@dataclass(frozen=True)
class ModelSummary:
    id: int
    name: str
    make: str
    model: str
    category: str
    serials: int
    bookable: int


@dataclass(frozen=True)
class SerialView:
    asset_id: int
    tag: str
    serial: str
    status: AssetStatus
    location: str | None


@dataclass(frozen=True)
class ModelDay:
    day: date
    bookable: int
    used_elsewhere: int
    free: int


@dataclass(frozen=True)
class ModelAvailability:
    model_id: int
    name: str
    start: date
    end: date
    days: tuple[ModelDay, ...]

    @property
    def min_free(self) -> int:
        return min((d.free for d in self.days), default=0)


@dataclass(frozen=True)
class ModelDetail:
    summary: ModelSummary
    serials: tuple[SerialView, ...]
    strip: ModelAvailability


def find_or_create_model(
    session: Session, category_id: int, make: str, model: str, fallback: str
) -> ProductModel:
    """The model of an item with this make and model in this category (created if new)."""
    name = model_name(make, model, fallback)[:200]
    if not name:
        raise ValidationError("A model needs a make, a model or a name.")
    found = session.scalar(
        select(ProductModel).where(
            ProductModel.category_id == category_id, ProductModel.name_key == name_key(name)
        )
    )
    if found is not None:
        return found
    created = ProductModel(category_id=category_id, name=name, make=make, model=model)
    session.add(created)
    session.flush()
    return created


def assign_model(session: Session, asset: Asset) -> None:
    """Link an asset to the model its category, make and model name (creating the model)."""
    session.flush()
    asset.model_id = find_or_create_model(
        session, asset.category_id, asset.make, asset.model, asset.name
    ).id


def model_by_key(session: Session, key: str) -> ProductModel:
    """A model by name (any case and Unicode form); ``Category/Name`` when names clash."""
    text = " ".join(key.split())
    category, sep, rest = text.partition("/")
    stmt = select(ProductModel).where(same_name(ProductModel, rest if sep else text))
    if sep:
        stmt = stmt.join(Category, Category.id == ProductModel.category_id).where(
            same_name(Category, category)
        )
    found = list(session.scalars(stmt))
    if len(found) > 1:
        options = ", ".join(f"{m.category.name}/{m.name}" for m in found)
        raise ValidationError(f"{len(found)} models are called {text!r}; say which: {options}.")
    if not found:
        names = session.scalars(select(ProductModel.name))
        raise NotFoundError(f"There is no model called {text!r}." + did_you_mean(text, names))
    return found[0]


def list_models(session: Session, category: str | None = None) -> list[ModelSummary]:
    """Every model with how many serials it has and how many of them can be booked."""
    stmt = (
        select(
            ProductModel.id,
            ProductModel.name,
            ProductModel.make,
            ProductModel.model,
            Category.name,
            func.count(Asset.id),
            func.count(Asset.id).filter(Asset.status.not_in(UNBOOKABLE)),
        )
        .join(Category, Category.id == ProductModel.category_id)
        .outerjoin(Asset, Asset.model_id == ProductModel.id)
        .group_by(ProductModel.id, Category.name)
        .order_by(Category.name, ProductModel.name)
    )
    if category:
        stmt = stmt.where(same_name(Category, category))
    return [
        ModelSummary(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6]))
        for r in session.execute(stmt)
    ]


def _summary(session: Session, model: ProductModel) -> ModelSummary:
    return next(s for s in list_models(session) if s.id == model.id)


def show_model(session: Session, key: str, *, today: date | None = None) -> ModelDetail:
    """A model's serials with their state and a two-week availability strip from today."""
    model = model_by_key(session, key)
    today = today or date.today()
    serials = tuple(
        SerialView(r[0], r[1], r[2], r[3], r[4])
        for r in session.execute(
            select(Asset.id, Asset.tag, Asset.serial, Asset.status, Location.name)
            .outerjoin(Location, Location.id == Asset.location_id)
            .where(Asset.model_id == model.id)
            .order_by(Asset.tag)
        )
    )
    strip = model_availability(
        session, [model.id], today, today + timedelta(days=STRIP_DAYS - 1), today=today
    )[model.id]
    return ModelDetail(_summary(session, model), serials, strip)


def model_availability(
    session: Session,
    model_ids: Iterable[int],
    start: date,
    end: date,
    *,
    production_id: int | None = None,
    buffer: int | None = None,
    today: date | None = None,
) -> dict[int, ModelAvailability]:
    """Free serials of each model on each day of ``start``..``end`` (others' use subtracted)."""
    check_window(start, end)
    ids = sorted(set(model_ids))
    gap = turnaround_days(session) if buffer is None else buffer
    today = today or date.today()
    widen = timedelta(days=gap)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    result: dict[int, ModelAvailability] = {}
    for part in chunks(ids):
        names: dict[int, str] = {
            mid: name
            for mid, name in session.execute(
                select(ProductModel.id, ProductModel.name).where(ProductModel.id.in_(part))
            )
        }
        ticketed = select(ServiceTicket.id).where(
            ServiceTicket.asset_id == Asset.id, ServiceTicket.closed_at.is_(None)
        )
        missing = select(CheckoutLine.id).where(
            CheckoutLine.asset_id == Asset.id,
            CheckoutLine.returned_at.is_(None),
            CheckoutLine.condition == ReturnCondition.MISSING,
        )
        bookable: dict[int, int] = defaultdict(int)
        serial_model: dict[int, int] = {}
        for asset_id, mid, status, in_service, lost in session.execute(
            select(
                Asset.id, Asset.model_id, Asset.status, ticketed.exists(), missing.exists()
            ).where(Asset.model_id.in_(part))
        ):
            if mid is None:
                continue
            serial_model[asset_id] = mid
            if status not in UNBOOKABLE and not in_service and not lost:
                bookable[mid] += 1
        # (model, production) -> windows of: model quantities, serials reserved, serials out
        qty: dict[tuple[int, int], list[tuple[date, date, int]]] = defaultdict(list)
        serial_use: dict[tuple[int, int], list[tuple[date, date, int, bool]]] = defaultdict(list)
        mstmt = select(
            ModelReservation.model_id,
            ModelReservation.production_id,
            ModelReservation.start_date,
            ModelReservation.end_date,
            ModelReservation.quantity,
        ).where(
            ModelReservation.model_id.in_(part),
            ModelReservation.start_date <= end + widen,
            ModelReservation.end_date >= start - widen,
        )
        if production_id is not None:
            mstmt = mstmt.where(ModelReservation.production_id != production_id)
        for mid, pid, a, b, q in session.execute(mstmt):
            qty[(mid, pid)].append((a - widen, b + widen, q))
        serial_ids = sorted(serial_model)
        for sub in chunks(serial_ids):
            rstmt = select(
                Reservation.asset_id,
                Reservation.production_id,
                Reservation.start_date,
                Reservation.end_date,
            ).where(
                Reservation.asset_id.in_(sub),
                Reservation.start_date <= end + widen,
                Reservation.end_date >= start - widen,
            )
            if production_id is not None:
                rstmt = rstmt.where(Reservation.production_id != production_id)
            for aid, pid, a, b in session.execute(rstmt):
                if aid is None:
                    continue
                serial_use[(serial_model[aid], pid)].append((a - widen, b + widen, aid, True))
            lstmt = (
                select(
                    CheckoutLine.asset_id,
                    Checkout.production_id,
                    Checkout.out_at,
                    Checkout.due_back,
                )
                .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
                .where(
                    CheckoutLine.asset_id.in_(sub),
                    CheckoutLine.returned_at.is_(None),
                    CheckoutLine.condition.is_distinct_from(ReturnCondition.MISSING),
                )
            )
            if production_id is not None:
                lstmt = lstmt.where(Checkout.production_id != production_id)
            for aid, pid, out_at, due in session.execute(lstmt):
                if aid is None:
                    continue
                last = max(due, today) + widen
                serial_use[(serial_model[aid], pid)].append((out_at.date(), last, aid, False))
        for mid in part:
            if mid not in names:
                continue
            users = {p for (m, p) in qty if m == mid} | {p for (m, p) in serial_use if m == mid}
            per_day = []
            for day in days:
                used = 0
                for pid in users:
                    q = sum(n for a, b, n in qty.get((mid, pid), ()) if a <= day <= b)
                    spans = [s for s in serial_use.get((mid, pid), ()) if s[0] <= day <= s[1]]
                    reserved = {s[2] for s in spans if s[3]}
                    every = {s[2] for s in spans}
                    used += max(q + len(reserved), len(every))
                owned = bookable.get(mid, 0)
                per_day.append(ModelDay(day, owned, used, max(0, owned - used)))
            result[mid] = ModelAvailability(mid, names[mid], start, end, tuple(per_day))
    return result


def own_use(
    session: Session, production_id: int, model_ids: Sequence[int], start: date, end: date
) -> dict[int, dict[date, tuple[int, int]]]:
    """Per model and day: (model quantity booked, serials reserved by tag) of one production."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    q_rows = list(
        session.execute(
            select(
                ModelReservation.model_id,
                ModelReservation.start_date,
                ModelReservation.end_date,
                ModelReservation.quantity,
            ).where(
                ModelReservation.production_id == production_id,
                ModelReservation.model_id.in_(list(model_ids)),
                ModelReservation.start_date <= end,
                ModelReservation.end_date >= start,
            )
        )
    )
    s_rows = list(
        session.execute(
            select(Asset.model_id, Reservation.start_date, Reservation.end_date)
            .join(Asset, Asset.id == Reservation.asset_id)
            .where(
                Reservation.production_id == production_id,
                Asset.model_id.in_(list(model_ids)),
                Reservation.start_date <= end,
                Reservation.end_date >= start,
            )
        )
    )
    out: dict[int, dict[date, tuple[int, int]]] = {}
    for mid in model_ids:
        out[mid] = {
            d: (
                sum(q for m, a, b, q in q_rows if m == mid and a <= d <= b),
                sum(1 for m, a, b in s_rows if m == mid and a <= d <= b),
            )
            for d in days
        }
    return out
