"""Check-out: the scan cart, committing it in one transaction, and what is out.

The cart is a plain immutable value the screen (or the CLI) holds between scans; nothing is
written until :func:`commit_checkout`, which writes the check-out, its lines, the assets' ``out``
status and history in one transaction, all or nothing. The database itself refuses a second open
line for an asset (a partial unique index), so two workstations can never send the same item out.

Asset status follows the lines: ``out`` while an open line exists, ``lost`` while a line is open
as missing, ``in_service`` while a service ticket is open, otherwise ``available``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Kit,
    Person,
    Production,
    ReturnCondition,
    StockItem,
    utcnow,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability import (
    HARD_BLOCKS,
    BlockKind,
    Conflict,
    asset_conflicts,
    chunks,
    stock_availability,
    stock_shortage,
)
from gearroom.services.catalog import change_status
from gearroom.services.checkout_cart import (
    Cart,
    default_due_back,
    models_short,
    open_stock_out,
    unavailable_text,
)
from gearroom.services.checkout_out import CheckoutView, checkout_view
from gearroom.services.productions import ensure_active
from gearroom.services.validation import clean_text

#: Conflicts an override reason lets through (bookings of other productions).
OVERRIDABLE = frozenset({BlockKind.RESERVED, BlockKind.SHORT})


# --------------------------------------------------------------------------- commit


def _already_out_message(session: Session, asset_ids: Sequence[int]) -> str | None:
    rows = session.execute(
        select(Asset.tag, Person.name, Production.name, Checkout.out_at, CheckoutLine.condition)
        .join(CheckoutLine, CheckoutLine.asset_id == Asset.id)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Person, Person.id == Checkout.custodian_id)
        .join(Production, Production.id == Checkout.production_id)
        .where(Asset.id.in_(list(asset_ids)), CheckoutLine.returned_at.is_(None))
        .order_by(Asset.tag)
    ).all()
    if not rows:
        return None
    msgs = []
    for tag, person, production, out_at, condition in rows:
        missing = " (marked missing)" if condition is ReturnCondition.MISSING else ""
        msgs.append(
            f"{tag} is already out to {person} for {production} since "
            f"{out_at.date().isoformat()}{missing}"
        )
    return "; ".join(msgs) + "."


def commit_checkout(
    session: Session,
    actor: Actor,
    cart: Cart,
    *,
    override_reason: str | None = None,
    today: date | None = None,
    allow_incomplete_kits: bool = True,
) -> CheckoutView:
    """Write the check-out, its lines, the assets' ``out`` status and history: all or nothing.

    Refused (nothing written) when an item is already out, in service, lost or retired, when
    stock would go out beyond what is owned, or when an item is reserved for another production
    in the window and no ``override_reason`` is given.
    """
    actor.require(Permission.CHECKOUT, "check gear out")
    today = today or date.today()
    if cart.production_id is None:
        raise ValidationError("Scan or choose the production the gear goes out for.")
    if cart.custodian_id is None:
        raise ValidationError("Scan the badge of the person who signs for the gear.")
    if not cart.lines:
        raise ValidationError("The cart is empty: scan the items that go out.")
    if not allow_incomplete_kits and cart.unticked():
        left = ", ".join(e.tag for e in cart.unticked()[:10])
        raise ValidationError(f"Some kit members were not scanned: {left}.")
    production = session.get(Production, cart.production_id)
    if production is None:
        raise NotFoundError("That production no longer exists.")
    ensure_active(production)
    custodian = session.get(Person, cart.custodian_id)
    if custodian is None:
        raise NotFoundError("That person no longer exists.")
    if not custodian.active:
        raise ConflictError(f"{custodian.name} is marked inactive; they cannot sign for gear.")
    due_back = default_due_back(session, cart, today)
    if due_back < today:
        raise ValidationError(f"Due back ({due_back.isoformat()}) is before today.")
    reason = clean_text(override_reason, "override_reason", max_length=500)

    asset_ids = sorted({ln.item_id for ln in cart.lines if ln.kind == "asset"})
    stock_wanted: dict[int, int] = defaultdict(int)
    for ln in cart.lines:
        if ln.kind == "stock":
            stock_wanted[ln.item_id] += ln.quantity
    # Lock the rows decided on (PostgreSQL: FOR UPDATE; SQLite: the write is BEGIN IMMEDIATE).
    assets: dict[int, Asset] = {}
    for part in chunks(asset_ids):
        locking = select(Asset).where(Asset.id.in_(part)).order_by(Asset.id)  # one lock order
        for a in session.scalars(locking.with_for_update(of=Asset)):
            assets[a.id] = a
    gone = [ln.tag for ln in cart.lines if ln.kind == "asset" and ln.item_id not in assets]
    if gone:
        raise NotFoundError(f"{', '.join(gone)} no longer exist(s).")
    stock_rows = {
        s.id: s
        for s in session.scalars(
            select(StockItem)
            .where(StockItem.id.in_(sorted(stock_wanted)))
            .order_by(StockItem.id)
            .with_for_update(of=StockItem)
        )
    }
    already = _already_out_message(session, asset_ids) if asset_ids else None
    if already:
        raise ConflictError(already)
    # Serials of a model other productions booked by model: one winner for the last unit.
    beyond_models = models_short(session, cart, [], today, due_back, today, lock=True)
    if beyond_models:
        raise ConflictError(beyond_models)

    conflicts: list[Conflict] = []
    for found in asset_conflicts(
        session, asset_ids, today, due_back, production_id=production.id, today=today
    ).values():
        # Open lines were refused above (and the unique index refuses them at insert).
        conflicts.extend(
            c for c in found.conflicts if c.kind not in (BlockKind.OUT, BlockKind.MISSING)
        )
    if stock_wanted:
        out_now = open_stock_out(session, list(stock_wanted))
        for sid, qty in stock_wanted.items():
            item = stock_rows.get(sid)
            if item is None:
                raise NotFoundError(f"Stock item #{sid} no longer exists.")
            free = item.quantity - out_now.get(sid, 0)
            if qty > free or item.retired:
                raise ConflictError(
                    f"Only {max(free, 0) if not item.retired else 0} of {item.quantity} "
                    f"{item.name} ({item.tag}) are in the house; {qty} cannot go out."
                )
        avail = stock_availability(
            session, list(stock_wanted), today, due_back, production_id=production.id, today=today
        )
        for sid, qty in stock_wanted.items():
            short = stock_shortage(avail[sid], qty)
            if short is not None:
                conflicts.append(short)
    # Only bookings of other productions can be overridden; out, service, lost, retired cannot.
    hard = [c for c in conflicts if c.kind not in OVERRIDABLE or c.kind in HARD_BLOCKS]
    if hard:
        raise ConflictError(unavailable_text(hard))
    if conflicts and not reason:
        raise ConflictError(
            unavailable_text(conflicts) + " Check out with an override reason to send it anyway."
        )

    checkout = Checkout(
        production=production,
        custodian=custodian,
        out_at=utcnow(),
        due_back=due_back,
        operator=actor.name,
        notes=reason,
    )
    kit_ids = {
        tag: kid
        for tag, kid in session.execute(
            select(Kit.tag, Kit.id).where(
                Kit.tag.in_({ln.kit_tag for ln in cart.lines if ln.kit_tag})
            )
        )
    }
    for ln in cart.lines:
        checkout.lines.append(
            CheckoutLine(
                asset_id=ln.item_id if ln.kind == "asset" else None,
                stock_item_id=ln.item_id if ln.kind == "stock" else None,
                kit_id=kit_ids.get(ln.kit_tag) if ln.kit_tag else None,
                quantity=1 if ln.kind == "asset" else ln.quantity,
            )
        )
    try:
        # A savepoint: a refused insert leaves the transaction usable to say why.
        with session.begin_nested():
            session.add(checkout)
            session.flush()
    except IntegrityError as exc:
        # Another workstation sent one of these out between our check and our write.
        message = _already_out_message(session, asset_ids)
        raise ConflictError(
            message or f"The check-out was refused by the database: {exc.orig}"
        ) from exc

    not_taken = [
        {"kit": k.tag, "tag": e.tag, "name": e.name, "quantity": e.wanted - e.scanned}
        for k in cart.kits
        for e in cart.checklist(k.tag)
        if not e.ticked
    ]
    why = f"to {custodian.name} for {production.name}, due back {due_back.isoformat()}"
    for asset_id in asset_ids:
        change_status(session, actor, assets[asset_id], AssetStatus.OUT, why, action="checkout")
    for sid, qty in stock_wanted.items():
        item = stock_rows[sid]
        history.record(
            session,
            actor,
            "checkout",
            "stock",
            item.id,
            item.tag,
            f"{qty} × {item.tag} out {why}",
            after={"quantity": qty, "production": production.name, "custodian": custodian.name},
        )
    history.record(
        session,
        actor,
        "checkout",
        "production",
        production.id,
        production.tag,
        f"{len(cart.lines)} line(s) out {why}" + (f" (override: {reason})" if conflicts else ""),
        after={
            "checkout": checkout.id,
            "custodian": custodian.name,
            "due_back": due_back,
            "items": [
                ln.tag if ln.kind == "asset" else f"{ln.tag}:{ln.quantity}" for ln in cart.lines
            ],
            **(
                {"override_reason": reason, "conflicts": [c.message for c in conflicts]}
                if conflicts
                else {}
            ),
            **({"not_taken": not_taken} if not_taken else {}),
        },
    )
    return checkout_view(session, checkout.id)
