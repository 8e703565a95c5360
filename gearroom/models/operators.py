"""Operators: the people who sign in to Gearroom, with a role and a PIN stored only as a hash."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gearroom.models.base import Base, KeySpec, derived_key, named_enum
from gearroom.models.catalog import NAME_KEY, Person, TimestampMixin


class Role(enum.StrEnum):
    """What an operator may do: admin (everything), staff (day to day), assistant (scan, prep)."""

    ADMIN = "admin"
    STAFF = "staff"
    ASSISTANT = "assistant"


class Operator(TimestampMixin, Base):
    """Someone who signs in: admin, staff or assistant. A linked person's badge switches to them."""

    __derived_keys__: ClassVar[dict[str, KeySpec]] = NAME_KEY

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    name_key: Mapped[str] = derived_key("name")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(named_enum(Role, "operator_role"))
    # scrypt$N$r$p$salt$hash — never the PIN itself.
    pin_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    last_sign_in: Mapped[datetime | None] = mapped_column()

    person: Mapped[Person | None] = relationship(lazy="joined")
