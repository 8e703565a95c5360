"""Bulk stock: counted things such as V-mount batteries, SDI cables and media cards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import StockItem, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import _category_by_name, _location_by_name
from gearroom.services.names import same_name
from gearroom.services.tags import (
    ensure_tag_free,
    next_tag_for_category,
    normalize_tag,
    register_tag,
    rename_tag,
    validate_tag,
)
from gearroom.services.validation import clean_text, parse_int


@dataclass(frozen=True)
class StockView:
    id: int
    tag: str
    name: str
    category: str
    location: str | None
    quantity: int
    unit: str
    notes: str
    retired: bool


def _view(item: StockItem) -> StockView:
    return StockView(
        item.id,
        item.tag,
        item.name,
        item.category.name,
        item.location.name if item.location else None,
        item.quantity,
        item.unit,
        item.notes,
        item.retired,
    )


def _snapshot(item: StockItem) -> dict[str, Any]:
    return {
        "tag": item.tag,
        "name": item.name,
        "category": item.category.name,
        "location": item.location.name if item.location else None,
        "quantity": item.quantity,
        "unit": item.unit,
        "notes": item.notes,
    }


def stock_by_tag(session: Session, tag: str) -> StockItem:
    clean = normalize_tag(tag)
    item = session.scalar(select(StockItem).where(StockItem.tag == clean))
    if item is None:
        raise NotFoundError(f"No stock item has the tag {clean or tag!r}.")
    return item


def get_stock_item(session: Session, tag: str) -> StockView:
    return _view(stock_by_tag(session, tag))


def list_stock_items(session: Session, include_retired: bool = False) -> list[StockView]:
    stmt = select(StockItem).order_by(StockItem.name)
    if not include_retired:
        stmt = stmt.where(StockItem.retired.is_(False))
    return [_view(i) for i in session.scalars(stmt)]


def create_stock_item(
    session: Session,
    actor: Actor,
    name: str,
    category: str,
    quantity: int,
    *,
    tag: str | None = None,
    location: str | None = None,
    unit: str = "pcs",
    notes: str = "",
) -> StockView:
    actor.require(Permission.CATALOG, "add stock items")
    clean_name = clean_text(name, "name", max_length=200, required=True)
    if session.scalar(select(StockItem.id).where(same_name(StockItem, clean_name))):
        raise ConflictError(
            f"There is a stock item called {clean_name} already; adjust its quantity."
        )
    cat = _category_by_name(session, category)
    item = StockItem(
        tag="",
        name=clean_name,
        category=cat,
        location=_location_by_name(session, location) if location else None,
        quantity=parse_int(quantity, "quantity", minimum=0),
        unit=clean_text(unit, "unit", max_length=20) or "pcs",
        notes=clean_text(notes, "notes", max_length=10_000),
    )
    item.tag = validate_tag(tag) if tag else next_tag_for_category(session, cat)
    ensure_tag_free(session, item.tag)
    session.add(item)
    session.flush()
    register_tag(session, item.tag, TagKind.STOCK, item.id)
    history.record(
        session,
        actor,
        "create",
        "stock",
        item.id,
        item.tag,
        f"{item.tag} {item.name} added ({item.quantity} {item.unit})",
        after=_snapshot(item),
    )
    return _view(item)


STOCK_FIELDS = ("tag", "name", "category", "location", "quantity", "unit", "notes")


def update_stock_item(
    session: Session, actor: Actor, tag: str, changes: Mapping[str, Any]
) -> StockView:
    """Edit a stock item, including its owned quantity (a count after a stock-take)."""
    actor.require(Permission.CATALOG, "edit stock items")
    unknown = set(changes) - set(STOCK_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(sorted(unknown))} of a stock item.")
    item = stock_by_tag(session, tag)
    if item.retired:
        raise ConflictError(f"{item.tag} is retired; it cannot be edited.")
    before = _snapshot(item)
    old_tag = item.tag
    for key, value in changes.items():
        if key == "tag":
            new_tag = validate_tag(value)
            if new_tag != item.tag:
                ensure_tag_free(session, new_tag)
            item.tag = new_tag
        elif key == "name":
            item.name = clean_text(value, key, max_length=200, required=True)
        elif key == "category":
            item.category = _category_by_name(session, str(value))
        elif key == "location":
            item.location = _location_by_name(session, str(value)) if value else None
        elif key == "quantity":
            item.quantity = parse_int(value, key, minimum=0)
        elif key == "unit":
            item.unit = clean_text(value, key, max_length=20) or "pcs"
        elif key == "notes":
            item.notes = clean_text(value, key, max_length=10_000)
    after = _snapshot(item)
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return _view(item)
    if item.tag != old_tag:
        rename_tag(session, old_tag, item.tag, TagKind.STOCK, item.id)
    session.flush()
    history.record(
        session,
        actor,
        "edit",
        "stock",
        item.id,
        item.tag,
        f"{item.tag} edited: {', '.join(changed)}",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return _view(item)


def retire_stock_item(session: Session, actor: Actor, tag: str, reason: str) -> StockView:
    actor.require(Permission.CATALOG, "retire stock items")
    item = stock_by_tag(session, tag)
    why = clean_text(reason, "reason", max_length=500, required=True)
    if item.retired:
        raise ConflictError(f"{item.tag} is retired already.")
    item.retired = True
    session.flush()
    history.record(
        session,
        actor,
        "retire",
        "stock",
        item.id,
        item.tag,
        f"{item.tag} retired ({why})",
        before={"retired": False},
        after={"retired": True, "reason": why},
    )
    return _view(item)
