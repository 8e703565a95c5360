"""What labels say: the content of an item's, a case's, a badge's or a place's label, read from
the database, and the options of which lines to print."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import Asset, Category, Kit, StockItem, TagKind
from gearroom.services import asset_search, catalog, kits, people, resolver


class LabelKind(enum.StrEnum):
    """What a label is for; decides its layout."""

    ITEM = "item"
    SMALL = "small"
    CASE = "case"
    PERSON = "person"
    LOCATION = "location"


@dataclass(frozen=True)
class LabelContent:
    """What one label says (the code always encodes ``tag`` and nothing else)."""

    tag: str
    kind: LabelKind = LabelKind.ITEM
    name: str = ""
    serial: str = ""
    detail: str = ""


@dataclass(frozen=True)
class LabelOptions:
    """Which optional lines and codes to print."""

    show_name: bool = True
    show_serial: bool = True
    show_house: bool = True
    code128: bool = False
    compact: bool = False
    house_name: str = ""
    house_phone: str = ""

    @property
    def house_line(self) -> str:
        parts = [p for p in (self.house_name.strip(), self.house_phone.strip()) if p]
        if not parts:
            return ""
        return "If found: " + " · ".join(parts)


def content_for_tag(session: Session, text: str) -> LabelContent:
    """The label for whatever ``text`` names: asset, kit, stock item, person badge or place."""
    found = resolver.resolve(session, text)
    if found.kind is TagKind.ASSET:
        view = catalog.get_asset_by_id(session, found.id)
        return LabelContent(view.tag, LabelKind.ITEM, view.name, view.serial, view.category)
    if found.kind is TagKind.KIT:
        kit = kits.get_kit_by_id(session, found.id)
        count = len(kit.all_assets()) + sum(kit.all_stock().values())
        detail = f"Case · {count} item{'s' if count != 1 else ''}"
        return LabelContent(kit.tag, LabelKind.CASE, kit.name, "", detail)
    if found.kind is TagKind.STOCK:
        item = session.get(StockItem, found.id)
        assert item is not None
        return LabelContent(item.tag, LabelKind.SMALL, item.name, "", item.category.name)
    if found.kind is TagKind.PERSON:
        person = people.get_person(session, found.tag)
        return LabelContent(person.badge, LabelKind.PERSON, person.name, "", person.company)
    if found.kind is TagKind.LOCATION:
        loc = next(x for x in catalog.list_locations(session) if x.id == found.id)
        return LabelContent(loc.tag, LabelKind.LOCATION, loc.name, "", loc.kind.value.title())
    return LabelContent(found.tag, LabelKind.ITEM, found.label)


def contents_for_tags(session: Session, tags: Iterable[str]) -> list[LabelContent]:
    return [content_for_tag(session, tag) for tag in tags]


def contents_for_kit(session: Session, tag: str) -> list[LabelContent]:
    """A kit's case label, then its assets and stock, then its inner kits the same way."""
    view = kits.get_kit(session, tag)
    out: list[LabelContent] = []

    def walk(kit: kits.KitView) -> None:
        out.append(content_for_tag(session, kit.tag))
        out.extend(content_for_tag(session, member.tag) for member in kit.assets)
        out.extend(content_for_tag(session, member.tag) for member in kit.stock)
        for child in kit.kits:
            walk(child)

    walk(view)
    return out


def contents_for_category(session: Session, name: str) -> list[LabelContent]:
    """Every active asset and stock item of a category, in tag order."""
    cat = catalog.get_category(session, name)
    assets = asset_search.list_assets(
        session, asset_search.AssetQuery(category_id=cat.id, include_retired=False)
    )
    items = session.scalars(
        select(StockItem)
        .where(StockItem.category_id == cat.id, StockItem.retired.is_(False))
        .order_by(StockItem.tag)
    ).all()
    tags = [a.tag for a in assets] + [i.tag for i in items]
    return contents_for_tags(session, tags)


def contents_added_since(session: Session, since: date) -> list[LabelContent]:
    """Assets, stock items and kits created on or after ``since`` (new gear to label)."""
    start = datetime.combine(since, time.min).astimezone()  # local midnight
    tags: list[str] = []
    for model in (Asset, StockItem, Kit):
        tags.extend(
            session.scalars(
                select(model.tag).where(model.created_at >= start).order_by(model.tag)
            ).all()
        )
    return contents_for_tags(session, tags)


def category_names(session: Session) -> list[str]:
    return list(session.scalars(select(Category.name).order_by(Category.sort_order, Category.name)))
