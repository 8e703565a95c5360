"""The catalog: categories, locations, serialized assets, bulk stock, kits, people, tags."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gearroom.models.base import Base, KeySpec, derived_key, named_enum, utcnow
from gearroom.text import name_key, search_fold

TAG_LENGTH = 32
#: The columns search-as-you-type matches, folded into ``Asset.search_text``.
ASSET_SEARCH_COLUMNS = ("tag", "name", "make", "model", "serial")


def asset_search_text(*values: str) -> str:
    """What search matches for an asset: its searchable columns, case and accents folded."""
    return search_fold(" ".join(values))


#: Every named thing is looked up by its name's key (:func:`gearroom.text.name_key`).
NAME_KEY: dict[str, KeySpec] = {"name_key": (("name",), name_key)}


class TagKind(enum.StrEnum):
    """What a scannable tag names."""

    ASSET = "asset"
    KIT = "kit"
    STOCK = "stock"
    PERSON = "person"
    LOCATION = "location"
    PRODUCTION = "production"


class AssetStatus(enum.StrEnum):
    """Where a serialized item stands."""

    AVAILABLE = "available"
    RESERVED = "reserved"
    OUT = "out"
    IN_SERVICE = "in_service"
    LOST = "lost"
    RETIRED = "retired"


class LocationKind(enum.StrEnum):
    """The kind of place gear sits in."""

    SHELF = "shelf"
    BAY = "bay"
    ROOM = "room"
    TRUCK = "truck"
    CAGE = "cage"
    OTHER = "other"


class PersonRole(enum.StrEnum):
    """Crew sign for gear; client contacts book it."""

    CREW = "crew"
    CLIENT = "client"
    STAFF = "staff"


class TimestampMixin:
    """Created / updated times, maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tag(Base):
    """The registry of every scannable tag, so a tag is unique across everything."""

    __tablename__ = "tags"

    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), primary_key=True)
    kind: Mapped[TagKind] = mapped_column(named_enum(TagKind, "tag_kind"))
    ref_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_tags_kind_ref_id"),
        CheckConstraint("tag <> ''", name="tag_not_empty"),
    )


class Category(TimestampMixin, Base):
    """A kind of gear with its tag prefix and the extra fields its items carry."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_key: Mapped[str] = derived_key("name")
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    # The extra fields its items carry: [{"key", "label", "type": text|int|float, "unit"}].
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    next_number: Mapped[int] = mapped_column(default=1)
    sort_order: Mapped[int] = mapped_column(default=0)


class Location(TimestampMixin, Base):
    """A shelf, bay, room, cage or truck."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_key: Mapped[str] = derived_key("name")
    kind: Mapped[LocationKind] = mapped_column(
        named_enum(LocationKind, "location_kind"), default=LocationKind.SHELF
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class Asset(TimestampMixin, Base):
    """One serialized item: a camera body, a lens, a light head, a drone."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = {
        "search_text": (ASSET_SEARCH_COLUMNS, asset_search_text)
    }

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    make: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    serial: Mapped[str] = mapped_column(String(120), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    #: The model (make + model) this is a serial of; kept by the catalog services.
    model_id: Mapped[int | None] = mapped_column(ForeignKey("product_models.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    status: Mapped[AssetStatus] = mapped_column(
        named_enum(AssetStatus, "asset_status"), default=AssetStatus.AVAILABLE
    )
    purchase_date: Mapped[date | None] = mapped_column(Date)
    purchase_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    replacement_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: What search-as-you-type matches, case and accents folded in Python (the same on every
    #: engine); kept by every insert (Core included) and every ORM update.
    search_text: Mapped[str] = derived_key(
        *ASSET_SEARCH_COLUMNS, fold=asset_search_text, type_=Text(), index=False
    )

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    location: Mapped[Location | None] = relationship(lazy="joined")
    kit_link: Mapped[KitAsset | None] = relationship(back_populates="asset", lazy="select")

    __table_args__ = (
        Index("ix_assets_category_id", "category_id"),
        Index("ix_assets_model_id", "model_id"),
        Index("ix_assets_location_id", "location_id"),
        Index("ix_assets_status", "status"),
        Index("ix_assets_serial", "serial"),
        Index("ix_assets_name", "name"),
        # In tag order with everything the inventory filters on: a search reads this index
        # alone instead of every row of the table.
        Index("ix_assets_search", "tag", "status", "category_id", "location_id", "search_text"),
    )


class StockItem(TimestampMixin, Base):
    """Bulk, counted things: V-mount batteries, SDI cables, CFexpress cards."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "stock_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = derived_key("name")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(default=0)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    notes: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    location: Mapped[Location | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)


class Kit(TimestampMixin, Base):
    """A named case or package with its own tag; holds assets, stock and other kits."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = derived_key("name")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Kit | None] = relationship(remote_side="Kit.id", back_populates="children")
    children: Mapped[list[Kit]] = relationship(back_populates="parent", order_by="Kit.tag")
    location: Mapped[Location | None] = relationship()
    asset_links: Mapped[list[KitAsset]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="KitAsset.position"
    )
    stock_links: Mapped[list[KitStock]] = relationship(
        back_populates="kit", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_kits_parent_id", "parent_id"),
    )


class KitAsset(Base):
    """An asset's place in a kit; an asset belongs to one kit at most."""

    __tablename__ = "kit_assets"

    kit_id: Mapped[int] = mapped_column(ForeignKey("kits.id", ondelete="CASCADE"), primary_key=True)
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    kit: Mapped[Kit] = relationship(back_populates="asset_links")
    asset: Mapped[Asset] = relationship(back_populates="kit_link", lazy="joined")

    __table_args__ = (UniqueConstraint("asset_id", name="uq_kit_assets_asset_id"),)


class KitStock(Base):
    """A counted quantity of a stock item packed in a kit."""

    __tablename__ = "kit_stock"

    kit_id: Mapped[int] = mapped_column(ForeignKey("kits.id", ondelete="CASCADE"), primary_key=True)
    stock_item_id: Mapped[int] = mapped_column(
        ForeignKey("stock_items.id", ondelete="CASCADE"), primary_key=True
    )
    quantity: Mapped[int] = mapped_column(default=1)

    kit: Mapped[Kit] = relationship(back_populates="stock_links")
    stock_item: Mapped[StockItem] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class Person(TimestampMixin, Base):
    """Crew and client contacts; a custodian signs for gear with a badge tag."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = derived_key("name")
    badge: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    role: Mapped[PersonRole] = mapped_column(
        named_enum(PersonRole, "person_role"), default=PersonRole.CREW
    )
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (Index("ix_people_name", "name"),)
