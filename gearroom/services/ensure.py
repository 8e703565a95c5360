"""Find or create by name: the one rule for the categories, locations and people that a file
(an import, the demo house, custody from another system) names.

A name finds what the ordinary lookups find (:func:`catalog.find_category`,
:func:`catalog.find_location`, :func:`people.find_person`: the stored, Unicode-normalised,
case-folded name key, or the tag prefix, tag or badge), so "ÉTÉ Øresund" and "été øresund" are
one location, on SQLite and PostgreSQL alike. Only when nothing is found is it created, through
the ordinary create function (permission check, history event). Each returns the view and
whether it was created.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import Category, LocationKind, PersonRole
from gearroom.services import catalog, people
from gearroom.services.actor import Actor
from gearroom.services.catalog import CategoryView, FieldSpec, LocationView
from gearroom.services.people import PersonView
from gearroom.services.tags import validate_prefix


def derive_prefix(name: str, taken: Iterable[str]) -> str:
    """A free tag prefix for a new category: the first letters of its name (``Filters`` → FIL),
    longer or numbered when that one is taken."""
    used = {t.upper() for t in taken}
    letters = re.sub(
        r"[^A-Z0-9]",
        "",
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper(),
    )
    letters = letters.lstrip("0123456789")
    if not letters:
        letters = "CAT"
    for size in range(3, min(len(letters), 8) + 1):
        if letters[:size] not in used:
            return validate_prefix(letters[:size])
    base = letters[:3] if len(letters) >= 3 else letters
    for n in range(2, 100_000):
        candidate = f"{base}{n}"[:8]
        if candidate not in used:
            return validate_prefix(candidate)
    raise ValidationError(f"No free tag prefix for the category {name!r}.")  # pragma: no cover


def ensure_category(
    session: Session,
    actor: Actor,
    name: str,
    prefix: str | None = None,
    fields: Sequence[FieldSpec] = (),
    sort_order: int = 0,
) -> tuple[CategoryView, bool]:
    """The category called (or with the tag prefix) ``name``; created when there is none, with
    ``prefix`` or one derived from the name."""
    found = catalog.find_category(session, name)
    if found is not None:
        return catalog.category_view(found), False
    if prefix is None:
        prefix = derive_prefix(name, session.scalars(select(Category.prefix)))
    return catalog.create_category(session, actor, name, prefix, fields, sort_order), True


def ensure_location(
    session: Session,
    actor: Actor,
    name: str,
    kind: LocationKind = LocationKind.SHELF,
    tag: str | None = None,
    notes: str = "",
) -> tuple[LocationView, bool]:
    """The location called or tagged ``name``; created (a shelf by default) when there is none."""
    found = catalog.find_location(session, name)
    if found is not None:
        return catalog.location_view(found), False
    return catalog.create_location(session, actor, name, kind, tag, notes), True


def ensure_person(
    session: Session, actor: Actor, name: str, role: PersonRole = PersonRole.CREW
) -> tuple[PersonView, bool]:
    """The person with the badge or the name ``name``; added (as ``role``) when there is none."""
    found = people.find_person(session, name)
    if found is not None:
        return people.get_person(session, found.badge), False
    return people.add_person(session, actor, name, role=role), True
