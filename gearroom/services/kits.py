"""Kits: named cases and packages with their own tag, holding assets, stock and other kits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Asset, AssetStatus, Kit, KitAsset, KitStock, Tag, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import _location_by_name
from gearroom.services.stock import stock_by_tag
from gearroom.services.tags import (
    ensure_tag_free,
    next_tag_with_prefix,
    normalize_tag,
    register_tag,
    validate_tag,
)
from gearroom.services.validation import clean_text, parse_int

KIT_PREFIX = "KIT"
MAX_DEPTH = 8


@dataclass(frozen=True)
class KitAssetMember:
    asset_id: int
    tag: str
    name: str
    serial: str
    status: AssetStatus


@dataclass(frozen=True)
class KitStockMember:
    stock_item_id: int
    tag: str
    name: str
    quantity: int


@dataclass(frozen=True)
class KitView:
    id: int
    tag: str
    name: str
    parent_tag: str | None
    location: str | None
    notes: str
    retired: bool
    assets: tuple[KitAssetMember, ...]
    stock: tuple[KitStockMember, ...]
    kits: tuple[KitView, ...]

    def all_assets(self) -> list[KitAssetMember]:
        """Every asset in this kit and the kits inside it."""
        out = list(self.assets)
        for child in self.kits:
            out.extend(child.all_assets())
        return out

    def all_stock(self) -> dict[str, int]:
        """Stock quantities in this kit and the kits inside it, by stock tag."""
        totals: dict[str, int] = {}
        for member in self.stock:
            totals[member.tag] = totals.get(member.tag, 0) + member.quantity
        for child in self.kits:
            for tag, qty in child.all_stock().items():
                totals[tag] = totals.get(tag, 0) + qty
        return totals


@dataclass(frozen=True)
class KitSummary:
    id: int
    tag: str
    name: str
    parent_tag: str | None
    asset_count: int


def kit_by_tag(session: Session, tag: str) -> Kit:
    clean = normalize_tag(tag)
    kit = session.scalar(select(Kit).where(Kit.tag == clean))
    if kit is None:
        raise NotFoundError(f"No kit has the tag {clean or tag!r}.")
    return kit


def _view(kit: Kit, depth: int = 0) -> KitView:
    if depth > MAX_DEPTH:
        raise ValidationError(f"Kit {kit.tag} is nested more than {MAX_DEPTH} deep.")
    return KitView(
        id=kit.id,
        tag=kit.tag,
        name=kit.name,
        parent_tag=kit.parent.tag if kit.parent else None,
        location=kit.location.name if kit.location else None,
        notes=kit.notes,
        retired=kit.retired,
        assets=tuple(
            KitAssetMember(
                link.asset.id, link.asset.tag, link.asset.name, link.asset.serial, link.asset.status
            )
            for link in kit.asset_links
        ),
        stock=tuple(
            KitStockMember(
                link.stock_item.id, link.stock_item.tag, link.stock_item.name, link.quantity
            )
            for link in sorted(kit.stock_links, key=lambda s: s.stock_item.name)
        ),
        kits=tuple(_view(child, depth + 1) for child in kit.children if not child.retired),
    )


def get_kit(session: Session, tag: str) -> KitView:
    return _view(kit_by_tag(session, tag))


def get_kit_by_id(session: Session, kit_id: int) -> KitView:
    kit = session.get(Kit, kit_id)
    if kit is None:
        raise NotFoundError(f"Kit #{kit_id} no longer exists.")
    return _view(kit)


def list_kits(session: Session, include_retired: bool = False) -> list[KitSummary]:
    counts = select(KitAsset.kit_id, func.count().label("n")).group_by(KitAsset.kit_id).subquery()
    parent = select(Kit.id, Kit.tag).subquery()
    stmt = (
        select(Kit.id, Kit.tag, Kit.name, parent.c.tag, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.kit_id == Kit.id)
        .outerjoin(parent, parent.c.id == Kit.parent_id)
        .order_by(Kit.tag)
    )
    if not include_retired:
        stmt = stmt.where(Kit.retired.is_(False))
    return [KitSummary(r[0], r[1], r[2], r[3], int(r[4])) for r in session.execute(stmt)]


def create_kit(
    session: Session,
    actor: Actor,
    name: str,
    *,
    tag: str | None = None,
    parent: str | None = None,
    location: str | None = None,
    notes: str = "",
) -> KitView:
    actor.require(Permission.CATALOG, "add kits")
    new_tag = validate_tag(tag) if tag else next_tag_with_prefix(session, KIT_PREFIX)
    ensure_tag_free(session, new_tag)
    kit = Kit(
        tag=new_tag,
        name=clean_text(name, "name", max_length=200, required=True),
        parent=kit_by_tag(session, parent) if parent else None,
        location=_location_by_name(session, location) if location else None,
        notes=clean_text(notes, "notes", max_length=10_000),
    )
    session.add(kit)
    session.flush()
    register_tag(session, kit.tag, TagKind.KIT, kit.id)
    history.record(
        session,
        actor,
        "create",
        "kit",
        kit.id,
        kit.tag,
        f"Kit {kit.tag} {kit.name} added",
        after={"name": kit.name, "parent": kit.parent.tag if kit.parent else None},
    )
    return _view(kit)


def _ancestors(kit: Kit) -> list[Kit]:
    out: list[Kit] = []
    node = kit.parent
    while node is not None and len(out) <= MAX_DEPTH:
        out.append(node)
        node = node.parent
    return out


def add_to_kit(
    session: Session, actor: Actor, kit_tag: str, member_tag: str, quantity: int = 1
) -> KitView:
    """Put an asset, a stock quantity or another kit into a kit."""
    return add_many_to_kit(session, actor, kit_tag, [(member_tag, quantity)])


def add_many_to_kit(
    session: Session, actor: Actor, kit_tag: str, members: Sequence[tuple[str, int]]
) -> KitView:
    """Put several ``(tag, quantity)`` members into a kit, one history event each."""
    actor.require(Permission.CATALOG, "change kits")
    kit = kit_by_tag(session, kit_tag)
    if kit.retired:
        raise ConflictError(f"Kit {kit.tag} is retired.")
    for member_tag, quantity in members:
        _put(session, actor, kit, member_tag, quantity)
    session.expire(kit)
    return _view(kit)


def _put(session: Session, actor: Actor, kit: Kit, member_tag: str, quantity: int) -> None:
    clean = normalize_tag(member_tag)
    entry = session.get(Tag, clean)
    if entry is None:
        raise NotFoundError(f"Nothing has the tag {clean!r}.")
    detail: dict[str, Any]
    if entry.kind is TagKind.ASSET:
        asset = session.get_one(Asset, entry.ref_id)
        if asset.status is AssetStatus.RETIRED:
            raise ConflictError(f"{asset.tag} is retired; it cannot join a kit.")
        if asset.kit_link is not None:
            where = asset.kit_link.kit
            if where.id == kit.id:
                raise ConflictError(f"{asset.tag} is in {kit.tag} already.")
            raise ConflictError(
                f"{asset.tag} is in kit {where.tag} ({where.name}); take it out of that kit first."
            )
        position = len(kit.asset_links)
        kit.asset_links.append(KitAsset(asset=asset, position=position))
        detail = {"asset": asset.tag}
    elif entry.kind is TagKind.STOCK:
        item = stock_by_tag(session, clean)
        qty = parse_int(quantity, "quantity", minimum=1)
        link = next((s for s in kit.stock_links if s.stock_item_id == item.id), None)
        if link is None:
            kit.stock_links.append(KitStock(stock_item=item, quantity=qty))
        else:
            link.quantity += qty
        detail = {"stock": item.tag, "quantity": qty}
    elif entry.kind is TagKind.KIT:
        child = session.get_one(Kit, entry.ref_id)
        if child.id == kit.id or child in _ancestors(kit):
            raise ConflictError(f"{child.tag} cannot go inside itself (that would make a loop).")
        if child.parent is not None:
            raise ConflictError(f"{child.tag} is inside {child.parent.tag}; take it out first.")
        if len(_ancestors(kit)) + 1 >= MAX_DEPTH:
            raise ValidationError(f"Kits nest {MAX_DEPTH} deep at most.")
        child.parent = kit
        detail = {"kit": child.tag}
    else:
        raise ValidationError(f"{clean} is a {entry.kind.value}; only items and kits go in a kit.")
    session.flush()
    history.record(
        session,
        actor,
        "kit_add",
        "kit",
        kit.id,
        kit.tag,
        f"{clean} added to {kit.tag}",
        after=detail,
    )


def remove_from_kit(session: Session, actor: Actor, kit_tag: str, member_tag: str) -> KitView:
    actor.require(Permission.CATALOG, "change kits")
    kit = kit_by_tag(session, kit_tag)
    clean = normalize_tag(member_tag)
    for link in kit.asset_links:
        if link.asset.tag == clean:
            kit.asset_links.remove(link)
            break
    else:
        for slink in kit.stock_links:
            if slink.stock_item.tag == clean:
                kit.stock_links.remove(slink)
                break
        else:
            for child in kit.children:
                if child.tag == clean:
                    child.parent = None
                    break
            else:
                raise NotFoundError(f"{clean} is not in kit {kit.tag}.")
    session.flush()
    history.record(
        session,
        actor,
        "kit_remove",
        "kit",
        kit.id,
        kit.tag,
        f"{clean} taken out of {kit.tag}",
        before={"member": clean},
    )
    session.expire(kit)
    return _view(kit)


def kit_of_asset(session: Session, asset_id: int) -> KitSummary | None:
    link = session.scalar(select(KitAsset).where(KitAsset.asset_id == asset_id))
    if link is None:
        return None
    kit = link.kit
    return KitSummary(
        kit.id, kit.tag, kit.name, kit.parent.tag if kit.parent else None, len(kit.asset_links)
    )


KIT_FIELDS = ("name", "parent", "location", "notes")


def update_kit(session: Session, actor: Actor, tag: str, changes: dict[str, Any]) -> KitView:
    """Rename a kit, move it (location, or into another kit) or edit its notes."""
    actor.require(Permission.CATALOG, "change kits")
    unknown = set(changes) - set(KIT_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(sorted(unknown))} of a kit.")
    kit = kit_by_tag(session, tag)
    if kit.retired:
        raise ConflictError(f"Kit {kit.tag} is retired; it cannot be edited.")

    def snapshot() -> dict[str, Any]:
        return {
            "name": kit.name,
            "parent": kit.parent.tag if kit.parent else None,
            "location": kit.location.name if kit.location else None,
            "notes": kit.notes,
        }

    before = snapshot()
    for key, value in changes.items():
        if key == "name":
            kit.name = clean_text(value, key, max_length=200, required=True)
        elif key == "notes":
            kit.notes = clean_text(value, key, max_length=10_000)
        elif key == "location":
            kit.location = _location_by_name(session, str(value)) if value else None
        elif key == "parent":
            parent = kit_by_tag(session, str(value)) if value else None
            if parent is not None and (parent.id == kit.id or kit in _ancestors(parent)):
                raise ConflictError(
                    f"{kit.tag} cannot go inside {parent.tag} (that would make a loop).",
                )
            if parent is not None and len(_ancestors(parent)) + 1 >= MAX_DEPTH:
                raise ValidationError(f"Kits nest {MAX_DEPTH} deep at most.", field="parent")
            kit.parent = parent
    after = snapshot()
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return _view(kit)
    session.flush()
    history.record(
        session,
        actor,
        "edit",
        "kit",
        kit.id,
        kit.tag,
        f"{kit.tag} edited: {', '.join(changed)}",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return _view(kit)
