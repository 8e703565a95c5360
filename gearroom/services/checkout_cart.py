"""The check-out cart: a plain immutable value the screen (or the CLI) holds between scans, and
what one scan does to it, with an immediate verdict.

Nothing is written here: :func:`gearroom.services.checkout.commit_checkout` writes the cart.
A scan is checked from today to the due-back day (reservations, other check-outs, service,
kits whole, stock counted, and serials of a model other productions booked by model).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    Kit,
    KitAsset,
    Person,
    Production,
    StockItem,
    Tag,
    TagKind,
)
from gearroom.services.availability import (
    BlockKind,
    Conflict,
    asset_conflicts,
    check_window,
    chunks,
    stock_availability,
    stock_shortage,
    turnaround_days,
)
from gearroom.services.availability_queries import AssetFlags
from gearroom.services.gear_lists import expand_kits, parse_item
from gearroom.services.model_bookings import serials_short
from gearroom.services.people import person_by_key
from gearroom.services.productions import ensure_active, production_by_key, window_of
from gearroom.services.resolver import clean_scan
from gearroom.services.scan_lookup import MAX_CART_IDS, ScanLookup, lookup_scan

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


def models_short(
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


def unavailable_text(conflicts: Sequence[Conflict]) -> str:
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
    found = _lookup(session, cart, tag, today)
    if found is None:
        shown = tag if len(tag) <= 40 else tag[:40] + "…"
        return ScanResult(
            cart,
            ScanVerdict(ScanOutcome.UNKNOWN_TAG, f"Unknown tag {shown!r}.", tag),
        )
    entry = found
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
        ensure_active(production)  # a cancelled production takes no check-out
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
        if isinstance(found, ScanLookup) and found.free and cart.line(tag) is None:
            assert found.asset_name is not None
            return _added(cart, entry.ref_id, tag, found.asset_name, found.kit_tag)
        flags = found.flags(tag) if isinstance(found, ScanLookup) else None
        return _scan_asset(session, cart, entry.ref_id, tag, today, flags)
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


def _lookup(session: Session, cart: Cart, tag: str, today: date) -> ScanLookup | Tag | None:
    """The tag's registry entry; when the cart's window is known without a query, in the one
    statement that also answers the common case of an asset scan (free: added at once)."""
    window_known = cart.due_back is not None or cart.return_day is not None
    gap = cart.turnaround
    if gap is None or not window_known or len(cart.lines) > MAX_CART_IDS:
        return session.get(Tag, tag)
    start, end = today, max(cart.due_back or max(cart.return_day or today, today), today)
    try:
        check_window(start, end)
    except ValidationError:
        return session.get(Tag, tag)  # the detailed path says what is wrong with the window
    return lookup_scan(
        session,
        tag,
        start,
        end,
        gap=gap,
        production_id=cart.production_id,
        cart_asset_ids=cart.asset_ids,
    )


def _scan_asset(
    session: Session,
    cart: Cart,
    asset_id: int,
    tag: str,
    today: date,
    flags: AssetFlags | None = None,
) -> ScanResult:
    """``flags``: what the scan's one statement already read for the cart's window."""
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
        flags=() if flags is None else (flags,),
    )[asset_id]
    if found.conflicts:
        return ScanResult(
            cart,
            ScanVerdict(
                ScanOutcome.UNAVAILABLE,
                unavailable_text(found.conflicts),
                tag,
                found.conflicts,
            ),
        )
    short = models_short(session, cart, [asset_id], start, end, today)
    if short:
        return ScanResult(cart, ScanVerdict(ScanOutcome.UNAVAILABLE, short, tag))
    return _added(cart, asset_id, tag, found.name, _kit_of(session, [asset_id]).get(asset_id))


def _added(cart: Cart, asset_id: int, tag: str, name: str, kit_tag: str | None) -> ScanResult:
    """The cart with a free asset added, and the verdict (with its kit checklist's progress)."""
    new = replace(cart, lines=(*cart.lines, CartLine("asset", asset_id, tag, name, 1, kit_tag)))
    ticks = ""
    for kit in new.kits:
        if any(t == tag for t, _ in kit.assets):
            left = sum(1 for e in new.checklist(kit.tag) if not e.ticked)
            ticks = f" ({kit.tag}: {left} to go)" if left else f" ({kit.tag} complete)"
    return ScanResult(new, ScanVerdict(ScanOutcome.ADDED, f"{tag} {name} added{ticks}.", tag))


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
                f"Kit {tag} cannot go out whole: {unavailable_text(blocked)}",
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
