"""Money: clients, rate cards, quotes, orders, invoices, credit notes, payments, counters.

Every amount is an integer in the currency's minor unit (cents for EUR, yen for JPY): never a
float. Percentages are stored as ``Numeric`` and read back as :class:`~decimal.Decimal`.

Invariants the database holds on both engines (triggers, see migration 0009): an issued invoice
or credit note and its lines can never be updated or deleted.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
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
from gearroom.models.catalog import NAME_KEY, TimestampMixin

PERCENT = Numeric(7, 4)
FACTOR = Numeric(9, 4)


class Client(TimestampMixin, Base):
    """A company productions are for: where its invoices go and on what terms."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = derived_key("name")
    email: Mapped[str] = mapped_column(String(200), default="")
    billing_address: Mapped[str] = mapped_column(Text, default="")
    tax_number: Mapped[str] = mapped_column(String(60), default="")
    contacts: Mapped[str] = mapped_column(Text, default="")  # contact people, one a line
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    default_discount: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("name_key", name="uq_clients_name_key"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("payment_terms_days >= 0", name="terms_not_negative"),
        CheckConstraint(
            "default_discount >= 0 AND default_discount <= 100", name="discount_in_range"
        ),
    )


class RateCard(Base):
    """A day rate and an optional week rate on exactly one model, asset, kit, stock item or
    category; the most specific one wins. A stock item may also carry a sale price."""

    __tablename__ = "rate_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_models.id", ondelete="CASCADE")
    )
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    kit_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id", ondelete="CASCADE"))
    stock_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_items.id", ondelete="CASCADE")
    )
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    day_minor: Mapped[int] = mapped_column(BigInteger)
    week_minor: Mapped[int | None] = mapped_column(BigInteger)
    sale_minor: Mapped[int | None] = mapped_column(BigInteger)
    #: The name of the house's tax rate its lines are taxed at (None: a less specific card's,
    #: else the standard rate). See migration 0010.
    tax_rate: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN model_id IS NULL THEN 0 ELSE 1 END + CASE WHEN asset_id IS NULL THEN 0 "
            "ELSE 1 END + CASE WHEN kit_id IS NULL THEN 0 ELSE 1 END + CASE WHEN stock_item_id "
            "IS NULL THEN 0 ELSE 1 END + CASE WHEN category_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        CheckConstraint("day_minor >= 0", name="day_not_negative"),
        CheckConstraint("week_minor IS NULL OR week_minor >= 0", name="week_not_negative"),
        UniqueConstraint("model_id", name="uq_rate_cards_model_id"),
        UniqueConstraint("asset_id", name="uq_rate_cards_asset_id"),
        UniqueConstraint("kit_id", name="uq_rate_cards_kit_id"),
        UniqueConstraint("stock_item_id", name="uq_rate_cards_stock_item_id"),
        UniqueConstraint("category_id", name="uq_rate_cards_category_id"),
    )


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SUPERSEDED = "superseded"
    ACCEPTED = "accepted"


class Quote(Base):
    """One version of a numbered quote for a production; lines hold the prices quoted."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    status: Mapped[QuoteStatus] = mapped_column(
        named_enum(QuoteStatus, "quote_status"), default=QuoteStatus.DRAFT
    )
    currency: Mapped[str] = mapped_column(String(3))
    issued_on: Mapped[date] = mapped_column(Date)
    discount_pct: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    hire_start: Mapped[date | None] = mapped_column(Date)
    hire_end: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()

    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteLine.position"
    )

    __table_args__ = (
        UniqueConstraint("number", "version", name="uq_quotes_number_version"),
        Index("ix_quotes_production_id", "production_id"),
    )


class LineKind(enum.StrEnum):
    HIRE = "hire"
    LATE = "late"
    LOSS = "loss"
    DAMAGE = "damage"
    SALE = "sale"
    CREDIT = "credit"


class _PricedLine:
    """What a quote line and an invoice line share: what was hired, for how long, at what."""

    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[LineKind] = mapped_column(named_enum(LineKind, "line_kind"))
    description: Mapped[str] = mapped_column(String(300))
    asset_id: Mapped[int | None] = mapped_column(Integer)
    model_id: Mapped[int | None] = mapped_column(Integer)
    kit_id: Mapped[int | None] = mapped_column(Integer)
    stock_item_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    days: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=Decimal(0))
    day_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    week_minor: Mapped[int | None] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    discount_pct: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    net_minor: Mapped[int] = mapped_column(BigInteger)
    tax_pct: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal(0))
    #: The name of the tax rate the line was taxed at ("": the standard rate, lines of old).
    tax_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    tax_minor: Mapped[int] = mapped_column(BigInteger)


class QuoteLine(_PricedLine, Base):
    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))

    quote: Mapped[Quote] = relationship(back_populates="lines")

    __table_args__ = (Index("ix_quote_lines_quote_id", "quote_id"),)


class Order(Base):
    """An accepted quote: the production's prices, locked."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), unique=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_by: Mapped[str] = mapped_column(String(120))

    quote: Mapped[Quote] = relationship(lazy="joined", innerjoin=True)


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Invoice(Base):
    """An invoice or a credit note: a draft until issued, then never changed."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(
        named_enum(DocumentKind, "document_kind"), default=DocumentKind.INVOICE
    )
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    credits_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    issued_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(120), default="")
    net_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )

    __table_args__ = (
        CheckConstraint("total_minor = net_minor + tax_minor", name="total_adds_up"),
        CheckConstraint("(number IS NULL) = (issued_on IS NULL)", name="number_iff_issued"),
        Index("ix_invoices_production_id", "production_id"),
        Index("ix_invoices_due_on", "due_on"),
    )


class InvoiceLine(_PricedLine, Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    __table_args__ = (Index("ix_invoice_lines_invoice_id", "invoice_id"),)


class Payment(Base):
    """Money received against an issued invoice; part payments add up."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_payments_invoice_id", "invoice_id"),
    )


class DocumentCounter(Base):
    """The next number of a gap-free series (``INV``, ``CN``, ``Q``) in one year."""

    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer, default=1)
