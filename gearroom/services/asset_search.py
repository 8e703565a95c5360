"""Searching the inventory: the table's rows in blocks by id, and listing and counting assets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from gearroom.models import Asset, AssetStatus, Category, Location
from gearroom.services.names import like_escape
from gearroom.text import search_fold


@dataclass(frozen=True)
class AssetRow:
    """One line of the inventory table."""

    id: int
    tag: str
    name: str
    category: str
    status: AssetStatus
    location: str
    make: str
    model: str
    serial: str


@dataclass(frozen=True)
class AssetQuery:
    """A search of the inventory: words (all must match) and filters."""

    text: str = ""
    category_id: int | None = None
    status: AssetStatus | None = None
    location_id: int | None = None
    include_retired: bool = True


def _query_filter(query: AssetQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for word in search_fold(query.text).split():
        # search_text is folded the same way when it is written: case and accents forgiven.
        pattern = "%" + like_escape(word) + "%"
        conditions.append(Asset.search_text.like(pattern, escape="\\"))
    if query.category_id is not None:
        conditions.append(Asset.category_id == query.category_id)
    if query.status is not None:
        conditions.append(Asset.status == query.status)
    elif not query.include_retired:
        conditions.append(Asset.status != AssetStatus.RETIRED)
    if query.location_id is not None:
        conditions.append(Asset.location_id == query.location_id)
    return conditions


def find_asset_ids(session: Session, query: AssetQuery) -> list[int]:
    """Ids of the matching assets in tag order (the inventory table loads rows lazily)."""
    stmt = select(Asset.id).order_by(Asset.tag)
    conditions = _query_filter(query)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    return list(session.scalars(stmt))


def _row_select() -> Select[int, str, str, str, AssetStatus, str, str, str, str]:
    return (
        select(
            Asset.id,
            Asset.tag,
            Asset.name,
            Category.name,
            Asset.status,
            func.coalesce(Location.name, ""),
            Asset.make,
            Asset.model,
            Asset.serial,
        )
        .join(Category, Asset.category_id == Category.id)
        .outerjoin(Location, Asset.location_id == Location.id)
    )


def asset_rows(session: Session, ids: Sequence[int]) -> list[AssetRow]:
    """Table rows for ``ids``, in the order given."""
    if not ids:
        return []
    found = {
        r[0]: AssetRow(*r) for r in session.execute(_row_select().where(Asset.id.in_(list(ids))))
    }
    return [found[i] for i in ids if i in found]


def list_assets(
    session: Session, query: AssetQuery | None = None, limit: int | None = None
) -> list[AssetRow]:
    """Matching assets as table rows, in tag order."""
    stmt = _row_select().order_by(Asset.tag)
    conditions = _query_filter(query or AssetQuery())
    if conditions:
        stmt = stmt.where(and_(*conditions))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [AssetRow(*r) for r in session.execute(stmt)]


def count_assets_by_status(session: Session) -> dict[AssetStatus, int]:
    rows = session.execute(select(Asset.status, func.count()).group_by(Asset.status))
    return {status: int(n) for status, n in rows}
