"""What a list of items asks for: kits expanded (nested kits included), tags resolved, quantities
read from ``TAG:QTY``, and the answer of ``available`` for them over a window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import (
    Kit,
    KitAsset,
    KitStock,
    Production,
    Tag,
    TagKind,
)
from gearroom.services.availability import (
    Availability,
    Conflict,
    asset_conflicts,
    check_window,
    chunks,
    stock_availability,
    stock_shortage,
    turnaround_days,
)
from gearroom.services.names import same_name
from gearroom.services.tags import normalize_tag
from gearroom.services.validation import parse_int

# --------------------------------------------------------------------------- kits and tags


@dataclass(frozen=True)
class KitContents:
    """Everything in some kits, nested kits included (retired sub-kits left out)."""

    kit_ids: tuple[int, ...]
    assets: tuple[tuple[int, int], ...]  # (asset id, kit id holding it)
    stock: tuple[tuple[int, int, int], ...]  # (stock id, kit id, quantity)


def expand_kits(session: Session, kit_ids: Iterable[int]) -> KitContents:
    """The contents of kits in one query per nesting level plus two."""
    seen: list[int] = []
    frontier = sorted(set(kit_ids))
    while frontier:
        seen.extend(frontier)
        frontier = [
            k
            for k in session.scalars(
                select(Kit.id).where(Kit.parent_id.in_(frontier), Kit.retired.is_(False))
            )
            if k not in seen
        ]
    if not seen:
        return KitContents((), (), ())
    assets = tuple(
        (a, k)
        for a, k in session.execute(
            select(KitAsset.asset_id, KitAsset.kit_id)
            .where(KitAsset.kit_id.in_(seen))
            .order_by(KitAsset.kit_id, KitAsset.position)
        )
    )
    stock = tuple(
        (s, k, q)
        for s, k, q in session.execute(
            select(KitStock.stock_item_id, KitStock.kit_id, KitStock.quantity).where(
                KitStock.kit_id.in_(seen)
            )
        )
    )
    return KitContents(tuple(seen), assets, stock)


ItemSpec = str | tuple[str, int]


def parse_item(text: str) -> tuple[str, int]:
    """``CAM-0042`` or, for stock, ``PWR-0003:6`` (tag and quantity)."""
    tag, sep, qty = text.partition(":")
    if not sep:
        return normalize_tag(tag), 1
    return normalize_tag(tag), parse_int(qty, "quantity", minimum=1)


@dataclass(frozen=True)
class Wanted:
    """Tags resolved to assets and stock quantities (kits expanded)."""

    assets: dict[int, int | None]  # asset id -> kit id it came with
    stock: dict[int, tuple[int, int | None]]  # stock id -> (quantity, kit id)
    tags: tuple[str, ...]
    kinds: tuple[TagKind, ...]


def resolve_items(session: Session, items: Sequence[ItemSpec]) -> Wanted:
    """Asset, kit and stock tags (kits stand for their contents) in a few batched queries."""
    specs = [parse_item(i) if isinstance(i, str) else (normalize_tag(i[0]), i[1]) for i in items]
    if not specs:
        raise ValidationError("Give at least one tag.")
    tags = [t for t, _ in specs]
    registry: dict[str, tuple[TagKind, int, bool]] = {}
    for part in chunks(tags):
        for tag, kind, ref_id, kit_retired in session.execute(
            select(Tag.tag, Tag.kind, Tag.ref_id, Kit.retired)
            .outerjoin(Kit, and_(Tag.kind == TagKind.KIT, Kit.id == Tag.ref_id))
            .where(Tag.tag.in_(part))
        ):
            registry[tag] = (kind, ref_id, bool(kit_retired))
    assets: dict[int, int | None] = {}
    stock: dict[int, tuple[int, int | None]] = {}
    kits: list[int] = []
    kinds: list[TagKind] = []
    for tag, qty in specs:
        entry = registry.get(tag)
        if entry is None:
            raise NotFoundError(f"Unknown tag {tag!r}: no item or kit has it.")
        kind, ref_id, kit_retired = entry
        kinds.append(kind)
        if kind is TagKind.ASSET:
            assets.setdefault(ref_id, None)
        elif kind is TagKind.STOCK:
            have = stock.get(ref_id, (0, None))
            stock[ref_id] = (have[0] + qty, have[1])
        elif kind is TagKind.KIT:
            if kit_retired:
                raise ConflictError(f"Kit {tag} is retired; it cannot be booked.")
            kits.append(ref_id)
        else:
            raise ValidationError(
                f"{tag} is a {kind.value}; only items, stock and kits can be booked."
            )
    if kits:
        contents = expand_kits(session, kits)
        for asset_id, kit_id in contents.assets:
            assets.setdefault(asset_id, kit_id)
        for stock_id, kit_id, qty in contents.stock:
            have = stock.get(stock_id, (0, kit_id))
            stock[stock_id] = (have[0] + qty, have[1])
    return Wanted(assets, stock, tuple(tags), tuple(kinds))


# --------------------------------------------------------------------------- availability


def availability(
    session: Session,
    tag: str,
    start: date,
    end: date,
    *,
    production: str | None = None,
    quantity: int = 1,
    today: date | None = None,
) -> Availability:
    """Whether what ``tag`` names (asset, kit or stock) is free for the window, or why not."""
    check_window(start, end)
    clean, qty = parse_item(tag)
    qty = max(qty, quantity)
    pid = production_id_by_key(session, production) if production else None
    wanted = resolve_items(session, [(clean, qty)])
    gap = turnaround_days(session)
    conflicts: list[Conflict] = []
    found = asset_conflicts(
        session, wanted.assets, start, end, production_id=pid, buffer=gap, today=today
    )
    for a in found.values():
        conflicts.extend(a.conflicts)
    stock = (
        stock_availability(
            session, wanted.stock, start, end, production_id=pid, buffer=gap, today=today
        )
        if wanted.stock
        else {}
    )
    for sid, (want, _kit) in wanted.stock.items():
        short = stock_shortage(stock[sid], want)
        if short is not None:
            conflicts.append(short)
    return Availability(
        clean,
        wanted.kinds[0].value,
        start,
        end,
        not conflicts,
        tuple(sorted(conflicts, key=lambda c: (c.tag, c.start or date.min))),
        tuple(stock[s] for s in sorted(stock, key=lambda s: stock[s].tag)),
    )


def production_id_by_key(session: Session, key: str) -> int:
    """A production's id by tag or name, without loading it."""
    text = key.strip()
    found = session.scalar(
        select(Production.id).where(
            or_(Production.tag == normalize_tag(text), same_name(Production, text))
        )
    )
    if found is None:
        raise NotFoundError(f"There is no production called or tagged {text!r}.")
    return int(found)
