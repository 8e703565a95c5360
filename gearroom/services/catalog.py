"""Categories, locations and serialized assets: create, edit, retire, find."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Asset, AssetStatus, Category, Location, LocationKind, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import minor_digits, parse_amount
from gearroom.services.names import did_you_mean, same_name
from gearroom.services.pricing import load_rules
from gearroom.services.product_models import assign_model
from gearroom.services.tags import (
    ensure_tag_free,
    lookup_text,
    next_tag_for_category,
    next_tag_with_prefix,
    normalize_tag,
    register_tag,
    rename_tag,
    validate_prefix,
    validate_tag,
)
from gearroom.services.validation import clean_text, parse_date

FIELD_TYPES = ("text", "int", "float")


# --------------------------------------------------------------------------- categories


@dataclass(frozen=True)
class FieldSpec:
    """An extra field the items of a category carry (lens mount, battery cycles…)."""

    key: str
    label: str
    type: str = "text"
    unit: str = ""


@dataclass(frozen=True)
class CategoryView:
    id: int
    name: str
    prefix: str
    fields: tuple[FieldSpec, ...] = ()


def category_view(category: Category) -> CategoryView:
    specs = tuple(
        FieldSpec(f["key"], f.get("label", f["key"]), f.get("type", "text"), f.get("unit", ""))
        for f in category.fields
    )
    return CategoryView(category.id, category.name, category.prefix, specs)


def list_categories(session: Session) -> list[CategoryView]:
    rows = session.scalars(select(Category).order_by(Category.sort_order, Category.name))
    return [category_view(c) for c in rows]


def catalog_is_empty(session: Session) -> bool:
    """A brand-new database: no categories and no assets yet (one Core statement: the start
    asks it before the window, and it needs no mapped class configured)."""
    categories, assets = Category.__table__, Asset.__table__
    return not session.execute(
        select(exists(select(categories.c.id)) | exists(select(assets.c.id)))
    ).scalar()


def find_category(session: Session, name: str) -> Category | None:
    """The category called ``name`` (by its name's key) or with the tag prefix ``name``."""
    text = lookup_text(name)
    return session.scalar(
        select(Category).where(or_(same_name(Category, text), Category.prefix == text.upper()))
    )


def _category_by_name(session: Session, name: str) -> Category:
    text = lookup_text(name)
    category = find_category(session, text)
    if category is None:
        known = list(session.scalars(select(Category.name).order_by(Category.name)))
        hint = did_you_mean(text, known, "categories") if known else " Run 'gearroom init' first."
        raise NotFoundError(f"There is no category {text!r}.{hint}")
    return category


def get_category(session: Session, name: str) -> CategoryView:
    return category_view(_category_by_name(session, name))


def _clean_fields(specs: Sequence[FieldSpec]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for spec in specs:
        key = spec.key.strip().lower()
        if not key.replace("_", "").isalnum():
            raise ValidationError(f"Field key {spec.key!r} must be letters, digits and '_'.")
        if key in seen:
            raise ValidationError(f"Field {key!r} is listed twice.")
        if spec.type not in FIELD_TYPES:
            raise ValidationError(
                f"Field type {spec.type!r} is not one of {', '.join(FIELD_TYPES)}."
            )
        seen.add(key)
        out.append({"key": key, "label": spec.label or key, "type": spec.type, "unit": spec.unit})
    return out


def create_category(
    session: Session,
    actor: Actor,
    name: str,
    prefix: str,
    fields: Sequence[FieldSpec] = (),
    sort_order: int = 0,
) -> CategoryView:
    actor.require(Permission.CATALOG, "add categories")
    clean_name = clean_text(name, "name", max_length=80, required=True)
    clean_prefix = validate_prefix(prefix)
    if session.scalar(select(Category.id).where(same_name(Category, clean_name))):
        raise ConflictError(f"There is a category called {clean_name} already.")
    if session.scalar(select(Category.id).where(Category.prefix == clean_prefix)):
        raise ConflictError(f"The tag prefix {clean_prefix} belongs to another category.")
    category = Category(
        name=clean_name, prefix=clean_prefix, fields=_clean_fields(fields), sort_order=sort_order
    )
    session.add(category)
    session.flush()
    history.record(
        session,
        actor,
        "create",
        "category",
        category.id,
        "",
        f"Category {clean_name} added",
        after={"name": clean_name, "prefix": clean_prefix, "fields": category.fields},
    )
    return category_view(category)


# --------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class LocationView:
    id: int
    tag: str
    name: str
    kind: LocationKind
    notes: str = ""


def location_view(loc: Location) -> LocationView:
    return LocationView(loc.id, loc.tag, loc.name, loc.kind, loc.notes)


def list_locations(session: Session) -> list[LocationView]:
    return [location_view(loc) for loc in session.scalars(select(Location).order_by(Location.name))]


def find_location(session: Session, name: str) -> Location | None:
    """The location called ``name`` (by its name's key) or tagged ``name``."""
    text = lookup_text(name)
    return session.scalar(
        select(Location).where(or_(same_name(Location, text), Location.tag == normalize_tag(text)))
    )


def _location_by_name(session: Session, name: str) -> Location:
    text = lookup_text(name)
    loc = find_location(session, text)
    if loc is None:
        known = session.scalars(select(Location.name).order_by(Location.name))
        raise NotFoundError(
            f"There is no location {text!r}." + did_you_mean(text, known, "locations")
        )
    return loc


def create_location(
    session: Session,
    actor: Actor,
    name: str,
    kind: LocationKind = LocationKind.SHELF,
    tag: str | None = None,
    notes: str = "",
) -> LocationView:
    actor.require(Permission.CATALOG, "add locations")
    clean_name = clean_text(name, "name", max_length=120, required=True)
    if session.scalar(select(Location.id).where(same_name(Location, clean_name))):
        raise ConflictError(f"There is a location called {clean_name} already.")
    clean_tag = validate_tag(tag) if tag else next_tag_with_prefix(session, "LOC")
    ensure_tag_free(session, clean_tag)
    loc = Location(
        tag=clean_tag,
        name=clean_name,
        kind=LocationKind(kind),
        notes=clean_text(notes, "notes", max_length=4000),
    )
    session.add(loc)
    session.flush()
    register_tag(session, clean_tag, TagKind.LOCATION, loc.id)
    history.record(
        session,
        actor,
        "create",
        "location",
        loc.id,
        clean_tag,
        f"Location {clean_name} added",
        after={"name": clean_name, "kind": loc.kind},
    )
    return location_view(loc)


# --------------------------------------------------------------------------- assets


@dataclass(frozen=True)
class AssetDraft:
    """What a person or an import gives to create an asset."""

    name: str
    category: str
    tag: str | None = None
    make: str = ""
    model: str = ""
    serial: str = ""
    location: str | None = None
    purchase_date: date | str | None = None
    purchase_value: Decimal | str | float | None = None
    notes: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AssetView:
    id: int
    tag: str
    name: str
    make: str
    model: str
    serial: str
    category: str
    category_id: int
    location: str | None
    location_id: int | None
    status: AssetStatus
    purchase_date: date | None
    purchase_value: Decimal | None
    notes: str
    attributes: dict[str, Any]
    kit_tag: str | None
    kit_name: str | None
    created_at: datetime
    updated_at: datetime


EDITABLE_FIELDS = (
    "tag",
    "name",
    "make",
    "model",
    "serial",
    "category",
    "location",
    "purchase_date",
    "purchase_value",
    "notes",
    "attributes",
)


def _snapshot(asset: Asset) -> dict[str, Any]:
    return {
        "tag": asset.tag,
        "name": asset.name,
        "make": asset.make,
        "model": asset.model,
        "serial": asset.serial,
        "category": asset.category.name,
        "location": asset.location.name if asset.location else None,
        "status": asset.status,
        "purchase_date": asset.purchase_date,
        "purchase_value": asset.purchase_value,
        "notes": asset.notes,
        "attributes": dict(asset.attributes or {}),
    }


def _asset_view(asset: Asset) -> AssetView:
    kit = asset.kit_link.kit if asset.kit_link else None
    return AssetView(
        id=asset.id,
        tag=asset.tag,
        name=asset.name,
        make=asset.make,
        model=asset.model,
        serial=asset.serial,
        category=asset.category.name,
        category_id=asset.category_id,
        location=asset.location.name if asset.location else None,
        location_id=asset.location_id,
        status=asset.status,
        purchase_date=asset.purchase_date,
        purchase_value=asset.purchase_value,
        notes=asset.notes,
        attributes=dict(asset.attributes or {}),
        kit_tag=kit.tag if kit else None,
        kit_name=kit.name if kit else None,
        created_at=asset.created_at,
        updated_at=asset.updated_at,
    )


def validate_attributes(category: Category, values: Mapping[str, Any]) -> dict[str, Any]:
    """Category-specific fields, typed by the category's field list; unknown keys refused."""
    specs = {f["key"]: f for f in category.fields}
    out: dict[str, Any] = {}
    for key, raw in values.items():
        spec = specs.get(key)
        if spec is None:
            known = ", ".join(specs) or "none"
            raise ValidationError(
                f"{category.name} items have no field {key!r} (fields: {known}).", field=key
            )
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        kind = spec.get("type", "text")
        label = spec.get("label", key)
        try:
            if kind == "int":
                number = int(str(raw).strip())
                if number < 0:
                    raise ValueError
                out[key] = number
            elif kind == "float":
                real = float(str(raw).strip())
                if real != real or real in (float("inf"), float("-inf")) or real < 0:
                    raise ValueError
                out[key] = real
            else:
                out[key] = clean_text(raw, key, max_length=200)
        except ValueError as exc:
            wanted = "a whole number" if kind == "int" else "a number"
            raise ValidationError(
                f"{label} must be {wanted} of 0 or more, not {raw!r}.", field=key
            ) from exc
    return out


def _asset_by_tag(session: Session, tag: str) -> Asset:
    clean = normalize_tag(tag)
    asset = session.scalar(select(Asset).where(Asset.tag == clean))
    if asset is None:
        raise NotFoundError(f"No asset has the tag {clean or tag!r}.")
    return asset


def get_asset(session: Session, tag: str) -> AssetView:
    return _asset_view(_asset_by_tag(session, tag))


def get_asset_by_id(session: Session, asset_id: int) -> AssetView:
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError(f"Asset #{asset_id} no longer exists.")
    return _asset_view(asset)


def _purchase_value(session: Session, value: Decimal | str | float | None) -> Decimal | None:
    """What an item cost, as typed (either separator convention; see ``parse_amount``), in the
    house currency's decimals (at most cents: the column keeps two)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    currency = load_rules(session).currency
    if minor_digits(currency) > 2:
        currency = "EUR"
    if isinstance(value, float):
        value = str(value)  # a number from a file reader, not typed money
    return parse_amount(
        value, currency, what="purchase value", grouped=True, field="purchase_value"
    )


def create_asset(session: Session, actor: Actor, draft: AssetDraft) -> AssetView:
    """Add a serialized item; a new tag comes from the category prefix unless one is given."""
    actor.require(Permission.CATALOG, "add items to the catalog")
    category = _category_by_name(session, draft.category)
    location = _location_by_name(session, draft.location) if draft.location else None
    asset = Asset(
        tag="",
        name=clean_text(draft.name, "name", max_length=200, required=True),
        make=clean_text(draft.make, "make", max_length=120),
        model=clean_text(draft.model, "model", max_length=120),
        serial=clean_text(draft.serial, "serial", max_length=120),
        category=category,
        location=location,
        purchase_date=parse_date(draft.purchase_date, "purchase_date"),
        purchase_value=_purchase_value(session, draft.purchase_value),
        notes=clean_text(draft.notes, "notes", max_length=10_000),
        attributes=validate_attributes(category, draft.attributes),
        status=AssetStatus.AVAILABLE,
    )
    asset.tag = validate_tag(draft.tag) if draft.tag else next_tag_for_category(session, category)
    ensure_tag_free(session, asset.tag)
    session.add(asset)
    try:
        session.flush()
    except Exception:
        session.expunge(asset)
        raise
    register_tag(session, asset.tag, TagKind.ASSET, asset.id)
    assign_model(session, asset)
    history.record(
        session,
        actor,
        "create",
        "asset",
        asset.id,
        asset.tag,
        f"{asset.tag} {asset.name} added",
        after=_snapshot(asset),
    )
    return _asset_view(asset)


def update_asset(session: Session, actor: Actor, tag: str, changes: Mapping[str, Any]) -> AssetView:
    """Edit fields of an asset; history keeps the before and after of what changed."""
    actor.require(Permission.CATALOG, "edit the catalog")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"Cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}."
        )
    asset = _asset_by_tag(session, tag)
    if asset.status is AssetStatus.RETIRED:
        raise ConflictError(f"{asset.tag} is retired; it cannot be edited.")
    before = _snapshot(asset)
    old_tag = asset.tag
    for key, value in changes.items():
        if key == "tag":
            new_tag = validate_tag(value)
            if new_tag != asset.tag:
                ensure_tag_free(session, new_tag)
            asset.tag = new_tag
        elif key in ("name",):
            asset.name = clean_text(value, key, max_length=200, required=True)
        elif key in ("make", "model", "serial"):
            setattr(asset, key, clean_text(value, key, max_length=120))
        elif key == "notes":
            asset.notes = clean_text(value, key, max_length=10_000)
        elif key == "category":
            asset.category = _category_by_name(session, str(value))
        elif key == "location":
            asset.location = _location_by_name(session, str(value)) if value else None
        elif key == "purchase_date":
            asset.purchase_date = parse_date(value, key)
        elif key == "purchase_value":
            asset.purchase_value = _purchase_value(session, value)
        elif key == "attributes":
            asset.attributes = validate_attributes(asset.category, dict(value or {}))
    if "category" in changes and "attributes" not in changes:
        asset.attributes = validate_attributes(
            asset.category,
            {
                k: v
                for k, v in (asset.attributes or {}).items()
                if k in {f["key"] for f in asset.category.fields}
            },
        )
    after = _snapshot(asset)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return _asset_view(asset)
    if asset.tag != old_tag:
        rename_tag(session, old_tag, asset.tag, TagKind.ASSET, asset.id)
    if changed & {"make", "model", "name", "category"}:
        assign_model(session, asset)
    session.flush()
    history.record(
        session,
        actor,
        "edit",
        "asset",
        asset.id,
        asset.tag,
        f"{asset.tag} edited: {', '.join(sorted(changed))}",
        before={k: before[k] for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
    )
    return _asset_view(asset)


MANUAL_STATUSES = {AssetStatus.AVAILABLE, AssetStatus.LOST, AssetStatus.IN_SERVICE}


def change_status(
    session: Session,
    actor: Actor,
    asset: Asset,
    status: AssetStatus,
    reason: str,
    action: str = "status",
) -> None:
    """Move an asset to ``status`` and record it (for services that own the transition)."""
    if asset.status is status:
        return
    before = asset.status
    asset.status = status
    summary = f"{asset.tag}: {before.value} → {status.value}" + (f" ({reason})" if reason else "")
    history.record(
        session,
        actor,
        action,
        "asset",
        asset.id,
        asset.tag,
        summary,
        before={"status": before},
        after={"status": status, "reason": reason},
    )


def set_status(
    session: Session, actor: Actor, tag: str, status: AssetStatus, reason: str = ""
) -> AssetView:
    """Mark an asset lost, found (available) or in service by hand, with a reason."""
    actor.require(Permission.CATALOG, "change an item's status")
    asset = _asset_by_tag(session, tag)
    status = AssetStatus(status)
    if status not in MANUAL_STATUSES:
        raise ValidationError(
            f"Status {status.value} is set by its own action (reserve, check out, retire)."
        )
    if asset.status in (AssetStatus.RETIRED, AssetStatus.OUT):
        raise ConflictError(
            f"{asset.tag} is {asset.status.value}; its status cannot be changed by hand."
        )
    change_status(session, actor, asset, status, clean_text(reason, "reason", max_length=500))
    return _asset_view(asset)


def retire_asset(session: Session, actor: Actor, tag: str, reason: str) -> AssetView:
    """Take an asset out of the inventory for good (sold, written off); history keeps it."""
    actor.require(Permission.CATALOG, "retire items")
    asset = _asset_by_tag(session, tag)
    why = clean_text(reason, "reason", max_length=500, required=True)
    if asset.status is AssetStatus.RETIRED:
        raise ConflictError(f"{asset.tag} is retired already.")
    if asset.status is AssetStatus.OUT:
        raise ConflictError(f"{asset.tag} is out; check it in before retiring it.")
    change_status(session, actor, asset, AssetStatus.RETIRED, why, action="retire")
    return _asset_view(asset)
