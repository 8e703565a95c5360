"""Custody from another system: gear that was checked out there arrives checked out here.

An export's "Checked Out To" (Snipe-IT) or "Custodian" (CHEQROOM, Shelf) column names who
has an item. With custody imported, each such item gets an open check-out to that person
(created when the house does not know them) for one production that stands for the old
system's custody, so returns are checked in as usual.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import Production
from gearroom.services import checkout, checkout_cart, productions
from gearroom.services.actor import Actor
from gearroom.services.ensure import ensure_person
from gearroom.services.names import same_name

#: How custody columns are handled: open check-outs, or each row reported.
CUSTODY_CHOICES = ("report", "checkout")


def custody_production(session: Session, actor: Actor, source: str) -> str:
    """The tag of the production that holds imported custody (created once per source)."""
    name = f"Custody from {source}"[:200]
    found = session.scalar(select(Production.tag).where(same_name(Production, name)))
    if found is not None:
        return str(found)
    view = productions.create_production(
        session,
        actor,
        name,
        notes="Gear that was checked out in the old system when it was imported.",
    )
    return view.tag


def check_out_to(
    session: Session,
    actor: Actor,
    tag: str,
    custodian: str,
    production_tag: str,
    *,
    due_back: date | None = None,
    today: date | None = None,
) -> str:
    """Check ``tag`` out to ``custodian`` for the custody production; returns the badge."""
    today = today or date.today()
    badge = ensure_person(session, actor, custodian)[0].badge
    cart = checkout_cart.new_cart(
        session, production_tag, badge, due_back=max(due_back or today, today)
    )
    scanned = checkout_cart.scan_into_cart(session, cart, tag, today=today)
    if not scanned.verdict.ok:
        raise ValidationError(
            f"{tag} cannot be checked out to {custodian}: {scanned.verdict.message}",
            field="custodian",
        )
    checkout.commit_checkout(
        session,
        actor,
        scanned.cart,
        today=today,
        override_reason="Checked out in the old system before the import",
    )
    return badge
