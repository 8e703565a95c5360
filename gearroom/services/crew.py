"""People at the counter: editing a person's badge and contacts, what they have out and their
history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import Checkout
from gearroom.services import history, people
from gearroom.services.actor import Actor
from gearroom.services.checkout_out import OutLine, out_lines
from gearroom.services.history import EventView
from gearroom.services.people import PersonView

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()./ -]{3,40}$")


def edit_person(
    session: Session,
    actor: Actor,
    key: str,
    *,
    badge: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> PersonView:
    """Change a person's badge tag, phone or e-mail (``""`` clears a phone or e-mail)."""
    changes: dict[str, Any] = {}
    if badge is not None:
        changes["badge"] = badge
    if phone is not None:
        clean = " ".join(phone.split())
        if clean and not PHONE.match(clean):
            raise ValidationError(f"{phone!r} does not look like a phone number.", field="phone")
        changes["phone"] = clean
    if email is not None:
        clean = email.strip()
        if clean and not EMAIL.match(clean):
            raise ValidationError(f"{email!r} is not an e-mail address.", field="email")
        changes["email"] = clean
    if not changes:
        raise ValidationError("Nothing to change: give --badge, --phone or --email.")
    return people.update_person(session, actor, key, changes)


@dataclass(frozen=True)
class SignedFor:
    """A check-out a person signed for."""

    checkout_id: int
    production: str
    out_at: datetime
    due_back: date
    lines: int
    still_out: int


@dataclass(frozen=True)
class PersonDesk:
    person: PersonView
    out: tuple[OutLine, ...]
    signed_for: tuple[SignedFor, ...]
    history: tuple[EventView, ...]


def person_desk(session: Session, key: str, *, limit: int = 200) -> PersonDesk:
    """A person with what they have signed for and not returned, and their history."""
    person = people.person_by_key(session, key)
    lines: list[OutLine] = []
    signed: list[SignedFor] = []
    for c in session.scalars(
        select(Checkout).where(Checkout.custodian_id == person.id).order_by(Checkout.id.desc())
    ):
        every = out_lines(session, checkout_id=c.id, include_closed=True)
        still = [ln for ln in out_lines(session, checkout_id=c.id)]
        lines.extend(still)
        signed.append(
            SignedFor(c.id, c.production.name, c.out_at, c.due_back, len(every), len(still))
        )
    events = history.events_for(session, "person", person.id, limit=limit)
    return PersonDesk(
        people.get_person(session, person.badge), tuple(lines), tuple(signed), tuple(events)
    )
