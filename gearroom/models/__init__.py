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
from gearroom.models.operators import Operator, Role
from gearroom.models.production import (
    Checkout,
    CheckoutLine,
    Production,
    Reservation,
    ReturnCondition,
    ServiceNote,
    ServiceTicket,
    Setting,
    ShootDay,
    ShootDayKind,
)
from gearroom.models.products import DraftCheckout, DraftScan, ModelReservation, ProductModel

__all__ = [
    "NAMING_CONVENTION",
    "Asset",
    "AssetStatus",
    "Base",
    "Category",
    "Checkout",
    "CheckoutLine",
    "DraftCheckout",
    "DraftScan",
    "Event",
    "Kit",
    "KitAsset",
    "KitStock",
    "Location",
    "LocationKind",
    "ModelReservation",
    "Operator",
    "Person",
    "PersonRole",
    "ProductModel",
    "Production",
    "Reservation",
    "ReturnCondition",
    "Role",
    "ServiceNote",
    "ServiceTicket",
    "Setting",
    "ShootDay",
    "ShootDayKind",
    "StockItem",
    "Tag",
    "TagKind",
    "utcnow",
]
