"""The pick list of a production: everything booked, where it sits, and what is picked.

Every booked serial, model line, kit and stock quantity with its shelf location, sorted by
location, each with how many are picked: scanned into the production's draft check-out or
already out for it. A serial of a booked model fills the model line unless it is booked by
tag itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import (
    Asset,
    Checkout,
    CheckoutLine,
    DraftCheckout,
    DraftScan,
    Kit,
    Location,
    ModelReservation,
    Production,
    ProductModel,
    Reservation,
    StockItem,
    Tag,
    TagKind,
)
from gearroom.services.productions import production_by_key, window_of

NO_LOCATION = "(no location)"


@dataclass(frozen=True)
class PickLine:
    kind: str  # "asset" | "model" | "stock" | "kit"
    item_id: int
    tag: str  # a model line has no tag of its own: ""
    name: str
    location: str
    wanted: int
    picked: int
    kit_tag: str = ""
    serial: str = ""

    @property
    def done(self) -> bool:
        return self.picked >= self.wanted


@dataclass(frozen=True)
class PickList:
    production_id: int
    production: str
    production_tag: str
    client: str
    start: date | None
    end: date | None
    draft_id: int | None
    lines: tuple[PickLine, ...]

    @property
    def wanted(self) -> int:
        return sum(ln.wanted for ln in self.lines if ln.kind != "kit")

    @property
    def picked(self) -> int:
        return sum(min(ln.picked, ln.wanted) for ln in self.lines if ln.kind != "kit")


@dataclass(frozen=True)
class Picked:
    """What a production has picked: serials and stock quantities (draft + out)."""

    assets: frozenset[int]
    stock: dict[int, int]


def picked_items(session: Session, production_id: int, draft_id: int | None) -> Picked:
    assets: set[int] = set()
    stock: dict[int, int] = defaultdict(int)
    for aid, sid, qty, back in session.execute(
        select(
            CheckoutLine.asset_id,
            CheckoutLine.stock_item_id,
            CheckoutLine.quantity,
            CheckoutLine.returned_quantity,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .where(Checkout.production_id == production_id, CheckoutLine.returned_at.is_(None))
    ):
        if aid is not None:
            assets.add(aid)
        elif sid is not None:
            stock[sid] += qty - back
    if draft_id is not None:
        for kind, ref, qty in session.execute(
            select(Tag.kind, Tag.ref_id, DraftScan.quantity)
            .join(Tag, Tag.tag == DraftScan.tag)
            .where(DraftScan.draft_id == draft_id)
        ):
            if kind is TagKind.ASSET:
                assets.add(ref)
            elif kind is TagKind.STOCK:
                stock[ref] += qty
    return Picked(frozenset(assets), dict(stock))


def open_draft_id(session: Session, production_id: int) -> int | None:
    """The production's draft check-out in progress (the newest), if any."""
    found = session.scalar(
        select(DraftCheckout.id)
        .where(DraftCheckout.production_id == production_id)
        .order_by(DraftCheckout.id.desc())
        .limit(1)
    )
    return int(found) if found is not None else None


def build_picklist(session: Session, production: str, draft_id: int | None = None) -> PickList:
    """The pick list of ``production`` (its newest draft, or ``draft_id``)."""
    prod = production_by_key(session, production)
    return picklist_of(session, prod, draft_id)


def picklist_of(session: Session, prod: Production, draft_id: int | None = None) -> PickList:
    draft = draft_id if draft_id is not None else open_draft_id(session, prod.id)
    picked = picked_items(session, prod.id, draft)
    lines: list[PickLine] = []
    by_tag: set[int] = set()
    kit_members: dict[int, list[int]] = defaultdict(list)
    for aid, tag, name, serial, loc, kit_id, kit_tag in session.execute(
        select(
            Asset.id,
            Asset.tag,
            Asset.name,
            Asset.serial,
            Location.name,
            Reservation.kit_id,
            Kit.tag,
        )
        .join(Asset, Asset.id == Reservation.asset_id)
        .outerjoin(Location, Location.id == Asset.location_id)
        .outerjoin(Kit, Kit.id == Reservation.kit_id)
        .where(Reservation.production_id == prod.id)
    ):
        if aid in by_tag:
            continue
        by_tag.add(aid)
        if kit_id is not None:
            kit_members[kit_id].append(aid)
        lines.append(
            PickLine(
                "asset",
                aid,
                tag,
                name,
                loc or NO_LOCATION,
                1,
                1 if aid in picked.assets else 0,
                kit_tag or "",
                serial,
            )
        )
    member_places = {ln.item_id: ln.location for ln in lines}
    for kid, tag, name, loc in session.execute(
        select(Kit.id, Kit.tag, Kit.name, Location.name)
        .outerjoin(Location, Location.id == Kit.location_id)
        .where(Kit.id.in_(sorted(kit_members)))
    ):
        members = kit_members[kid]
        done = all(m in picked.assets for m in members)
        # A case without a shelf of its own is picked where its contents sit.
        place = loc or min((member_places[m] for m in members), default=NO_LOCATION)
        lines.append(PickLine("kit", kid, tag, name, place, 1, int(done), tag))
    model_qty: dict[int, int] = defaultdict(int)
    for mid, qty in session.execute(
        select(ModelReservation.model_id, ModelReservation.quantity).where(
            ModelReservation.production_id == prod.id
        )
    ):
        model_qty[mid] += qty
    if model_qty:
        serials = session.execute(
            select(Asset.id, Asset.model_id, Location.name)
            .outerjoin(Location, Location.id == Asset.location_id)
            .where(Asset.model_id.in_(sorted(model_qty)))
        ).all()
        names = {
            i: n
            for i, n in session.execute(
                select(ProductModel.id, ProductModel.name).where(
                    ProductModel.id.in_(sorted(model_qty))
                )
            )
        }
        for mid, qty in model_qty.items():
            mine = [s for s in serials if s[1] == mid]
            filled = sum(1 for s in mine if s[0] in picked.assets and s[0] not in by_tag)
            places = sorted({s[2] for s in mine if s[2]})
            lines.append(
                PickLine(
                    "model",
                    mid,
                    "",
                    names[mid],
                    ", ".join(places) or NO_LOCATION,
                    qty,
                    filled,
                )
            )
    stock_qty: dict[int, tuple[int, str]] = {}
    for sid, qty, kit_tag in session.execute(
        select(Reservation.stock_item_id, Reservation.quantity, Kit.tag)
        .outerjoin(Kit, Kit.id == Reservation.kit_id)
        .where(Reservation.production_id == prod.id, Reservation.stock_item_id.is_not(None))
    ):
        if sid is None:
            continue
        have = stock_qty.get(sid, (0, kit_tag or ""))
        stock_qty[sid] = (have[0] + qty, have[1])
    for sid, tag, name, loc in session.execute(
        select(StockItem.id, StockItem.tag, StockItem.name, Location.name)
        .outerjoin(Location, Location.id == StockItem.location_id)
        .where(StockItem.id.in_(sorted(stock_qty)))
    ):
        qty, kit_tag = stock_qty[sid]
        lines.append(
            PickLine(
                "stock",
                sid,
                tag,
                name,
                loc or NO_LOCATION,
                qty,
                picked.stock.get(sid, 0),
                kit_tag,
            )
        )
    lines.sort(
        key=lambda ln: (
            ln.location == NO_LOCATION,
            ln.location,
            ln.kit_tag,
            ln.kind != "kit",
            ln.tag,
            ln.name,
        )
    )
    window = window_of(prod)
    return PickList(
        prod.id,
        prod.name,
        prod.tag,
        prod.client,
        window[0] if window else None,
        window[1] if window else None,
        draft,
        tuple(lines),
    )


def is_booked(pick: PickList, kind: TagKind, ref_id: int, model_id: int | None) -> bool:
    """Whether scanning this item picks something booked (a model line with room counts)."""
    for ln in pick.lines:
        if kind is TagKind.ASSET and ln.kind == "asset" and ln.item_id == ref_id:
            return True
        if (
            kind is TagKind.ASSET
            and ln.kind == "model"
            and ln.item_id == model_id
            and ln.picked < ln.wanted
        ):
            return True
        if kind is TagKind.STOCK and ln.kind == "stock" and ln.item_id == ref_id:
            return True
        if kind is TagKind.KIT and ln.kind == "kit" and ln.item_id == ref_id:
            return True
    return False
