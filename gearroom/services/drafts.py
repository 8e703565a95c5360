"""Draft check-outs: a cart that survives. Each scan is saved as it is added (one short
transaction per scan), so a crash or a move to another workstation loses nothing; the draft
becomes the check-out when committed (all or nothing) or is discarded.

A scan is checked as the cart checks it (free from today to the due-back day, kits whole,
stock counted); something the production did not book is refused unless a reason is given,
and that reason is kept with the scan and in history.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    DraftCheckout,
    DraftScan,
    Person,
    Production,
    StockItem,
    Tag,
    TagKind,
    utcnow,
)
from gearroom.services import checkout, checkout_cart, checkout_out, history
from gearroom.services.actor import Actor, Permission
from gearroom.services.checkout_cart import Cart, CartLine, ScanOutcome
from gearroom.services.people import person_by_key
from gearroom.services.picklist import PickList, is_booked, picklist_of
from gearroom.services.productions import ensure_active, production_by_key
from gearroom.services.resolver import clean_scan
from gearroom.services.validation import clean_text


class DraftOutcome(enum.StrEnum):
    SAVED = "saved"
    NOT_BOOKED = "not_booked"  # asks for a reason before it is added
    REFUSED = "refused"  # unknown, unavailable, already scanned…


@dataclass(frozen=True)
class DraftLine:
    tag: str
    name: str
    quantity: int
    kit_tag: str
    unbooked_reason: str
    scanned_by: str
    scanned_at: datetime


@dataclass(frozen=True)
class DraftView:
    id: int
    production_id: int
    production: str
    custodian: str | None
    custodian_badge: str | None
    due_back: date | None
    started_by: str
    workstation: str
    updated_at: datetime
    lines: tuple[DraftLine, ...]


@dataclass(frozen=True)
class DraftScanResult:
    outcome: DraftOutcome
    message: str
    draft: DraftView
    tag: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is DraftOutcome.SAVED


def _draft(session: Session, draft_id: int, *, lock: bool = False) -> DraftCheckout:
    stmt = select(DraftCheckout).where(DraftCheckout.id == draft_id)
    if lock:
        stmt = stmt.with_for_update(of=DraftCheckout)
    found = session.scalar(stmt)
    if found is None:
        raise NotFoundError(f"Draft check-out #{draft_id} does not exist (committed or discarded).")
    return found


def draft_view(session: Session, draft_id: int) -> DraftView:
    d = _draft(session, draft_id)
    person = session.get(Person, d.custodian_id) if d.custodian_id else None
    names = {
        tag: name
        for tag, name in session.execute(
            select(Tag.tag, Asset.name)
            .join(Asset, Asset.id == Tag.ref_id)
            .join(DraftScan, DraftScan.tag == Tag.tag)
            .where(Tag.kind == TagKind.ASSET, DraftScan.draft_id == d.id)
        )
    }
    names.update(
        {
            tag: name
            for tag, name in session.execute(
                select(Tag.tag, StockItem.name)
                .join(StockItem, StockItem.id == Tag.ref_id)
                .join(DraftScan, DraftScan.tag == Tag.tag)
                .where(Tag.kind == TagKind.STOCK, DraftScan.draft_id == d.id)
            )
        }
    )
    lines = tuple(
        DraftLine(
            s.tag,
            names.get(s.tag, ""),
            s.quantity,
            s.kit_tag,
            s.unbooked_reason,
            s.scanned_by,
            s.scanned_at,
        )
        for s in d.scans
    )
    return DraftView(
        d.id,
        d.production_id,
        d.production.name,
        person.name if person else None,
        person.badge if person else None,
        d.due_back,
        d.started_by,
        d.workstation,
        d.updated_at,
        lines,
    )


def list_drafts(session: Session, production: str | None = None) -> list[DraftView]:
    """Drafts in progress on any workstation (one production's, or all)."""
    stmt = select(DraftCheckout.id).order_by(DraftCheckout.id)
    if production:
        stmt = stmt.where(DraftCheckout.production_id == production_by_key(session, production).id)
    return [draft_view(session, i) for i in session.scalars(stmt)]


def start_draft(
    session: Session,
    actor: Actor,
    production: str,
    *,
    custodian: str | None = None,
    due_back: date | None = None,
    workstation: str = "",
) -> DraftView:
    """A new draft check-out for a production (resume an existing one with its id instead)."""
    actor.require(Permission.CHECKOUT, "check gear out")
    prod = production_by_key(session, production)
    ensure_active(prod)
    person = person_by_key(session, custodian) if custodian else None
    d = DraftCheckout(
        production_id=prod.id,
        custodian_id=person.id if person else None,
        due_back=due_back,
        started_by=actor.name,
        workstation=clean_text(workstation, "workstation", max_length=120),
    )
    session.add(d)
    session.flush()
    history.record(
        session,
        actor,
        "draft_start",
        "production",
        prod.id,
        prod.tag,
        f"Check-out draft #{d.id} started for {prod.name}",
        after={"draft": d.id},
    )
    return draft_view(session, d.id)


def draft_cart(session: Session, draft_id: int) -> Cart:
    """The draft as a cart (what :func:`checkout.commit_checkout` takes)."""
    d = _draft(session, draft_id)
    production = session.get_one(Production, d.production_id)
    cart = checkout_cart.with_production(session, Cart(due_back=d.due_back), production)
    if d.custodian_id is not None:
        person = session.get_one(Person, d.custodian_id)
        cart = replace(cart, custodian_id=person.id, custodian=person.name)
    tags = [s.tag for s in d.scans]
    kinds = (
        {t.tag: t for t in session.scalars(select(Tag).where(Tag.tag.in_(tags)))} if tags else {}
    )
    lines: list[CartLine] = []
    for s in d.scans:
        entry = kinds.get(s.tag)
        if entry is None:
            continue
        if entry.kind is TagKind.ASSET:
            asset = session.get_one(Asset, entry.ref_id)
            lines.append(CartLine("asset", asset.id, asset.tag, asset.name, 1, s.kit_tag or None))
        elif entry.kind is TagKind.STOCK:
            item = session.get_one(StockItem, entry.ref_id)
            have = next((ln for ln in lines if ln.tag == item.tag), None)
            if have is not None:
                lines[lines.index(have)] = replace(have, quantity=have.quantity + s.quantity)
            else:
                lines.append(
                    CartLine("stock", item.id, item.tag, item.name, s.quantity, s.kit_tag or None)
                )
    return replace(cart, lines=tuple(lines))


def draft_picklist(session: Session, draft_id: int) -> PickList:
    d = _draft(session, draft_id)
    return picklist_of(session, session.get_one(Production, d.production_id), d.id)


def scan_draft(
    session: Session,
    actor: Actor,
    draft_id: int,
    text: str,
    *,
    quantity: int = 1,
    unbooked_reason: str | None = None,
    today: date | None = None,
) -> DraftScanResult:
    """Check one scan against the draft and save it (call in its own short transaction)."""
    actor.require(Permission.CHECKOUT, "check gear out")
    today = today or date.today()
    d = _draft(session, draft_id, lock=True)
    reason = clean_text(unbooked_reason, "reason", max_length=500)
    tag = clean_scan(text).partition(":")[0]
    entry = session.get(Tag, tag) if tag else None
    if entry is not None and entry.kind is TagKind.PERSON:
        person = session.get_one(Person, entry.ref_id)
        if not person.active:
            return _answer(
                session, d, DraftOutcome.REFUSED, f"{person.name} is marked inactive.", tag
            )
        d.custodian_id = person.id
        session.flush()
        return _answer(session, d, DraftOutcome.SAVED, f"Signed for by {person.name}.", tag)
    if entry is not None and entry.kind is TagKind.PRODUCTION and entry.ref_id != d.production_id:
        return _answer(
            session, d, DraftOutcome.REFUSED, "This draft is for another production.", tag
        )
    cart = draft_cart(session, d.id)
    result = checkout_cart.scan_into_cart(
        session, cart, text, quantity=quantity, whole_kit=True, today=today
    )
    verdict = result.verdict
    if verdict.outcome is ScanOutcome.PRODUCTION_SET:
        return _answer(session, d, DraftOutcome.SAVED, verdict.message, tag)
    if not verdict.ok:
        return _answer(session, d, DraftOutcome.REFUSED, verdict.message, verdict.tag)
    assert entry is not None
    pick = picklist_of(session, d.production, d.id)
    model_id = (
        session.scalar(select(Asset.model_id).where(Asset.id == entry.ref_id))
        if (entry.kind is TagKind.ASSET)
        else None
    )
    booked = is_booked(pick, entry.kind, entry.ref_id, model_id)
    if not booked and not reason:
        return _answer(
            session,
            d,
            DraftOutcome.NOT_BOOKED,
            f"{tag} is not booked for {d.production.name}: confirm with a reason to add it.",
            tag,
        )
    before = {ln.tag: ln.quantity for ln in cart.lines}
    for ln in result.cart.lines:
        added = ln.quantity - before.get(ln.tag, 0)
        if added > 0:
            session.add(
                DraftScan(
                    draft_id=d.id,
                    tag=ln.tag,
                    quantity=added,
                    kit_tag=ln.kit_tag or "",
                    unbooked_reason=reason,
                    scanned_by=actor.name,
                )
            )
    d.updated_at = utcnow()
    session.flush()
    session.expire(d, ["scans"])
    if not booked:
        history.record(
            session,
            actor,
            "unbooked_scan",
            entry.kind.value,
            entry.ref_id,
            tag,
            f"{tag} added to the check-out of {d.production.name} without a booking: {reason}",
            after={"draft": d.id, "reason": reason},
        )
    return _answer(session, d, DraftOutcome.SAVED, verdict.message, tag)


def _answer(
    session: Session, d: DraftCheckout, outcome: DraftOutcome, message: str, tag: str
) -> DraftScanResult:
    return DraftScanResult(outcome, message, draft_view(session, d.id), tag)


def remove_from_draft(session: Session, actor: Actor, draft_id: int, tag: str) -> DraftView:
    """Take a scanned item (or a whole kit's scans) out of the draft."""
    actor.require(Permission.CHECKOUT, "check gear out")
    d = _draft(session, draft_id, lock=True)
    clean = clean_scan(tag)
    gone = session.execute(
        delete(DraftScan).where(
            DraftScan.draft_id == d.id, (DraftScan.tag == clean) | (DraftScan.kit_tag == clean)
        )
    )
    if not getattr(gone, "rowcount", 0):
        raise NotFoundError(f"{clean} is not in draft #{d.id}.")
    session.expire(d, ["scans"])
    return draft_view(session, d.id)


def commit_draft(
    session: Session,
    actor: Actor,
    draft_id: int,
    *,
    override_reason: str | None = None,
    today: date | None = None,
) -> checkout_out.CheckoutView:
    """The draft becomes the check-out, all or nothing; the draft is gone after."""
    d = _draft(session, draft_id, lock=True)
    cart = draft_cart(session, d.id)
    if not cart.lines:
        raise ValidationError(f"Draft #{d.id} is empty: scan the items that go out.")
    view = checkout.commit_checkout(
        session, actor, cart, override_reason=override_reason, today=today
    )
    session.delete(d)
    session.flush()
    return view


def discard_draft(session: Session, actor: Actor, draft_id: int, reason: str = "") -> int:
    """Throw a draft away (nothing went out); returns how many scans it held."""
    actor.require(Permission.CHECKOUT, "check gear out")
    d = _draft(session, draft_id, lock=True)
    if d.started_by != actor.name and not actor.can(Permission.RESERVE):
        raise ConflictError(
            f"Draft #{d.id} was started by {d.started_by}; ask staff to discard it."
        )
    n = len(d.scans)
    prod = d.production
    session.delete(d)
    session.flush()
    history.record(
        session,
        actor,
        "draft_discard",
        "production",
        prod.id,
        prod.tag,
        f"Check-out draft #{draft_id} of {prod.name} discarded ({n} scan(s))"
        + (f": {reason}" if reason else ""),
        before={"draft": draft_id, "scans": n},
    )
    return n
