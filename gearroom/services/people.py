"""People: crew who sign for gear (custodians) and client contacts, each with a badge tag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError, ValidationError
from gearroom.models import Person, PersonRole, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.names import like_escape, same_name
from gearroom.services.tags import (
    ensure_tag_free,
    lookup_text,
    next_tag_with_prefix,
    normalize_tag,
    register_tag,
    rename_tag,
    validate_tag,
)
from gearroom.services.validation import clean_text
from gearroom.text import name_key

BADGE_PREFIX = "P"


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    badge: str
    role: PersonRole
    company: str
    email: str
    phone: str
    notes: str
    active: bool


def _view(p: Person) -> PersonView:
    return PersonView(p.id, p.name, p.badge, p.role, p.company, p.email, p.phone, p.notes, p.active)


def _snapshot(p: Person) -> dict[str, Any]:
    return {
        "name": p.name,
        "badge": p.badge,
        "role": p.role,
        "company": p.company,
        "email": p.email,
        "phone": p.phone,
        "notes": p.notes,
        "active": p.active,
    }


def find_person(session: Session, key: str) -> Person | None:
    """The person with the badge tag ``key``, else the one called ``key`` (by its name's key);
    several of that name are refused (their badges tell them apart)."""
    text = lookup_text(key)
    person = session.scalar(select(Person).where(Person.badge == normalize_tag(text)))
    if person is None:
        matches = list(session.scalars(select(Person).where(same_name(Person, text))))
        if len(matches) > 1:
            raise ValidationError(
                f"{len(matches)} people are called {text}; use the badge tag "
                f"({', '.join(m.badge for m in matches)})."
            )
        person = matches[0] if matches else None
    return person


def person_by_key(session: Session, key: str) -> Person:
    """A person by badge tag or by exact (case-insensitive) name."""
    text = lookup_text(key)
    person = find_person(session, text)
    if person is None:
        raise NotFoundError(f"Nobody has the name or badge {text!r}.")
    return person


def get_person(session: Session, key: str) -> PersonView:
    return _view(person_by_key(session, key))


def list_people(
    session: Session, text: str = "", include_inactive: bool = False
) -> list[PersonView]:
    stmt = select(Person).order_by(Person.name)
    if text.strip():
        pattern = f"%{text.strip()}%"
        key_pattern = "%" + like_escape(name_key(text)) + "%"
        stmt = stmt.where(
            or_(
                Person.name_key.like(key_pattern, escape="\\"),
                Person.badge.ilike(pattern),
                Person.company.ilike(pattern),
            )
        )
    if not include_inactive:
        stmt = stmt.where(Person.active.is_(True))
    return [_view(p) for p in session.scalars(stmt)]


def add_person(
    session: Session,
    actor: Actor,
    name: str,
    *,
    badge: str | None = None,
    role: PersonRole | str = PersonRole.CREW,
    company: str = "",
    email: str = "",
    phone: str = "",
    notes: str = "",
) -> PersonView:
    actor.require(Permission.PEOPLE, "add people")
    try:
        clean_role = PersonRole(role)
    except ValueError as exc:
        options = ", ".join(r.value for r in PersonRole)
        raise ValidationError(f"Role {role!r} is not one of {options}.", field="role") from exc
    clean_badge = validate_tag(badge) if badge else next_tag_with_prefix(session, BADGE_PREFIX)
    ensure_tag_free(session, clean_badge)
    person = Person(
        name=clean_text(name, "name", max_length=200, required=True),
        badge=clean_badge,
        role=clean_role,
        company=clean_text(company, "company", max_length=200),
        email=clean_text(email, "email", max_length=200),
        phone=clean_text(phone, "phone", max_length=60),
        notes=clean_text(notes, "notes", max_length=10_000),
    )
    session.add(person)
    session.flush()
    register_tag(session, person.badge, TagKind.PERSON, person.id)
    history.record(
        session,
        actor,
        "create",
        "person",
        person.id,
        person.badge,
        f"{person.name} added",
        after=_snapshot(person),
    )
    return _view(person)


PERSON_FIELDS = ("name", "badge", "role", "company", "email", "phone", "notes", "active")


def update_person(
    session: Session, actor: Actor, key: str, changes: Mapping[str, Any]
) -> PersonView:
    actor.require(Permission.PEOPLE, "edit people")
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(sorted(unknown))} of a person.")
    person = person_by_key(session, key)
    before = _snapshot(person)
    old_badge = person.badge
    for field, value in changes.items():
        if field == "badge":
            new_badge = validate_tag(value)
            if new_badge != person.badge:
                ensure_tag_free(session, new_badge)
            person.badge = new_badge
        elif field == "role":
            try:
                person.role = PersonRole(value)
            except ValueError as exc:
                options = ", ".join(r.value for r in PersonRole)
                raise ValidationError(
                    f"Role {value!r} is not one of {options}.", field="role"
                ) from exc
        elif field == "active":
            person.active = bool(value)
        elif field == "name":
            person.name = clean_text(value, field, max_length=200, required=True)
        else:
            limit = 10_000 if field == "notes" else 200
            setattr(person, field, clean_text(value, field, max_length=limit))
    after = _snapshot(person)
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return _view(person)
    if person.badge != old_badge:
        rename_tag(session, old_badge, person.badge, TagKind.PERSON, person.id)
    session.flush()
    history.record(
        session,
        actor,
        "edit",
        "person",
        person.id,
        person.badge,
        f"{person.name} edited: {', '.join(changed)}",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return _view(person)
