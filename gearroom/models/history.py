"""The append-only history of everything: who, when, what, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gearroom.models.base import Base, utcnow

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid; BIGINT elsewhere.
EventId = BigInteger().with_variant(Integer(), "sqlite")


class Event(Base):
    """One change. Rows are never updated or deleted (the database refuses it).

    Ids are consecutive and assigned by :func:`gearroom.services.history.record`; each event
    carries the hash of its content chained to the previous event's hash, so an edited, deleted
    or out-of-order event shows (``gearroom history verify``).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    operator: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    entity_tag: Mapped[str] = mapped_column(String(32), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_events_entity", "entity_kind", "entity_id", "id"),
        Index("ix_events_at", "at"),
        Index("ix_events_action_at", "action", "at"),
    )
