"""Models (products): make + model within a category, and quantities of a model booked.

Every serialized asset belongs to one model ("ARRI Alexa Mini LF"); a production can book a
quantity of a model without choosing serials, and the serial is chosen at check-out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gearroom.models.base import Base, KeySpec, derived_key, utcnow
from gearroom.models.catalog import NAME_KEY, Category, TimestampMixin
from gearroom.models.production import Production


class ProductModel(TimestampMixin, Base):
    """A make and model of serialized gear within a category; its assets are its serials."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "product_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = derived_key("name")
    make: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("category_id", "name_key", name="uq_product_models_category_name"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )


class ModelReservation(Base):
    """A quantity of a model held for a production between two dates (both included)."""

    __tablename__ = "model_reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"))
    model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    production: Mapped[Production] = relationship(lazy="joined", innerjoin=True)
    product_model: Mapped[ProductModel] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        Index("ix_model_reservations_model_dates", "model_id", "start_date", "end_date"),
        Index("ix_model_reservations_production_id", "production_id"),
    )


class DraftCheckout(Base):
    """A check-out being scanned: saved scan by scan, resumable anywhere until committed."""

    __tablename__ = "draft_checkouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"))
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_back: Mapped[date | None] = mapped_column(Date)
    started_by: Mapped[str] = mapped_column(String(120))
    workstation: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    production: Mapped[Production] = relationship(lazy="joined", innerjoin=True)
    scans: Mapped[list[DraftScan]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftScan.id"
    )

    __table_args__ = (Index("ix_draft_checkouts_production_id", "production_id"),)


class DraftScan(Base):
    """One scan of a draft check-out: a tag (with a quantity for stock), and why, if unbooked."""

    __tablename__ = "draft_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft_checkouts.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    kit_tag: Mapped[str] = mapped_column(String(32), default="")
    unbooked_reason: Mapped[str] = mapped_column(Text, default="")
    scanned_by: Mapped[str] = mapped_column(String(120))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[DraftCheckout] = relationship(back_populates="scans")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_draft_scans_draft_id", "draft_id"),
    )
