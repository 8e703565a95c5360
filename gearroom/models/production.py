"""Productions and their shoot days, reservations, check-outs, service tickets and settings.

Invariants the database holds on both engines:

* one asset has at most one open check-out line (partial unique index on ``asset_id`` where
  ``returned_at IS NULL``), so two workstations can never send the same item out twice;
* one asset has at most one open service ticket (same technique);
* a reservation or a line names exactly one asset or one stock item, with a positive quantity.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gearroom.models.base import Base, KeySpec, derived_key, named_enum, utcnow
from gearroom.models.catalog import (
    NAME_KEY,
    TAG_LENGTH,
    Asset,
    Kit,
    Person,
    StockItem,
    TimestampMixin,
)


class ShootDayKind(enum.StrEnum):
    """What happens on a day of a production."""

    PREP = "prep"
    SHOOT = "shoot"
    WRAP = "wrap"
    TRAVEL = "travel"
    HOLD = "hold"


class ReturnCondition(enum.StrEnum):
    """How an item came back at check-in."""

    OK = "ok"
    DAMAGED = "damaged"
    SERVICE = "service"
    MISSING = "missing"


class Production(TimestampMixin, Base):
    """A client job: its shoot days set the window its gear is booked for."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = derived_key("name")
    client: Mapped[str] = mapped_column(String(200), default="")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Set when the production is cancelled: it keeps its history but takes no new bookings.
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    contact: Mapped[Person | None] = relationship(lazy="joined")
    days: Mapped[list[ShootDay]] = relationship(
        back_populates="production",
        cascade="all, delete-orphan",
        order_by="ShootDay.day",
        lazy="selectin",
    )


class ShootDay(Base):
    """One day of a production: prep, shoot, wrap, travel or hold."""

    __tablename__ = "shoot_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[ShootDayKind] = mapped_column(
        named_enum(ShootDayKind, "shoot_day_kind"), default=ShootDayKind.SHOOT
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    call_time: Mapped[time | None] = mapped_column(Time)

    production: Mapped[Production] = relationship(back_populates="days")

    __table_args__ = (
        UniqueConstraint("production_id", "day", name="uq_shoot_days_production_id_day"),
        Index("ix_shoot_days_day", "day"),
    )


class Reservation(Base):
    """Gear held for a production between two dates (both included)."""

    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    stock_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_items.id", ondelete="CASCADE")
    )
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    production: Mapped[Production] = relationship(lazy="joined", innerjoin=True)
    asset: Mapped[Asset | None] = relationship()
    stock_item: Mapped[StockItem | None] = relationship()
    kit: Mapped[Kit | None] = relationship()

    __table_args__ = (
        CheckConstraint("(asset_id IS NULL) <> (stock_item_id IS NULL)", name="one_asset_or_stock"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        Index("ix_reservations_asset_dates", "asset_id", "start_date", "end_date"),
        Index("ix_reservations_stock_dates", "stock_item_id", "start_date", "end_date"),
        Index("ix_reservations_production_id", "production_id"),
        Index("ix_reservations_start_date", "start_date"),
    )


class Checkout(Base):
    """Gear that left the house together: for a production, signed for by a custodian."""

    __tablename__ = "checkouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"))
    custodian_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    out_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_back: Mapped[date] = mapped_column(Date)
    operator: Mapped[str] = mapped_column(String(120))
    notes: Mapped[str] = mapped_column(Text, default="")

    production: Mapped[Production] = relationship(lazy="joined", innerjoin=True)
    custodian: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[CheckoutLine]] = relationship(
        back_populates="checkout", cascade="all, delete-orphan", order_by="CheckoutLine.id"
    )

    __table_args__ = (
        Index("ix_checkouts_production_id", "production_id"),
        Index("ix_checkouts_due_back", "due_back"),
        Index("ix_checkouts_out_at", "out_at"),
    )


OPEN_LINE = text("returned_at IS NULL")


class CheckoutLine(Base):
    """One asset or stock quantity of a check-out; open until it is checked in.

    A line marked missing at check-in stays open (``returned_at`` NULL, ``condition`` missing):
    the item remains charged to the production until it is found or written off.
    """

    __tablename__ = "checkout_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkouts.id", ondelete="CASCADE"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))
    stock_item_id: Mapped[int | None] = mapped_column(ForeignKey("stock_items.id"))
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    returned_quantity: Mapped[int] = mapped_column(Integer, default=0)
    returned_at: Mapped[datetime | None] = mapped_column()
    condition: Mapped[ReturnCondition | None] = mapped_column(
        named_enum(ReturnCondition, "return_condition")
    )
    note: Mapped[str] = mapped_column(Text, default="")

    checkout: Mapped[Checkout] = relationship(back_populates="lines", lazy="joined", innerjoin=True)
    asset: Mapped[Asset | None] = relationship()
    stock_item: Mapped[StockItem | None] = relationship()

    __table_args__ = (
        CheckConstraint("(asset_id IS NULL) <> (stock_item_id IS NULL)", name="one_asset_or_stock"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity",
            name="returned_within_quantity",
        ),
        CheckConstraint("asset_id IS NULL OR quantity = 1", name="asset_quantity_one"),
        Index(
            "uq_checkout_lines_open_asset",
            "asset_id",
            unique=True,
            sqlite_where=OPEN_LINE,
            postgresql_where=OPEN_LINE,
        ),
        Index("ix_checkout_lines_checkout_id", "checkout_id"),
        Index("ix_checkout_lines_stock_item_id", "stock_item_id"),
        Index("ix_checkout_lines_returned_at", "returned_at"),
        Index("ix_checkout_lines_asset_id_returned_at", "asset_id", "returned_at"),
    )


OPEN_TICKET = text("closed_at IS NULL")


class ServiceTicket(Base):
    """Repair, maintenance or calibration of an asset; while open the asset is unavailable."""

    __tablename__ = "service_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    production_id: Mapped[int | None] = mapped_column(
        ForeignKey("productions.id", ondelete="SET NULL")
    )
    checkout_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkout_lines.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str] = mapped_column(String(120), default="")
    repair_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    asset: Mapped[Asset] = relationship(lazy="joined", innerjoin=True)
    production: Mapped[Production | None] = relationship(lazy="joined")
    notes: Mapped[list[ServiceNote]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="ServiceNote.id"
    )

    __table_args__ = (
        Index(
            "uq_service_tickets_open_asset",
            "asset_id",
            unique=True,
            sqlite_where=OPEN_TICKET,
            postgresql_where=OPEN_TICKET,
        ),
        Index("ix_service_tickets_closed_at", "closed_at"),
        Index("ix_service_tickets_opened_at", "opened_at"),
    )


class ServiceNote(Base):
    """A note added to a service ticket (findings, parts ordered, firmware flashed…)."""

    __tablename__ = "service_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    operator: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)

    ticket: Mapped[ServiceTicket] = relationship(back_populates="notes")

    __table_args__ = (Index("ix_service_notes_ticket_id", "ticket_id"),)


class Setting(Base):
    """A rental-house-wide setting shared by every workstation (e.g. the turnaround buffer)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
