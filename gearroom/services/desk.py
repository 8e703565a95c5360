"""The check-out desk over a draft: what the page shows for a production (its pick list and its
draft, resumed when one is in progress on any workstation) and each scan saved into the draft.

A production that booked nothing takes gear over the counter: its scans need no question and
carry the walk-in reason. The first scan after the production starts the draft; every later
scan is saved at once, so a killed app or another workstation finds the same cart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError, ValidationError
from gearroom.models import DraftCheckout, DraftScan, Production, Tag, TagKind, utcnow
from gearroom.services import checkout, checkout_cart, drafts
from gearroom.services.actor import Actor, Permission
from gearroom.services.checkout_cart import Cart, ScanOutcome
from gearroom.services.checkout_out import CheckoutView
from gearroom.services.drafts import DraftOutcome, DraftView
from gearroom.services.picklist import PickList, is_booked, open_draft_id, picklist_of
from gearroom.services.productions import ensure_active
from gearroom.services.resolver import clean_scan
from gearroom.services.validation import clean_text

#: The reason kept with a scan for a production that booked nothing (taken over the counter).
WALK_IN = "walk-in: the production booked nothing"


@dataclass(frozen=True)
class DeskState:
    """A production at the desk: its draft (None before the first scan), cart and pick list."""

    draft: DraftView | None
    cart: Cart
    pick: PickList

    @property
    def draft_id(self) -> int | None:
        return self.draft.id if self.draft is not None else None


@dataclass(frozen=True)
class DeskScan:
    outcome: DraftOutcome
    message: str
    tag: str
    state: DeskState
    #: The scan was another production's sheet: the desk now shows that production.
    switched: bool = False
    #: Refused because it is in the draft already (a notice rather than a refusal).
    already: bool = False
    #: Members of the kits in the draft still to scan.
    kit_members_left: int = 0


def desk_state(session: Session, production_id: int, draft_id: int | None = None) -> DeskState:
    """The production's newest draft in progress (or ``draft_id``), its cart and pick list."""
    prod = session.get(Production, production_id)
    if prod is None:
        raise NotFoundError(f"Production #{production_id} no longer exists.")
    found = draft_id if draft_id is not None else open_draft_id(session, prod.id)
    if found is not None and session.get(DraftCheckout, found) is None:
        found = open_draft_id(session, prod.id)
    if found is None:
        cart = checkout_cart.with_production(session, Cart(), prod)
        return DeskState(None, cart, picklist_of(session, prod, None))
    return DeskState(
        drafts.draft_view(session, found),
        _with_kits(session, found, drafts.draft_cart(session, found)),
        drafts.draft_picklist(session, found),
    )


def _kit_tags(session: Session, draft_id: int) -> list[str]:
    """The kits scanned into the draft (each kept as a scan of the kit's own tag)."""
    return list(
        session.scalars(
            select(DraftScan.tag)
            .join(Tag, Tag.tag == DraftScan.tag)
            .where(DraftScan.draft_id == draft_id, Tag.kind == TagKind.KIT)
            .order_by(DraftScan.id)
        )
    )


def _with_kits(session: Session, draft_id: int, cart: Cart) -> Cart:
    """The draft's cart with the checklist of every kit scanned (members ticked as scanned)."""
    for tag in _kit_tags(session, draft_id):
        if all(k.tag != tag for k in cart.kits):
            cart = replace(cart, kits=checkout_cart.scan_into_cart(session, cart, tag).cart.kits)
    return cart


def desk_scan(
    session: Session,
    actor: Actor,
    production_id: int,
    draft_id: int | None,
    text: str,
    *,
    custodian: str | None = None,
    due_back: date | None = None,
    unbooked_reason: str | None = None,
    quantity: int = 1,
    workstation: str = "",
) -> DeskScan:
    """One scan at the desk of a production: saved into its draft (started when there is none).

    Another production's sheet switches the desk to that production (its own draft)."""
    tag = clean_scan(text).partition(":")[0]
    entry = session.get(Tag, tag) if tag else None
    if entry is not None and entry.kind is TagKind.PRODUCTION:
        prod = session.get_one(Production, entry.ref_id)
        ensure_active(prod)
        state = desk_state(session, prod.id)
        return DeskScan(
            DraftOutcome.SAVED,
            f"Production: {prod.name}",
            tag,
            state,
            entry.ref_id != production_id,
        )
    if draft_id is None or session.get(DraftCheckout, draft_id) is None:
        draft_id = open_draft_id(session, production_id)
    if draft_id is None:
        prod = session.get_one(Production, production_id)
        draft_id = drafts.start_draft(
            session,
            actor,
            prod.tag,
            custodian=custodian,
            due_back=due_back,
            workstation=workstation,
        ).id
    if entry is not None and entry.kind is TagKind.KIT:
        return _scan_kit(session, actor, production_id, draft_id, text, unbooked_reason)
    result = drafts.scan_draft(
        session, actor, draft_id, text, quantity=quantity, unbooked_reason=unbooked_reason
    )
    if (
        result.outcome is DraftOutcome.NOT_BOOKED
        and not drafts.draft_picklist(session, draft_id).lines
    ):
        # Nothing booked at all: gear taken over the counter, and history says so.
        result = drafts.scan_draft(
            session, actor, draft_id, text, quantity=quantity, unbooked_reason=WALK_IN
        )
    state = desk_state(session, production_id, draft_id)
    already = result.outcome is DraftOutcome.REFUSED and any(
        ln.tag == result.tag for ln in state.cart.lines
    )
    return DeskScan(result.outcome, result.message, result.tag, state, already=already)


def set_due_back(session: Session, actor: Actor, draft_id: int, due_back: date) -> DraftView:
    """The day the draft's gear is due back (checked again when it is committed)."""
    actor.require(Permission.CHECKOUT, "check gear out")
    d = session.get(DraftCheckout, draft_id)
    if d is None:
        raise NotFoundError(f"Draft #{draft_id} is gone: it was committed or discarded.")
    d.due_back = due_back
    d.updated_at = utcnow()
    session.flush()
    return drafts.draft_view(session, draft_id)


def set_quantity(
    session: Session, actor: Actor, draft_id: int, tag: str, quantity: int
) -> DraftView:
    """How many pieces of a stock line the draft takes (its scans become one of that count)."""
    actor.require(Permission.CHECKOUT, "check gear out")
    if quantity < 1:
        raise ValidationError("A quantity is at least 1: remove the line instead.")
    d = session.get(DraftCheckout, draft_id)
    if d is None:
        raise NotFoundError(f"Draft #{draft_id} is gone: it was committed or discarded.")
    scans = list(
        session.scalars(select(DraftScan).where(DraftScan.draft_id == d.id, DraftScan.tag == tag))
    )
    if not scans:
        raise NotFoundError(f"{tag} is not in draft #{d.id}.")
    first, *rest = scans
    first.quantity = quantity
    for scan in rest:
        session.delete(scan)
    d.updated_at = utcnow()
    session.flush()
    session.expire(d, ["scans"])
    return drafts.draft_view(session, draft_id)


def _scan_kit(
    session: Session,
    actor: Actor,
    production_id: int,
    draft_id: int,
    text: str,
    reason: str | None,
) -> DeskScan:
    """A kit's tag brings its checklist; its members are scanned one by one after."""
    before = desk_state(session, production_id, draft_id)
    result = checkout_cart.scan_into_cart(session, before.cart, text)
    verdict = result.verdict
    if not verdict.ok:
        already = verdict.outcome is ScanOutcome.ALREADY_IN_CART
        return DeskScan(DraftOutcome.REFUSED, verdict.message, verdict.tag, before, already=already)
    entry = session.get_one(Tag, verdict.tag)
    pick = before.pick
    booked = is_booked(pick, TagKind.KIT, entry.ref_id, None)
    if pick.lines and not booked and not reason:
        return DeskScan(
            DraftOutcome.NOT_BOOKED,
            f"{verdict.tag} is not booked for {pick.production}: confirm with a reason to add it.",
            verdict.tag,
            before,
        )
    clean = clean_text(reason, "reason", max_length=500) or ("" if booked else WALK_IN)
    session.add(
        DraftScan(
            draft_id=draft_id,
            tag=verdict.tag,
            quantity=1,
            kit_tag=verdict.tag,
            unbooked_reason=clean,
            scanned_by=actor.name,
        )
    )
    d = session.get_one(DraftCheckout, draft_id)
    d.updated_at = utcnow()
    session.flush()
    session.expire(d, ["scans"])
    state = desk_state(session, production_id, draft_id)
    missing = len(state.cart.unticked())
    return DeskScan(
        DraftOutcome.SAVED, verdict.message, verdict.tag, state, kit_members_left=missing
    )


def commit_desk(session: Session, actor: Actor, production_id: int, draft_id: int) -> CheckoutView:
    """The draft goes out, kit checklists included (members not scanned: not taken)."""
    state = desk_state(session, production_id, draft_id)
    if state.draft is None or state.draft.id != draft_id:
        raise NotFoundError(f"Draft #{draft_id} is gone: it was committed or discarded.")
    if not state.cart.lines:
        raise ValidationError(f"Draft #{draft_id} is empty: scan the items that go out.")
    view = checkout.commit_checkout(session, actor, state.cart)
    session.delete(session.get_one(DraftCheckout, draft_id))
    session.flush()
    return view
