"""Demo productions for the demo rental house: past, present and future jobs.

Loaded after the demo catalog (``services.demo.load_demo``). It finds the demo's kits and
people by name and falls back to whatever the catalog holds, so it also works on a smaller
catalog. Everything goes through the ordinary services (reservations, check-out, check-in,
service tickets), so history is complete. Check-outs and returns of jobs in the past are dated
on their prep and wrap days so that the front desk and the reports look lived-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Kit,
    PersonRole,
    Production,
    ShootDayKind,
)
from gearroom.services import (
    checkout,
    checkout_cart,
    checkout_out,
    clients,
    gear_lists,
    productions,
    reservations,
    returns,
)
from gearroom.services.actor import Actor, Permission
from gearroom.services.ensure import ensure_person
from gearroom.services.productions import ShootDayDraft


@dataclass(frozen=True)
class _Job:
    name: str
    client: str
    contact: str
    prep: tuple[int, ...]
    shoot: tuple[int, ...]
    wrap: int
    location: str
    kits: tuple[str, ...]
    custodian: str


JOBS = (
    _Job(
        "Harbour Lights",
        "Northlight Films",
        "Rachel Kim",
        (-24,),
        tuple(range(-23, -16)),
        -15,
        "Port of Long Beach",
        ("ARRI Alexa Mini LF Camera Package", "SkyPanel S60-C Lighting Kit"),
        "Jonah Whitaker",
    ),
    _Job(
        "Blue Hour (music video)",
        "Parade Records",
        "Hannah Cole",
        (-7,),
        (-6, -5),
        -4,
        "Joshua Tree",
        ("Sony FX6 Documentary Kit A", "DJI Mavic 3 Cine Kit"),
        "Keiko Tanaka",
    ),
    _Job(
        "Northern Line",
        "Cole & Webb Advertising",
        "Marcus Webb",
        (-2,),
        (-1, 0, 1, 2),
        3,
        "Union Station",
        ("ARRI Alexa 35 Camera Package", "Astera Titan Tube Kit A"),
        "Ana Ribeiro",
    ),
    _Job(
        "Morning Show Promo",
        "KTLA Creative",
        "Daniel Osei",
        (0,),
        (1,),
        2,
        "Studio 4",
        ("Sony FX6 Documentary Kit B", "Lectrosonics Wireless Lav Kit"),
        "Luis Ortega",
    ),
    _Job(
        "Salt Flats",
        "Meridian Pictures",
        "Julia Fern",
        (7, 8),
        tuple(range(9, 16)),
        16,
        "Bonneville",
        ("RED V-Raptor Camera Package", "DJI Inspire 3 Drone Kit"),
        "Priya Raman",
    ),
)


def load_demo_productions(session: Session, actor: Actor, today: date) -> int:
    """Add the demo productions with reservations, check-outs, returns, damage and a ticket.

    Returns how many productions were added (none when they exist already).
    """
    if session.scalar(select(Production.id).limit(1)) is not None:
        return 0
    kits_by_name = {
        k.name: k.tag for k in session.scalars(select(Kit).where(Kit.retired.is_(False)))
    }
    spare_kits = sorted(kits_by_name.values())
    added = 0
    for index, job in enumerate(JOBS):
        tags = [kits_by_name[n] for n in job.kits if n in kits_by_name]
        if not tags and spare_kits:
            tags = [spare_kits[index % len(spare_kits)]]
        if not tags:
            tags = _loose_assets(session, index)
        if not tags:
            break
        _create(session, actor, job, today)
        added += 1
        try:
            reservations.reserve(session, actor, job.name, tags, today=today)
        except GearroomError:
            # Something is booked or in service already: book what is free, item by item.
            _reserve_what_is_free(session, actor, job.name, tags, today)
        _play(session, actor, job, tags, today)
    return added


def _create(session: Session, actor: Actor, job: _Job, today: date) -> None:
    days = [
        ShootDayDraft(today + timedelta(d), ShootDayKind.PREP, "Rental house") for d in job.prep
    ]
    days += [
        ShootDayDraft(today + timedelta(d), ShootDayKind.SHOOT, job.location, time(7, 0))
        for d in job.shoot
    ]
    days.append(ShootDayDraft(today + timedelta(job.wrap), ShootDayKind.WRAP, "Rental house"))
    contact = _person(session, actor, job.contact, PersonRole.CLIENT)
    _client(session, actor, job)
    productions.create_production(
        session,
        actor,
        job.name,
        client=job.client,
        contact=contact,
        notes=f"Demo production shooting at {job.location}.",
        days=days,
    )


def _client(session: Session, actor: Actor, job: _Job) -> None:
    """The job's client as a client company (linked by name when the production is made), so
    that quotes and invoices of the demo have someone to bill; one of them gets 10 % off."""
    if not actor.can(Permission.PRICES) or clients.find_client(session, job.client) is not None:
        return
    clients.add_client(
        session,
        actor,
        job.client,
        email=f"accounts@{''.join(ch for ch in job.client.lower() if ch.isalnum())}.example",
        contacts=[job.contact],
        terms_days=30,
        discount="10" if job.client == JOBS[0].client else "0",
    )


def _person(session: Session, actor: Actor, name: str, role: PersonRole) -> str:
    return ensure_person(session, actor, name, role)[0].badge


def _loose_assets(session: Session, index: int) -> list[str]:
    tags = list(
        session.scalars(
            select(Asset.tag)
            .where(Asset.status == AssetStatus.AVAILABLE)
            .order_by(Asset.tag)
            .offset(index * 3)
            .limit(3)
        )
    )
    return tags


def _reserve_what_is_free(
    session: Session, actor: Actor, production: str, tags: Sequence[str], today: date
) -> None:
    wanted = gear_lists.resolve_items(session, list(tags))
    asset_tags = list(session.scalars(select(Asset.tag).where(Asset.id.in_(list(wanted.assets)))))
    for tag in sorted(asset_tags):
        check = reservations.check_reservation(session, production, [tag], today=today)
        if check.ok:
            reservations.reserve(session, actor, production, [tag], today=today)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _send_out(
    session: Session, actor: Actor, job: _Job, tags: Sequence[str], when: date
) -> checkout_out.CheckoutView | None:
    """Scan the reserved kits member by member (skipping anything unavailable) and commit."""
    custodian = _person(session, actor, job.custodian, PersonRole.CREW)
    cart = checkout_cart.new_cart(session, job.name, custodian)
    for tag in tags:
        result = checkout_cart.scan_into_cart(session, cart, tag, whole_kit=True, today=when)
        if result.verdict.ok:
            cart = result.cart
            continue
        wanted = gear_lists.resolve_items(session, [tag])
        for asset_tag in session.scalars(
            select(Asset.tag).where(Asset.id.in_(list(wanted.assets))).order_by(Asset.tag)
        ):
            step = checkout_cart.scan_into_cart(session, cart, asset_tag, today=when)
            if step.verdict.ok:
                cart = step.cart
    if not cart.lines:
        return None
    view = checkout.commit_checkout(session, actor, cart, today=when)
    session.execute(update(Checkout).where(Checkout.id == view.id).values(out_at=_at(when, 8)))
    return view


def _play(session: Session, actor: Actor, job: _Job, tags: Sequence[str], today: date) -> None:
    prep = today + timedelta(min(job.prep))
    wrap = today + timedelta(job.wrap)
    if prep >= today:
        return  # going out today or later: reserved only
    view = _send_out(session, actor, job, tags, prep)
    if view is None:
        return
    asset_lines = [ln for ln in view.lines if ln.item_kind == "asset"]
    if wrap >= today:
        return  # on set now
    late = job.name.startswith("Blue Hour")
    if late:
        # Back a day late, and the first item is still out: overdue on the front desk.
        back = [ln.tag for ln in asset_lines[1:]]
        back += [f"{ln.tag}:{ln.quantity}" for ln in view.lines if ln.item_kind == "stock"]
        if back:
            returns.checkin(session, actor, back, today=today)
    else:
        damaged = asset_lines[1] if len(asset_lines) > 1 else None
        if damaged is not None:
            returns.checkin(
                session,
                actor,
                [damaged.tag],
                condition="damaged",
                note="Scratch on the front element found at check-in; needs polishing",
                today=today,
            )
        rest = [ln.tag for ln in asset_lines if damaged is None or ln.tag != damaged.tag]
        rest += [f"{ln.tag}:{ln.quantity}" for ln in view.lines if ln.item_kind == "stock"]
        if rest:
            returns.checkin(session, actor, rest, today=today)
    session.execute(
        update(CheckoutLine)
        .where(CheckoutLine.checkout_id == view.id, CheckoutLine.returned_at.is_not(None))
        .values(returned_at=_at(wrap + timedelta(1 if late else 0), 18))
    )
