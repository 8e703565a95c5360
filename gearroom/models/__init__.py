"""SQLAlchemy 2 typed ORM models, one module per aggregate. No Qt, no logic beyond invariants."""

from gearroom.models.base import NAMING_CONVENTION, Base, utcnow
from gearroom.models.catalog import (
    Asset,
    AssetStatus,
    Category,
    Kit,
    KitAsset,
    KitStock,
    Location,
    LocationKind,
    Person,
    PersonRole,
    StockItem,
    Tag,
    TagKind,
)
from gearroom.models.history import Event

__all__ = [
    "NAMING_CONVENTION",
    "Asset",
    "AssetStatus",
    "Base",
    "Category",
    "Event",
    "Kit",
    "KitAsset",
    "KitStock",
    "Location",
    "LocationKind",
    "Person",
    "PersonRole",
    "StockItem",
    "Tag",
    "TagKind",
    "utcnow",
]
