"""The scan's hot path: what a scanned tag names and, for an asset, whether it is free for the
cart's window, in one statement.

A check-out scan asks five things of an asset: what the tag names, whether another production
booked it in the window, whether it is out or has an open service ticket, whether a model of
the cart is booked by another production, and which kit it belongs to. Asked one at a time
through the ORM that is five statements and most of the time goes to building them in Python;
here they are one SQLAlchemy Core statement, compiled once per dialect and per size of the
cart's list and sent as one statement (:mod:`gearroom.quick_read`: at the start of a read
session, outside a transaction, in one round trip).

The answer is only ever used to say *yes*: when the statement finds anything that could stand
in the way (a booking, an open line, a ticket, a blocking status, a model booked elsewhere),
:mod:`gearroom.services.checkout_cart` takes its detailed path, which builds the reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, exists, literal, select
from sqlalchemy.orm import Session

from gearroom.models import (
    Asset,
    AssetStatus,
    CheckoutLine,
    Kit,
    KitAsset,
    ModelReservation,
    Reservation,
    ServiceTicket,
    Tag,
    TagKind,
)
from gearroom.quick_read import Query, quick_first
from gearroom.services.availability_queries import AssetFlags

#: Statuses that make an asset unavailable whatever the dates say.
BLOCKING_STATUSES = frozenset({AssetStatus.RETIRED, AssetStatus.LOST, AssetStatus.IN_SERVICE})
#: The cart's assets are passed as an IN list of a fixed size (the next power of two, the last
#: id repeated), so a handful of compiled statements serve every cart; longer carts take the
#: detailed path.
MAX_CART_IDS = 512


@dataclass(frozen=True)
class ScanLookup:
    """What one scanned tag names; for an asset, the flags of the common (free) case."""

    kind: TagKind
    ref_id: int
    #: The asset row exists (None for other kinds and for a registry entry without its row).
    asset_name: str | None = None
    status: AssetStatus | None = None
    booked: bool = False  # another production holds it in the (widened) window
    open_line: bool = False  # on an open check-out line (any production)
    open_ticket: bool = False
    models_booked: bool = False  # a model of the cart or of this asset booked elsewhere
    kit_tag: str | None = None

    def flags(self, tag: str) -> AssetFlags | None:
        """What the availability check's first query would read of the asset (None when the
        tag names no asset row)."""
        if self.asset_name is None or self.status is None:
            return None
        return AssetFlags(
            self.ref_id,
            tag,
            self.asset_name,
            self.status,
            self.booked,
            self.open_line,
            self.open_ticket,
        )

    @property
    def free(self) -> bool:
        """Nothing stands in the way: no detail query can find a reason it is not free."""
        return (
            self.asset_name is not None
            and self.status not in BLOCKING_STATUSES
            and not (self.booked or self.open_line or self.open_ticket or self.models_booked)
        )


def _list_size(count: int) -> int:
    """The IN list's size for a cart of ``count`` assets: 0, or the next power of two."""
    return 0 if count == 0 else 1 << (count - 1).bit_length()


@cache
def _query(with_production: bool, cart_size: int) -> Query:
    """The one statement: for a cart with or without a production, and with an IN list of
    ``cart_size`` assets."""
    return Query(_statement(with_production, cart_size))


def _statement(with_production: bool, cart_size: int) -> Select[*tuple[Any, ...]]:
    t, a = Tag.__table__.c, Asset.__table__.c
    r, ln = Reservation.__table__.c, CheckoutLine.__table__.c
    s, ka, k = ServiceTicket.__table__.c, KitAsset.__table__.c, Kit.__table__.c
    mr, other = ModelReservation.__table__.c, Asset.__table__.alias("cart_asset").c
    booked = [
        r.asset_id == a.id,
        r.start_date <= bindparam("widened_end"),
        r.end_date >= bindparam("widened_start"),
    ]
    if with_production:
        booked.append(r.production_id != bindparam("production_id"))
    model_elsewhere = mr.production_id != bindparam("production_id")
    models_booked: Any = literal(False)
    if with_production:
        models_booked = (
            exists().where(mr.model_id == a.model_id, model_elsewhere).correlate(Asset.__table__)
        )
    if with_production and cart_size:
        cart_ids: list[BindParameter[Any]] = [bindparam(f"cart_{i}") for i in range(cart_size)]
        models_booked = models_booked | exists().where(
            other.id.in_(cart_ids), mr.model_id == other.model_id, model_elsewhere
        ).correlate(Asset.__table__)
    kit_tag = (
        select(k.tag)
        .select_from(KitAsset.__table__.join(Kit.__table__, k.id == ka.kit_id))
        .where(ka.asset_id == a.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            t.kind,
            t.ref_id,
            a.name,
            a.status,
            exists().where(*booked).correlate(Asset.__table__),
            exists().where(ln.asset_id == a.id, ln.returned_at.is_(None)),
            exists().where(s.asset_id == a.id, s.closed_at.is_(None)),
            models_booked,
            kit_tag,
        )
        .select_from(
            Tag.__table__.outerjoin(
                Asset.__table__,
                and_(a.id == t.ref_id, t.kind == TagKind.ASSET),
            )
        )
        .where(t.tag == bindparam("tag"))
    )


def lookup_scan(
    session: Session,
    tag: str,
    start: date,
    end: date,
    *,
    gap: int,
    production_id: int | None,
    cart_asset_ids: Sequence[int],
) -> ScanLookup | None:
    """What ``tag`` names (None: no such tag) and its availability flags for ``start``..``end``
    widened by ``gap`` days, in one statement (see :func:`gearroom.quick_read.quick_first`)."""
    params: dict[str, object] = {
        "tag": tag,
        "widened_start": start - timedelta(days=gap),
        "widened_end": end + timedelta(days=gap),
    }
    size = 0
    if production_id is not None:
        params["production_id"] = production_id
        size = _list_size(len(cart_asset_ids))
        params.update(
            (f"cart_{i}", cart_asset_ids[min(i, len(cart_asset_ids) - 1)]) for i in range(size)
        )
    row = quick_first(session, _query(production_id is not None, size), params)
    if row is None:
        return None
    kind, ref_id, name, status, booked, open_line, ticket, models, kit_tag = row
    return ScanLookup(
        kind=kind,
        ref_id=int(ref_id),
        asset_name=name,
        status=status,
        booked=bool(booked),
        open_line=bool(open_line),
        open_ticket=bool(ticket),
        models_booked=bool(models),
        kit_tag=kit_tag,
    )
