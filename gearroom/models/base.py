"""Declarative base, naming convention and shared column types."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, MetaData, String, TypeDecorator, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from gearroom.text import name_key

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored as UTC by :class:`UTCDateTime`."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC and read back as aware UTC, on every engine."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def named_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable, named enum: stored as its value in a VARCHAR with a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Base of every Gearroom table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


#: A derived key: the columns it is computed from and how.
KeySpec = tuple[tuple[str, ...], Callable[..., str]]


def _derive(spec: KeySpec, values: Callable[[str], object]) -> str:
    sources, fold = spec
    return str(fold(*(str(values(name) or "") for name in sources)))


def derived_key(
    *sources: str, fold: Callable[..., str] = name_key, type_: Any = None, index: bool = True
) -> Mapped[str]:
    """A column kept equal to ``fold(*sources)`` by Python, the same on every engine.

    Core inserts (bulk loads included) compute it as a column default from the row's own
    values; ORM inserts and updates through :func:`_keep_keys`. Register the spec in the
    class's ``__derived_keys__`` so updates recompute it.
    """

    def default(context: DefaultExecutionContext) -> str:
        params: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
        return _derive((sources, fold), lambda name: params.get(name))

    return mapped_column(
        type_ if type_ is not None else String(200), default=default, index=index or None
    )


def _keep_keys(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    for column, spec in getattr(type(target), "__derived_keys__", {}).items():
        value = _derive(spec, lambda name: getattr(target, name, None))
        if getattr(target, column, None) != value:
            setattr(target, column, value)


event.listen(Base, "before_insert", _keep_keys, propagate=True)
event.listen(Base, "before_update", _keep_keys, propagate=True)
