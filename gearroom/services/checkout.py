"""Check-out: the scan cart, committing it in one transaction, and what is out.

The cart is a plain immutable value the screen (or the CLI) holds between scans; nothing is
written until :func:`commit_checkout`, which writes the check-out, its lines, the assets' ``out``
status and history in one transaction, all or nothing. The database itself refuses a second open
line for an asset (a partial unique index), so two workstations can never send the same item out.

Asset status follows the lines: ``out`` while an open line exists, ``lost`` while a line is open
as missing, ``in_service`` while a service ticket is open, otherwise ``available``.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Event,
    Kit,
    KitAsset,
    Person,
    Production,
    ReturnCondition,
    StockItem,
    Tag,
    TagKind,
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
    expand_kits,
    parse_item,
    stock_availability,
    stock_shortage,
    turnaround_days,
)
from gearroom.services.catalog import change_status
from gearroom.services.model_bookings import serials_short
from gearroom.services.people import person_by_key
from gearroom.services.productions import production_by_key, window_of
from gearroom.services.resolver import clean_scan
from gearroom.services.validation import clean_text

OVERRIDABLE = frozenset({BlockKind.RESERVED, BlockKind.SHORT})

# --------------------------------------------------------------------------- the cart


@dataclass(frozen=True)
class CartLine:
    kind: str  # "asset" | "stock"
    item_id: int
    tag: str
    name: str
    quantity: int = 1
    kit_tag: str | None = None


@dataclass(frozen=True)
class KitChecklist:
    """A kit scanned into the cart: what should be in it (nested kits included)."""

    kit_id: int
    tag: str
    name: str
    assets: tuple[tuple[str, str], ...]  # (tag, name)
    stock: tuple[tuple[str, str, int], ...]  # (tag, name, quantity)


@dataclass(frozen=True)
class ChecklistEntry:
    tag: str
    name: str
    wanted: int
    scanned: int

    @property
    def ticked(self) -> bool:
        return self.scanned >= self.wanted


@dataclass(frozen=True)
class Cart:
    """What is about to go out; held by the caller, never stored."""

    production_id: int | None = None
    production: str | None = None
    custodian_id: int | None = None
    custodian: str | None = None
    due_back: date | None = None
    lines: tuple[CartLine, ...] = ()
    kits: tuple[KitChecklist, ...] = ()
    #: Read once when the production is set, so a scan does not look them up again. The
    #: commit checks against the database's current values.
    return_day: date | None = None
    turnaround: int | None = None

    def line(self, tag: str) -> CartLine | None:
        return next((ln for ln in self.lines if ln.tag == tag), None)

    @property
    def asset_ids(self) -> tuple[int, ...]:
        return tuple(ln.item_id for ln in self.lines if ln.kind == "asset")

    def checklist(self, kit_tag: str) -> tuple[ChecklistEntry, ...]:
        kit = next((k for k in self.kits if k.tag == kit_tag), None)
        if kit is None:
            return ()
        entries = []
        for tag, name in kit.assets:
            entries.append(ChecklistEntry(tag, name, 1, 1 if self.line(tag) else 0))
        for tag, name, qty in kit.stock:
            have = self.line(tag)
            entries.append(ChecklistEntry(tag, name, qty, have.quantity if have else 0))
        return tuple(entries)

    def unticked(self) -> tuple[ChecklistEntry, ...]:
        """Kit members not scanned yet, over every kit in the cart."""
        return tuple(e for k in self.kits for e in self.checklist(k.tag) if not e.ticked)


class ScanOutcome(enum.StrEnum):
    ADDED = "added"
    ALREADY_IN_CART = "already_in_cart"
    UNKNOWN_TAG = "unknown_tag"
    UNAVAILABLE = "unavailable"
    KIT_ADDED = "kit_added"
    STOCK_ADDED = "stock_added"
    CUSTODIAN_SET = "custodian_set"
    PRODUCTION_SET = "production_set"
    REFUSED = "refused"


@dataclass(frozen=True)
class ScanVerdict:
    outcome: ScanOutcome
    message: str
    tag: str = ""
    conflicts: tuple[Conflict, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome in (
            ScanOutcome.ADDED,
            ScanOutcome.KIT_ADDED,
            ScanOutcome.STOCK_ADDED,
            ScanOutcome.CUSTODIAN_SET,
            ScanOutcome.PRODUCTION_SET,
        )


@dataclass(frozen=True)
class ScanResult:
    cart: Cart
    verdict: ScanVerdict


def cart_window(session: Session, cart: Cart, today: date) -> tuple[date, date]:
    """From today to the cart's due-back day (default: the production's return day)."""
    return today, max(default_due_back(session, cart, today), today)


def with_production(session: Session, cart: Cart, production: Production) -> Cart:
    """The cart for ``production``, with its return day and the turnaround read once."""
    window = window_of(production)
    return replace(
        cart,
        production_id=production.id,
        production=production.name,
        return_day=window[1] if window is not None else None,
        turnaround=turnaround_days(session),
    )


def default_due_back(session: Session, cart: Cart, today: date) -> date:
    if cart.due_back is not None:
        return cart.due_back
    if cart.return_day is not None:
        return max(cart.return_day, today)
    if cart.production_id is not None:
        production = session.get(Production, cart.production_id)
        window = window_of(production) if production is not None else None
        if window is not None:
            return max(window[1], today)
    return today


def _kit_of(session: Session, asset_ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunks(list(asset_ids)):
        for asset_id, tag in session.execute(
            select(KitAsset.asset_id, Kit.tag)
            .join(Kit, Kit.id == KitAsset.kit_id)
            .where(KitAsset.asset_id.in_(part))
        ):
            out[asset_id] = tag
    return out


def _models_short(
    session: Session,
    cart: Cart,
    adding: Sequence[int],
    start: date,
    end: date,
    today: date,
    *,
    lock: bool = False,
) -> str:
    """Why the cart's serials (with ``adding``) of a model cannot all go out to its production:
    other productions booked the rest by model ("" when they fit or no production is set)."""
    if cart.production_id is None:
        return ""
    ids = sorted(set(cart.asset_ids) | set(adding))
    serials: dict[int, int] = defaultdict(int)
    for part in chunks(ids):
        for mid in session.scalars(select(Asset.model_id).where(Asset.id.in_(part))):
            if mid is not None:
                serials[mid] += 1
    found = serials_short(
        session, cart.production_id, dict(serials), start, end, lock=lock, today=today
    )
    return " ".join(found[m] for m in sorted(found))


def _unavailable(conflicts: Sequence[Conflict]) -> str:
    return " ".join(c.message for c in conflicts)


def scan_into_cart(
    session: Session,
    cart: Cart,
    text: str,
    *,
    quantity: int = 1,
    whole_kit: bool = False,
    today: date | None = None,
) -> ScanResult:
    """What one scan does to the cart, with an immediate verdict (the cart is not stored).

    An asset is added when it is free from today to the due-back day; a kit tag adds its
    contents as a checklist (ticked as members are scanned; with ``whole_kit`` all its contents
    go into the cart at once); a stock tag adds ``quantity``; a badge sets the custodian and a
    production sheet's tag the production.
    """
    today = today or date.today()
    raw = clean_scan(text)
    tag, qty = parse_item(raw) if ":" in raw else (raw, quantity)
    if not tag:
        return ScanResult(cart, ScanVerdict(ScanOutcome.UNKNOWN_TAG, "Nothing was scanned."))
    entry = session.get(Tag, tag)
    if entry is None:
        shown = tag if len(tag) <= 40 else tag[:40] + "…"
        return ScanResult(
            cart,
            ScanVerdict(ScanOutcome.UNKNOWN_TAG, f"Unknown tag {shown!r}.", tag),
        )
    if entry.kind is TagKind.PERSON:
        person = session.get_one(Person, entry.ref_id)
        if not person.active:
            return ScanResult(
                cart,
                ScanVerdict(ScanOutcome.REFUSED, f"{person.name} is marked inactive.", tag),
            )
        new = replace(cart, custodian_id=person.id, custodian=person.name)
        return ScanResult(
            new,
            ScanVerdict(ScanOutcome.CUSTODIAN_SET, f"Signed for by {person.name}.", tag),
        )
    if entry.kind is TagKind.PRODUCTION:
        production = session.get_one(Production, entry.ref_id)
        new = with_production(session, cart, production)
        due = default_due_back(session, new, today)
        return ScanResult(
            new,
            ScanVerdict(
                ScanOutcome.PRODUCTION_SET,
                f"Production {production.name}, due back {due.isoformat()}.",
                tag,
            ),
        )
    if entry.kind is TagKind.ASSET:
        return _scan_asset(session, cart, entry.ref_id, tag, today)
    if entry.kind is TagKind.STOCK:
        return _scan_stock(session, cart, entry.ref_id, tag, qty, today, None)
    if entry.kind is TagKind.KIT:
        return _scan_kit(session, cart, entry.ref_id, tag, whole_kit, today)
    return ScanResult(
        cart,
        ScanVerdict(
            ScanOutcome.REFUSED, f"{tag} is a {entry.kind.value}; it does not go out.", tag
        ),
    )


def _scan_asset(session: Session, cart: Cart, asset_id: int, tag: str, today: date) -> ScanResult:
    if cart.line(tag) is not None:
        return ScanResult(
            cart, ScanVerdict(ScanOutcome.ALREADY_IN_CART, f"{tag} is in the cart already.", tag)
        )
    start, end = cart_window(session, cart, today)
    found = asset_conflicts(
        session,
        [asset_id],
        start,
        end,
        production_id=cart.production_id,
        buffer=cart.turnaround,
        today=today,
    )[asset_id]
    if found.conflicts:
        return ScanResult(
            cart,
            ScanVerdict(
                ScanOutcome.UNAVAILABLE,
                _unavailable(found.conflicts),
                tag,
                found.conflicts,
            ),
        )
    short = _models_short(session, cart, [asset_id], start, end, today)
    if short:
        return ScanResult(cart, ScanVerdict(ScanOutcome.UNAVAILABLE, short, tag))
    kit_tag = _kit_of(session, [asset_id]).get(asset_id)
    new = replace(
        cart, lines=(*cart.lines, CartLine("asset", asset_id, tag, found.name, 1, kit_tag))
    )
    ticks = ""
    for kit in new.kits:
        if any(t == tag for t, _ in kit.assets):
            left = sum(1 for e in new.checklist(kit.tag) if not e.ticked)
            ticks = f" ({kit.tag}: {left} to go)" if left else f" ({kit.tag} complete)"
    return ScanResult(new, ScanVerdict(ScanOutcome.ADDED, f"{tag} {found.name} added{ticks}.", tag))


def _scan_stock(
    session: Session,
    cart: Cart,
    stock_id: int,
    tag: str,
    qty: int,
    today: date,
    kit_tag: str | None,
) -> ScanResult:
    if qty < 1:
        return ScanResult(
            cart, ScanVerdict(ScanOutcome.REFUSED, "The quantity must be at least 1.", tag)
        )
    have = cart.line(tag)
    total = qty + (have.quantity if have else 0)
    problem = _stock_problem(session, cart, stock_id, total, today)
    if problem is not None:
        return ScanResult(
            cart, ScanVerdict(ScanOutcome.UNAVAILABLE, problem.message, tag, (problem,))
        )
    item = session.get_one(StockItem, stock_id)
    if have is None:
        lines = (*cart.lines, CartLine("stock", stock_id, tag, item.name, total, kit_tag))
    else:
        lines = tuple(replace(ln, quantity=total) if ln.tag == tag else ln for ln in cart.lines)
    return ScanResult(
        replace(cart, lines=lines),
        ScanVerdict(
            ScanOutcome.STOCK_ADDED, f"{qty} × {item.name} added ({total} in the cart).", tag
        ),
    )


def open_stock_out(
    session: Session, stock_ids: Sequence[int], production_id: int | None = None
) -> dict[int, int]:
    stmt = (
        select(
            CheckoutLine.stock_item_id,
            func.sum(CheckoutLine.quantity - CheckoutLine.returned_quantity),
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(CheckoutLine.stock_item_id.in_(list(stock_ids)), CheckoutLine.returned_at.is_(None))
        .group_by(CheckoutLine.stock_item_id)
    )
    if production_id is not None:
        stmt = stmt.where(Checkout.production_id == production_id)
    rows = session.execute(stmt)
    return {int(sid): int(n or 0) for sid, n in rows if sid is not None}


def _stock_problem(
    session: Session, cart: Cart, stock_id: int, total: int, today: date
) -> Conflict | None:
    item = session.get_one(StockItem, stock_id)
    if item.retired:
        return Conflict(
            BlockKind.RETIRED, "stock", item.id, item.tag, item.name, f"{item.tag} is retired."
        )
    out = open_stock_out(session, [stock_id]).get(stock_id, 0)
    if out + total > item.quantity:
        return Conflict(
            BlockKind.SHORT,
            "stock",
            item.id,
            item.tag,
            item.name,
            f"Only {item.quantity - out} of {item.quantity} {item.name} ({item.tag}) are in the "
            f"house; {total} wanted.",
            quantity=item.quantity - out,
        )
    start, end = cart_window(session, cart, today)
    avail = stock_availability(
        session,
        [stock_id],
        start,
        end,
        production_id=cart.production_id,
        buffer=cart.turnaround,
        today=today,
    )[stock_id]
    return stock_shortage(avail, total)


def _scan_kit(
    session: Session, cart: Cart, kit_id: int, tag: str, whole_kit: bool, today: date
) -> ScanResult:
    kit = session.get_one(Kit, kit_id)
    if kit.retired:
        return ScanResult(cart, ScanVerdict(ScanOutcome.REFUSED, f"Kit {tag} is retired.", tag))
    contents = expand_kits(session, [kit_id])
    asset_ids = [a for a, _k in contents.assets]
    assets = {
        r.id: r
        for part in chunks(asset_ids)
        for r in session.execute(select(Asset.id, Asset.tag, Asset.name).where(Asset.id.in_(part)))
    }
    stock_qty: dict[int, int] = defaultdict(int)
    for sid, _k, q in contents.stock:
        stock_qty[sid] += q
    stock = {
        r.id: r
        for r in session.execute(
            select(StockItem.id, StockItem.tag, StockItem.name).where(
                StockItem.id.in_(list(stock_qty))
            )
        )
    }
    checklist = KitChecklist(
        kit.id,
        kit.tag,
        kit.name,
        tuple((assets[a].tag, assets[a].name) for a in asset_ids if a in assets),
        tuple((stock[s].tag, stock[s].name, q) for s, q in stock_qty.items() if s in stock),
    )
    kits = cart.kits if any(k.tag == tag for k in cart.kits) else (*cart.kits, checklist)
    new = replace(cart, kits=kits)
    if not whole_kit:
        entries = new.checklist(tag)
        left = sum(1 for e in entries if not e.ticked)
        return ScanResult(
            new,
            ScanVerdict(
                ScanOutcome.KIT_ADDED,
                f"Kit {tag} {kit.name}: {len(entries)} item(s) to check, {left} still to scan.",
                tag,
            ),
        )
    # The whole kit at once: every member that is not in the cart yet must be free.
    start, end = cart_window(session, new, today)
    todo = [a for a in asset_ids if a in assets and new.line(assets[a].tag) is None]
    found = asset_conflicts(
        session,
        todo,
        start,
        end,
        production_id=cart.production_id,
        buffer=cart.turnaround,
        today=today,
    )
    blocked = [c for a in todo for c in found[a].conflicts]
    if blocked:
        return ScanResult(
            cart,
            ScanVerdict(
                ScanOutcome.UNAVAILABLE,
                f"Kit {tag} cannot go out whole: {_unavailable(blocked)}",
                tag,
                tuple(blocked),
            ),
        )
    kit_of = _kit_of(session, todo)
    lines = list(new.lines)
    for a in todo:
        lines.append(CartLine("asset", a, assets[a].tag, assets[a].name, 1, kit_of.get(a)))
    new = replace(new, lines=tuple(lines))
    for sid, q in stock_qty.items():
        if sid not in stock:
            continue
        step = _scan_stock(session, new, sid, stock[sid].tag, q, today, tag)
        if not step.verdict.ok:
            return ScanResult(
                cart,
                ScanVerdict(
                    ScanOutcome.UNAVAILABLE,
                    f"Kit {tag} cannot go out whole: {step.verdict.message}",
                    tag,
                    step.verdict.conflicts,
                ),
            )
        new = step.cart
    return ScanResult(
        new,
        ScanVerdict(
            ScanOutcome.KIT_ADDED,
            f"Kit {tag} {kit.name}: {len(todo)} item(s) and {len(stock_qty)} stock line(s) added.",
            tag,
        ),
    )


def remove_from_cart(cart: Cart, tag: str) -> Cart:
    """The cart without ``tag`` (an item or a kit checklist)."""
    return replace(
        cart,
        lines=tuple(ln for ln in cart.lines if ln.tag != tag),
        kits=tuple(k for k in cart.kits if k.tag != tag),
    )


def new_cart(
    session: Session,
    production: str | None = None,
    custodian: str | None = None,
    due_back: date | None = None,
) -> Cart:
    """A cart for a production and custodian given by name, tag or badge."""
    cart = Cart(due_back=due_back)
    if production:
        cart = with_production(session, cart, production_by_key(session, production))
    if custodian:
        person = person_by_key(session, custodian)
        cart = replace(cart, custodian_id=person.id, custodian=person.name)
    return cart


# --------------------------------------------------------------------------- commit


@dataclass(frozen=True)
class OutLine:
    """One open check-out line: what a production still has out."""

    line_id: int
    checkout_id: int
    item_kind: str
    item_id: int
    tag: str
    name: str
    serial: str
    quantity: int
    kit_tag: str | None
    production_id: int
    production: str
    custodian: str
    out_at: datetime
    due_back: date
    overdue: bool
    missing: bool


@dataclass(frozen=True)
class CheckoutView:
    id: int
    production: str
    production_tag: str
    custodian: str
    custodian_badge: str
    out_at: datetime
    due_back: date
    operator: str
    lines: tuple[OutLine, ...]


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
    short = _models_short(session, cart, [], today, due_back, today, lock=True)
    if short:
        raise ConflictError(short)

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
        raise ConflictError(_unavailable(hard))
    if conflicts and not reason:
        raise ConflictError(
            _unavailable(conflicts) + " Check out with an override reason to send it anyway."
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


def checkout_view(session: Session, checkout_id: int, *, today: date | None = None) -> CheckoutView:
    checkout = session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFoundError(f"Check-out #{checkout_id} does not exist.")
    lines = out_lines(session, checkout_id=checkout_id, include_closed=True, today=today)
    return CheckoutView(
        checkout.id,
        checkout.production.name,
        checkout.production.tag,
        checkout.custodian.name,
        checkout.custodian.badge,
        checkout.out_at,
        checkout.due_back,
        checkout.operator,
        tuple(lines),
    )


@dataclass(frozen=True)
class SheetLine:
    tag: str
    name: str
    serial: str
    quantity: int
    kit_tag: str | None


@dataclass(frozen=True)
class NotTaken:
    """A member of a kit in the check-out that did not go out with it."""

    kit_tag: str
    tag: str
    name: str
    quantity: int


@dataclass(frozen=True)
class CheckoutSheet:
    """Everything a printed check-out sheet shows (the PDF is drawn elsewhere)."""

    checkout_id: int
    production: str
    production_tag: str
    client: str
    custodian: str
    custodian_badge: str
    out_at: datetime
    due_back: date
    operator: str
    lines: tuple[SheetLine, ...]
    not_taken: tuple[NotTaken, ...] = ()


def _not_taken(session: Session, checkout: Checkout) -> tuple[NotTaken, ...]:
    """The kit members the check-out's history event says did not go out."""
    events = session.scalars(
        select(Event).where(
            Event.action == "checkout",
            Event.entity_kind == "production",
            Event.entity_id == checkout.production_id,
        )
    )
    for event in events:
        after = event.after or {}
        if after.get("checkout") == checkout.id:
            return tuple(
                NotTaken(str(m["kit"]), str(m["tag"]), str(m["name"]), int(m["quantity"]))
                for m in after.get("not_taken", ())
            )
    return ()


def checkout_sheet(session: Session, checkout_id: int) -> CheckoutSheet:
    checkout = session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFoundError(f"Check-out #{checkout_id} does not exist.")
    lines = out_lines(session, checkout_id=checkout_id, include_closed=True)
    return CheckoutSheet(
        checkout.id,
        checkout.production.name,
        checkout.production.tag,
        checkout.production.client,
        checkout.custodian.name,
        checkout.custodian.badge,
        checkout.out_at,
        checkout.due_back,
        checkout.operator,
        tuple(
            SheetLine(ln.tag, ln.name, ln.serial, ln.quantity, ln.kit_tag)
            for ln in sorted(lines, key=lambda x: (x.kit_tag or "", x.tag))
        ),
        _not_taken(session, checkout),
    )


def checkouts_of(session: Session, production: str) -> list[CheckoutView]:
    prod = production_by_key(session, production)
    ids = session.scalars(
        select(Checkout.id).where(Checkout.production_id == prod.id).order_by(Checkout.id)
    )
    return [checkout_view(session, i) for i in ids]


# --------------------------------------------------------------------------- what is out


def out_lines(
    session: Session,
    *,
    production_id: int | None = None,
    checkout_id: int | None = None,
    asset_ids: Sequence[int] | None = None,
    overdue_only: bool = False,
    due_on: date | None = None,
    include_closed: bool = False,
    today: date | None = None,
) -> list[OutLine]:
    today = today or date.today()
    stmt: Any = (
        select(
            CheckoutLine.id,
            CheckoutLine.checkout_id,
            CheckoutLine.asset_id,
            CheckoutLine.stock_item_id,
            func.coalesce(Asset.tag, StockItem.tag),
            func.coalesce(Asset.name, StockItem.name),
            func.coalesce(Asset.serial, ""),
            CheckoutLine.quantity,
            CheckoutLine.returned_quantity,
            Kit.tag,
            Production.id,
            Production.name,
            Person.name,
            Checkout.out_at,
            Checkout.due_back,
            CheckoutLine.condition,
            CheckoutLine.returned_at,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Production, Production.id == Checkout.production_id)
        .join(Person, Person.id == Checkout.custodian_id)
        .outerjoin(Asset, Asset.id == CheckoutLine.asset_id)
        .outerjoin(StockItem, StockItem.id == CheckoutLine.stock_item_id)
        .outerjoin(Kit, Kit.id == CheckoutLine.kit_id)
    )
    if not include_closed:
        stmt = stmt.where(CheckoutLine.returned_at.is_(None))
    if production_id is not None:
        stmt = stmt.where(Checkout.production_id == production_id)
    if checkout_id is not None:
        stmt = stmt.where(CheckoutLine.checkout_id == checkout_id)
    if asset_ids is not None:
        stmt = stmt.where(CheckoutLine.asset_id.in_(list(asset_ids)))
    if overdue_only:
        stmt = stmt.where(Checkout.due_back < today)
    if due_on is not None:
        stmt = stmt.where(Checkout.due_back == due_on)
    out = []
    for r in session.execute(stmt.order_by(Checkout.due_back, Production.name, CheckoutLine.id)):
        is_asset = r[2] is not None
        open_line = r[16] is None
        out.append(
            OutLine(
                line_id=r[0],
                checkout_id=r[1],
                item_kind="asset" if is_asset else "stock",
                item_id=r[2] if is_asset else r[3],
                tag=r[4],
                name=r[5],
                serial=r[6],
                quantity=(r[7] - r[8]) if open_line else r[7],
                kit_tag=r[9],
                production_id=r[10],
                production=r[11],
                custodian=r[12],
                out_at=r[13],
                due_back=r[14],
                overdue=open_line and r[14] < today,
                missing=r[15] is ReturnCondition.MISSING,
            )
        )
    return out


def out_items(
    session: Session,
    *,
    production: str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[OutLine]:
    """Open lines (items marked missing included), optionally one production's or overdue."""
    pid = production_by_key(session, production).id if production else None
    return out_lines(session, production_id=pid, overdue_only=overdue, today=today)


def still_out(session: Session, production_id: int, today: date | None = None) -> list[OutLine]:
    """What a production still has out (after a check-in, for instance)."""
    return out_lines(session, production_id=production_id, today=today)
