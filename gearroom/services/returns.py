"""Check-in: gear back from anywhere, each open line closed with a condition and a note.

Damaged or needs-service returns open a service ticket (the item is ``in_service`` until it is
closed); a missing item keeps its line open and becomes ``lost`` until it is found (checked in
again) or written off. Everything a check-in changes commits in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Kit,
    ReturnCondition,
    ServiceTicket,
    StockItem,
    Tag,
    TagKind,
    utcnow,
)
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.availability import chunks
from gearroom.services.catalog import _asset_by_tag, change_status
from gearroom.services.checkout_cart import open_stock_out
from gearroom.services.checkout_out import OutLine, out_lines, still_out
from gearroom.services.gear_lists import expand_kits, parse_item
from gearroom.services.productions import production_by_key
from gearroom.services.resolver import clean_scan
from gearroom.services.service_tickets import (
    start_ticket,
)
from gearroom.services.validation import clean_text


@dataclass(frozen=True)
class CheckinOutcome:
    tag: str
    name: str
    item_kind: str
    production: str
    custodian: str
    condition: ReturnCondition
    quantity: int
    ticket_id: int | None
    message: str


@dataclass(frozen=True)
class KitReturn:
    """A kit scanned at check-in: which of its members are still out."""

    kit_tag: str
    name: str
    members_out: tuple[OutLine, ...]
    member_count: int

    @property
    def complete(self) -> bool:
        return not self.members_out


@dataclass(frozen=True)
class CheckinResult:
    items: tuple[CheckinOutcome, ...]
    kits: tuple[KitReturn, ...]
    still_out: tuple[OutLine, ...]  # what the productions touched still have out


def _parse_condition(condition: ReturnCondition | str) -> ReturnCondition:
    try:
        return ReturnCondition(condition)
    except ValueError as exc:
        options = ", ".join(c.value for c in ReturnCondition)
        raise ValidationError(
            f"Condition {condition!r} is not one of {options}.", field="condition"
        ) from exc


def checkin(
    session: Session,
    actor: Actor,
    tags: Sequence[str],
    *,
    condition: ReturnCondition | str = ReturnCondition.OK,
    note: str = "",
    whole_kit: bool = False,
    production: str | None = None,
    today: date | None = None,
) -> CheckinResult:
    """Close the open lines of scanned items, from any check-out, with a condition and a note.

    * ok: the item is back (``available``, or ``in_service`` if a ticket is open);
    * damaged / service: a service ticket opens with the note and the item is ``in_service``;
    * missing: the line stays open, marked missing, and the item is ``lost`` until it is checked
      in again (found) or written off with :func:`write_off_missing`.

    A kit tag reports which of its members are still out; with ``whole_kit`` every member that is
    out is checked in too. Stock takes ``TAG:QTY`` (default: all of it that is out). An item that
    is not out refuses the whole check-in.
    """
    actor.require(Permission.CHECKIN, "check gear in")
    cond = _parse_condition(condition)
    text = clean_text(note, "note", max_length=4000)
    if cond in (ReturnCondition.DAMAGED, ReturnCondition.SERVICE) and not text:
        raise ValidationError("Say what is wrong in a note (it goes on the service ticket).")
    if not tags:
        raise ValidationError("Scan at least one item to check in.")
    pid = production_by_key(session, production).id if production else None
    now = utcnow()
    outcomes: list[CheckinOutcome] = []
    kit_ids: list[int] = []
    touched: set[int] = set()
    specs = [parse_item(clean_scan(t)) if ":" in t else (clean_scan(t), 0) for t in tags]
    registry = {
        t.tag: t
        for part in chunks([s for s, _ in specs])
        for t in session.scalars(select(Tag).where(Tag.tag.in_(part)))
    }
    asset_ids: list[int] = []
    stock_specs: list[tuple[int, int]] = []
    for tag, qty in specs:
        entry = registry.get(tag)
        if entry is None:
            raise NotFoundError(f"Unknown tag {tag!r}: no item or kit has it.")
        if entry.kind is TagKind.ASSET:
            asset_ids.append(entry.ref_id)
        elif entry.kind is TagKind.STOCK:
            stock_specs.append((entry.ref_id, qty))
        elif entry.kind is TagKind.KIT:
            kit_ids.append(entry.ref_id)
        else:
            raise ValidationError(f"{tag} is a {entry.kind.value}; it is not checked in.")
    explicit = list(dict.fromkeys(asset_ids))
    kit_members: dict[int, list[int]] = {}
    kit_stock: dict[int, list[tuple[int, int]]] = {}
    kit_all_ids: dict[int, tuple[int, ...]] = {}
    for kid in kit_ids:
        contents = expand_kits(session, [kid])
        kit_members[kid] = [a for a, _k in contents.assets]
        kit_stock[kid] = [(sid, q) for sid, _k, q in contents.stock]
        kit_all_ids[kid] = contents.kit_ids
    members = [a for ms in kit_members.values() for a in ms if a not in explicit]

    lines: dict[int, CheckoutLine] = {}
    for part in chunks(explicit + (members if whole_kit else [])):
        for ln in session.scalars(
            select(CheckoutLine)
            .options(joinedload(CheckoutLine.asset, innerjoin=True))
            .where(CheckoutLine.asset_id.in_(part), CheckoutLine.returned_at.is_(None))
            .with_for_update(of=CheckoutLine)
        ):
            if ln.asset_id is not None:
                lines[ln.asset_id] = ln
    for asset_id in explicit:
        if asset_id not in lines:
            asset = session.get_one(Asset, asset_id)
            raise ConflictError(
                f"{asset.tag} is not out (it is {asset.status.value.replace('_', ' ')}); "
                "nothing to check in."
            )
    order = explicit + ([m for m in members if m in lines] if whole_kit else [])
    kit_productions: dict[int, set[int]] = defaultdict(set)
    if whole_kit:
        for kid, ids in kit_members.items():
            kit_productions[kid].update(lines[a].checkout.production_id for a in ids if a in lines)
            kit_productions[kid].update(
                session.scalars(
                    select(Checkout.production_id)
                    .join(CheckoutLine, CheckoutLine.checkout_id == Checkout.id)
                    .where(
                        CheckoutLine.kit_id.in_(kit_all_ids[kid]),
                        CheckoutLine.stock_item_id.is_not(None),
                        CheckoutLine.returned_at.is_(None),
                    )
                )
            )
    open_tickets = {
        t.asset_id: t
        for part in chunks(order)
        for t in session.scalars(
            select(ServiceTicket).where(
                ServiceTicket.asset_id.in_(part), ServiceTicket.closed_at.is_(None)
            )
        )
    }
    for asset_id in order:
        ln = lines[asset_id]
        outcomes.append(_checkin_asset(session, actor, ln, cond, text, now, open_tickets))
        touched.add(ln.checkout.production_id)
    for kid, productions_out in kit_productions.items():
        # The kit's stock comes back with it, up to what each production has out.
        for stock_id, qty in kit_stock[kid]:
            for prod_id in sorted(productions_out):
                outstanding = open_stock_out(session, [stock_id], prod_id).get(stock_id, 0)
                if outstanding:
                    outcomes.extend(
                        _checkin_stock(
                            session,
                            actor,
                            stock_id,
                            min(qty, outstanding),
                            cond,
                            text,
                            prod_id,
                            now,
                            touched,
                        )
                    )
    for stock_id, qty in stock_specs:
        outcomes.extend(
            _checkin_stock(session, actor, stock_id, qty, cond, text, pid, now, touched)
        )
    session.flush()

    kits: list[KitReturn] = []
    for kid in kit_ids:
        kit = session.get_one(Kit, kid)
        ids = kit_members[kid]
        out = out_lines(session, asset_ids=ids, today=today) if ids else []
        touched.update(o.production_id for o in out)
        kits.append(KitReturn(kit.tag, kit.name, tuple(out), len(ids)))
    remaining: list[OutLine] = []
    for p in sorted(touched):
        remaining.extend(still_out(session, p, today))
    return CheckinResult(tuple(outcomes), tuple(kits), tuple(remaining))


def _checkin_asset(
    session: Session,
    actor: Actor,
    ln: CheckoutLine,
    cond: ReturnCondition,
    note: str,
    now: datetime,
    open_tickets: dict[int, ServiceTicket],
) -> CheckinOutcome:
    asset = ln.asset
    assert asset is not None
    checkout = ln.checkout
    where = f"from {checkout.production.name} ({checkout.custodian.name})"
    ticket_id: int | None = None
    was_missing = ln.condition is ReturnCondition.MISSING
    if cond is ReturnCondition.MISSING:
        if was_missing:
            raise ConflictError(
                f"{asset.tag} is marked missing already; check it in when it is found or write it "
                "off."
            )
        ln.condition = ReturnCondition.MISSING
        ln.note = note
        change_status(
            session,
            actor,
            asset,
            AssetStatus.LOST,
            f"missing at check-in {where}" + (f": {note}" if note else ""),
            action="missing",
        )
        message = f"{asset.tag} marked missing; it stays on {checkout.production.name}."
    else:
        ln.returned_at = now
        ln.returned_quantity = ln.quantity
        ln.condition = cond
        ln.note = note
        found = " (found)" if was_missing else ""
        if cond in (ReturnCondition.DAMAGED, ReturnCondition.SERVICE):
            change_status(
                session,
                actor,
                asset,
                AssetStatus.IN_SERVICE,
                f"back {cond.value}{found} {where}: {note}",
                action="checkin",
            )
            started = start_ticket(
                session,
                actor,
                asset,
                note,
                production_id=checkout.production_id,
                checkout_line_id=ln.id,
            )
            ticket_id = started.id
            message = f"{asset.tag} back {cond.value}{found}; service ticket #{started.id} opened."
        else:
            ticket = open_tickets.get(asset.id)
            status = AssetStatus.IN_SERVICE if ticket is not None else AssetStatus.AVAILABLE
            change_status(
                session,
                actor,
                asset,
                status,
                f"back ok{found} {where}" + (f": {note}" if note else ""),
                action="checkin",
            )
            ticket_id = ticket.id if ticket is not None else None
            message = f"{asset.tag} back{found}" + (
                f"; service ticket #{ticket.id} is open." if ticket is not None else "."
            )
    return CheckinOutcome(
        asset.tag,
        asset.name,
        "asset",
        checkout.production.name,
        checkout.custodian.name,
        cond,
        1,
        ticket_id,
        message,
    )


def _checkin_stock(
    session: Session,
    actor: Actor,
    stock_id: int,
    qty: int,
    cond: ReturnCondition,
    note: str,
    production_id: int | None,
    now: datetime,
    touched: set[int],
) -> list[CheckinOutcome]:
    item = session.get_one(StockItem, stock_id)
    stmt = (
        select(CheckoutLine)
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(CheckoutLine.stock_item_id == stock_id, CheckoutLine.returned_at.is_(None))
        .order_by(Checkout.out_at, CheckoutLine.id)
        .with_for_update(of=CheckoutLine)
    )
    if production_id is not None:
        stmt = stmt.where(Checkout.production_id == production_id)
    open_lines = list(session.scalars(stmt))
    if not open_lines:
        raise ConflictError(f"No {item.name} ({item.tag}) is out; nothing to check in.")
    productions = {ln.checkout.production_id for ln in open_lines}
    if len(productions) > 1:
        names = ", ".join(sorted({ln.checkout.production.name for ln in open_lines}))
        raise ValidationError(
            f"{item.tag} is out to several productions ({names}); say which one it comes back from."
        )
    outstanding = sum(ln.quantity - ln.returned_quantity for ln in open_lines)
    wanted = qty or outstanding
    if wanted > outstanding:
        raise ValidationError(
            f"Only {outstanding} {item.name} ({item.tag}) are out; {wanted} cannot come back."
        )
    left = wanted
    for ln in open_lines:
        if left == 0:
            break
        take = min(left, ln.quantity - ln.returned_quantity)
        ln.returned_quantity += take
        left -= take
        ln.condition = cond
        ln.note = note
        if ln.returned_quantity == ln.quantity:
            ln.returned_at = now
    production = open_lines[0].checkout.production
    touched.add(production.id)
    session.flush()
    lost = ""
    if cond is ReturnCondition.MISSING:
        before = item.quantity
        item.quantity = max(0, item.quantity - wanted)
        lost = f"; {wanted} written off (owned {before} → {item.quantity})"
    history.record(
        session,
        actor,
        "checkin",
        "stock",
        item.id,
        item.tag,
        f"{wanted} × {item.tag} back {cond.value} from {production.name}{lost}"
        + (f": {note}" if note else ""),
        after={"quantity": wanted, "condition": cond, "production": production.name},
    )
    return [
        CheckinOutcome(
            item.tag,
            item.name,
            "stock",
            production.name,
            open_lines[0].checkout.custodian.name,
            cond,
            wanted,
            None,
            f"{wanted} × {item.name} back {cond.value}{lost}.",
        )
    ]


def write_off_missing(session: Session, actor: Actor, tag: str, reason: str) -> OutLine:
    """Close a missing item's line for good: it stays ``lost`` and leaves the production."""
    actor.require(Permission.CHECKIN, "write off missing gear")
    asset = _asset_by_tag(session, tag)
    why = clean_text(reason, "reason", max_length=500, required=True)
    line = session.scalar(
        select(CheckoutLine).where(
            CheckoutLine.asset_id == asset.id,
            CheckoutLine.returned_at.is_(None),
            CheckoutLine.condition == ReturnCondition.MISSING,
        )
    )
    if line is None:
        raise ConflictError(f"{asset.tag} is not marked missing on any production.")
    view = out_lines(session, asset_ids=[asset.id])[0]
    line.returned_at = utcnow()
    line.note = (line.note + "\n" if line.note else "") + f"Written off: {why}"
    session.flush()
    history.record(
        session,
        actor,
        "write_off",
        "asset",
        asset.id,
        asset.tag,
        f"{asset.tag} written off as lost on {line.checkout.production.name} ({why})",
        before={"status": asset.status, "production": line.checkout.production.name},
        after={"status": AssetStatus.LOST, "reason": why},
    )
    if asset.status is not AssetStatus.LOST:
        change_status(session, actor, asset, AssetStatus.LOST, why, action="write_off")
    return view
