"""What the production sheet prints: the production, its reservations with serials, what is out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gearroom.services import asset_search, checkout_out, productions, reservations
from gearroom.services.checkout_out import OutLine
from gearroom.services.productions import ProductionView
from gearroom.services.reservations import ReservationView


@dataclass(frozen=True)
class ProductionSheetData:
    production: ProductionView
    reservations: tuple[ReservationView, ...]
    serials: dict[int, str]
    out: tuple[OutLine, ...]


def production_sheet_data(session: Session, production_id: int) -> ProductionSheetData:
    """Everything the sheet prints, read in one session."""
    view = productions.get_production_by_id(session, production_id)
    booked = reservations.list_reservations(session, view.tag)
    asset_ids = [r.item_id for r in booked if r.item_kind == "asset"]
    serials = {row.id: row.serial for row in asset_search.asset_rows(session, asset_ids)}
    return ProductionSheetData(
        view, tuple(booked), serials, tuple(checkout_out.still_out(session, view.id))
    )
