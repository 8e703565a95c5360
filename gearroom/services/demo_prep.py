"""Demo data for the prep bay: productions that book models by quantity (not only serials),
and a draft check-out in progress at the prep bay for the job going out today."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.models import ModelReservation, Production
from gearroom.services import drafts
from gearroom.services.actor import Actor
from gearroom.services.model_bookings import reserve_models
from gearroom.services.names import same_name
from gearroom.services.picklist import picklist_of
from gearroom.services.product_models import list_models, model_availability
from gearroom.services.productions import window_of

#: (production, units of a model to book, whether a draft check-out is under way)
BOOKINGS = (("Morning Show Promo", 2, True), ("Salt Flats", 2, False))
DRAFT_SCANS = 3
CUSTODIANS = {"Morning Show Promo": "Luis Ortega"}


def load_demo_prep(session: Session, actor: Actor, today: date) -> int:
    """Book a model for the demo's upcoming jobs and start a draft; returns models booked."""
    if session.scalar(select(ModelReservation.id).limit(1)) is not None:
        return 0
    booked = 0
    models = sorted(list_models(session), key=lambda m: (-m.bookable, m.category, m.name))
    for name, units, with_draft in BOOKINGS:
        prod = session.scalar(select(Production).where(same_name(Production, name)))
        window = window_of(prod) if prod is not None else None
        if prod is None or window is None:
            continue
        for m in models:
            free = model_availability(
                session, [m.id], window[0], window[1], production_id=prod.id, today=today
            )[m.id]
            if free.min_free < units + 1:  # leave a spare unit for the next booking
                continue
            try:
                with session.begin_nested():
                    reserve_models(
                        session, actor, prod.tag, [(f"{m.category}/{m.name}", units)], today=today
                    )
            except GearroomError:
                continue
            booked += 1
            break
        if with_draft:
            _draft(session, actor, prod, today)
    return booked


def _draft(session: Session, actor: Actor, prod: Production, today: date) -> None:
    """Half a pick list scanned at the prep bay, left for the next technician to finish."""
    custodian = CUSTODIANS.get(prod.name)
    try:
        draft = drafts.start_draft(
            session, actor, prod.tag, custodian=custodian, workstation="Prep bay 1"
        )
    except GearroomError:
        return
    pick = picklist_of(session, prod, draft.id)
    scanned = 0
    for line in pick.lines:
        if scanned >= DRAFT_SCANS or line.kind != "asset":
            continue
        result = drafts.scan_draft(session, actor, draft.id, line.tag, today=today)
        scanned += result.ok
