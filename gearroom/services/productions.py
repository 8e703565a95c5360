"""Productions: client jobs with shoot days; their days set the window their gear is booked for.

A production's *gear window* runs from its first prep day (or its first day of any kind when it
has no prep day) to its return day: its last wrap day (or its last day when it has no wrap day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Production, ShootDay, ShootDayKind, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.clients import client_id_for
from gearroom.services.names import same_name
from gearroom.services.people import person_by_key
from gearroom.services.tags import next_tag_with_prefix, normalize_tag, register_tag, validate_tag
from gearroom.services.validation import clean_text, parse_date

PRODUCTION_PREFIX = "PRD"
MAX_DAYS = 366


@dataclass(frozen=True)
class ShootDayDraft:
    """A day to add to a production."""

    day: date
    kind: ShootDayKind = ShootDayKind.SHOOT
    location: str = ""
    call_time: time | None = None


@dataclass(frozen=True)
class ShootDayView:
    id: int
    day: date
    kind: ShootDayKind
    location: str
    call_time: time | None


@dataclass(frozen=True)
class ProductionView:
    id: int
    tag: str
    name: str
    client: str
    contact: str | None
    contact_badge: str | None
    notes: str
    days: tuple[ShootDayView, ...]
    window_start: date | None
    window_end: date | None

    @property
    def return_day(self) -> date | None:
        """The day its gear is due back (the last wrap day)."""
        return self.window_end


@dataclass(frozen=True)
class ProductionSummary:
    id: int
    tag: str
    name: str
    client: str
    window_start: date | None
    window_end: date | None
    day_count: int
    cancelled: bool = False


def gear_window(days: Iterable[tuple[date, ShootDayKind]]) -> tuple[date, date] | None:
    """(first prep day or first day, last wrap day or last day), or None without days."""
    pairs = list(days)
    if not pairs:
        return None
    preps = [d for d, k in pairs if k is ShootDayKind.PREP]
    wraps = [d for d, k in pairs if k is ShootDayKind.WRAP]
    every = [d for d, _ in pairs]
    start = min(preps) if preps else min(every)
    end = max(wraps) if wraps else max(every)
    return min(start, end), max(start, end)


def window_of(production: Production) -> tuple[date, date] | None:
    return gear_window((d.day, d.kind) for d in production.days)


def require_window(production: Production) -> tuple[date, date]:
    window = window_of(production)
    if window is None:
        raise ValidationError(
            f"{production.name} has no shoot days yet; add its prep, shoot and wrap days or "
            "give the dates."
        )
    return window


def parse_dates(text: str, field: str) -> list[date]:
    """``2026-05-04`` or an inclusive range ``2026-05-04..2026-05-08`` as a list of days."""
    first, sep, last = text.strip().partition("..")
    start = parse_date(first, field)
    if start is None:
        raise ValidationError(f"Give a date for {field} (YYYY-MM-DD).", field=field)
    if not sep:
        return [start]
    end = parse_date(last, field)
    if end is None:
        raise ValidationError(f"{text!r} needs a last date after '..'.", field=field)
    if end < start:
        raise ValidationError(f"{text!r} ends before it starts.", field=field)
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"{text!r} spans more than a year.", field=field)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _day_view(d: ShootDay) -> ShootDayView:
    return ShootDayView(d.id, d.day, d.kind, d.location, d.call_time)


def production_view(p: Production) -> ProductionView:
    window = window_of(p)
    return ProductionView(
        id=p.id,
        tag=p.tag,
        name=p.name,
        client=p.client,
        contact=p.contact.name if p.contact else None,
        contact_badge=p.contact.badge if p.contact else None,
        notes=p.notes,
        days=tuple(_day_view(d) for d in sorted(p.days, key=lambda d: d.day)),
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
    )


def production_by_key(session: Session, key: str) -> Production:
    """A production by its tag (``PRD-0003``) or its name (any case)."""
    text = key.strip()
    production = session.scalar(
        select(Production).where(
            or_(
                Production.tag == normalize_tag(text),
                same_name(Production, text),
            )
        )
    )
    if production is None:
        raise NotFoundError(f"There is no production called or tagged {text!r}.")
    return production


def ensure_active(production: Production) -> None:
    """Refuse new bookings and check-outs for a cancelled production."""
    if production.cancelled_at is not None:
        why = f" ({production.cancel_reason})" if production.cancel_reason else ""
        raise ConflictError(f"{production.name} was cancelled{why}; it takes no new bookings.")


def get_production(session: Session, key: str) -> ProductionView:
    return production_view(production_by_key(session, key))


def get_production_by_id(session: Session, production_id: int) -> ProductionView:
    production = session.get(Production, production_id)
    if production is None:
        raise NotFoundError(f"Production #{production_id} no longer exists.")
    return production_view(production)


def list_productions(
    session: Session,
    *,
    active_on_or_after: date | None = None,
    include_cancelled: bool = False,
) -> list[ProductionSummary]:
    """Productions by first day; with ``active_on_or_after``, those whose window reaches it.
    Cancelled productions are left out unless ``include_cancelled``."""
    query = select(
        Production.id,
        Production.tag,
        Production.name,
        Production.client,
        Production.cancelled_at,
        ShootDay.day,
        ShootDay.kind,
    ).outerjoin(ShootDay, ShootDay.production_id == Production.id)
    if not include_cancelled:
        query = query.where(Production.cancelled_at.is_(None))
    info: dict[int, tuple[str, str, str, bool]] = {}
    days: dict[int, list[tuple[date, ShootDayKind]]] = {}
    for pid, tag, name, client, cancelled_at, day, kind in session.execute(query):
        info[pid] = (tag, name, client, cancelled_at is not None)
        days.setdefault(pid, [])
        if day is not None:
            days[pid].append((day, kind))
    out = []
    for pid, (tag, name, client, cancelled) in info.items():
        window = gear_window(days[pid])
        if active_on_or_after is not None and (window is None or window[1] < active_on_or_after):
            continue
        out.append(
            ProductionSummary(
                pid,
                tag,
                name,
                client,
                window[0] if window else None,
                window[1] if window else None,
                len(days[pid]),
                cancelled,
            )
        )
    out.sort(key=lambda s: (s.window_start or date.max, s.name.lower()))
    return out


def cancellation(session: Session, production_id: int) -> str | None:
    """The line "Cancelled on DATE: reason" for a cancelled production; None otherwise."""
    production = session.get(Production, production_id)
    if production is None:
        raise NotFoundError(f"Production #{production_id} no longer exists.")
    if production.cancelled_at is None:
        return None
    why = f": {production.cancel_reason}" if production.cancel_reason else ""
    return f"Cancelled on {production.cancelled_at.date().isoformat()}{why}"


def _check_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    stmt = select(Production.id).where(same_name(Production, name))
    found = session.scalar(stmt)
    if found is not None and found != own_id:
        raise ConflictError(f"There is a production called {name} already; choose another name.")


def _snapshot(p: Production) -> dict[str, Any]:
    return {
        "name": p.name,
        "client": p.client,
        "contact": p.contact.name if p.contact else None,
        "notes": p.notes,
    }


def _add_days(production: Production, drafts: Sequence[ShootDayDraft]) -> list[ShootDay]:
    taken = {d.day: d for d in production.days}
    added = []
    for draft in drafts:
        if draft.day in taken:
            existing = taken[draft.day]
            raise ConflictError(
                f"{production.name} has {draft.day.isoformat()} already (a "
                f"{existing.kind.value} day); remove it first to change it."
            )
        day = ShootDay(
            day=draft.day,
            kind=ShootDayKind(draft.kind),
            location=clean_text(draft.location, "location", max_length=200),
            call_time=draft.call_time,
        )
        production.days.append(day)
        taken[draft.day] = day
        added.append(day)
    if len(production.days) > MAX_DAYS:
        raise ValidationError(f"A production has {MAX_DAYS} days at most.")
    preps = [d.day for d in production.days if d.kind is ShootDayKind.PREP]
    wraps = [d.day for d in production.days if d.kind is ShootDayKind.WRAP]
    if preps and wraps and min(wraps) < min(preps):
        raise ValidationError(
            f"The wrap day {min(wraps).isoformat()} is before the prep day "
            f"{min(preps).isoformat()}; the gear is prepped first and returned on the wrap day."
        )
    return added


def create_production(
    session: Session,
    actor: Actor,
    name: str,
    *,
    client: str = "",
    contact: str | None = None,
    notes: str = "",
    days: Sequence[ShootDayDraft] = (),
    tag: str | None = None,
) -> ProductionView:
    """Add a production with its days; its tag (``PRD-NNNN``) goes in the tag registry."""
    actor.require(Permission.RESERVE, "add productions")
    clean_name = clean_text(name, "name", max_length=200, required=True)
    _check_name_free(session, clean_name)
    production = Production(
        tag=validate_tag(tag) if tag else next_tag_with_prefix(session, PRODUCTION_PREFIX),
        name=clean_name,
        client=clean_text(client, "client", max_length=200),
        contact=person_by_key(session, contact) if contact else None,
        notes=clean_text(notes, "notes", max_length=10_000),
    )
    production.client_id = client_id_for(session, production.client)
    _add_days(production, days)
    session.add(production)
    session.flush()
    register_tag(session, production.tag, TagKind.PRODUCTION, production.id)
    window = window_of(production)
    history.record(
        session,
        actor,
        "create",
        "production",
        production.id,
        production.tag,
        f"Production {production.name} added",
        after={
            **_snapshot(production),
            "days": [[d.day, d.kind] for d in production.days],
            "window": list(window) if window else None,
        },
    )
    return production_view(production)


PRODUCTION_FIELDS = ("name", "client", "contact", "notes")


def update_production(
    session: Session, actor: Actor, key: str, changes: Mapping[str, Any]
) -> ProductionView:
    actor.require(Permission.RESERVE, "edit productions")
    unknown = set(changes) - set(PRODUCTION_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(sorted(unknown))} of a production.")
    production = production_by_key(session, key)
    before = _snapshot(production)
    for field, value in changes.items():
        if field == "name":
            clean = clean_text(value, "name", max_length=200, required=True)
            _check_name_free(session, clean, production.id)
            production.name = clean
        elif field == "contact":
            production.contact = person_by_key(session, str(value)) if value else None
        elif field == "client":
            production.client = clean_text(value, "client", max_length=200)
            production.client_id = client_id_for(session, production.client)
        elif field == "notes":
            production.notes = clean_text(value, "notes", max_length=10_000)
    after = _snapshot(production)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        session.flush()
        history.record(
            session,
            actor,
            "edit",
            "production",
            production.id,
            production.tag,
            f"{production.name} edited: {', '.join(changed)}",
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return production_view(production)


def add_shoot_days(
    session: Session, actor: Actor, key: str, days: Sequence[ShootDayDraft]
) -> ProductionView:
    """Add days to a production (its window follows; existing reservations keep their dates)."""
    actor.require(Permission.RESERVE, "change shoot days")
    production = production_by_key(session, key)
    if not days:
        raise ValidationError("Give at least one day to add.")
    added = _add_days(production, days)
    session.flush()
    history.record(
        session,
        actor,
        "days_add",
        "production",
        production.id,
        production.tag,
        f"{len(added)} day(s) added to {production.name}",
        after={"days": [[d.day, d.kind] for d in added]},
    )
    return production_view(production)


def remove_shoot_day(session: Session, actor: Actor, key: str, day: date) -> ProductionView:
    actor.require(Permission.RESERVE, "change shoot days")
    production = production_by_key(session, key)
    found = next((d for d in production.days if d.day == day), None)
    if found is None:
        raise NotFoundError(f"{production.name} has no day on {day.isoformat()}.")
    production.days.remove(found)
    session.flush()
    history.record(
        session,
        actor,
        "days_remove",
        "production",
        production.id,
        production.tag,
        f"{day.isoformat()} ({found.kind.value}) removed from {production.name}",
        before={"day": day, "kind": found.kind},
    )
    return production_view(production)
