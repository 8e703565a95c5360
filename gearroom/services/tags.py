"""Tags: the human-readable codes on labels (``CAM-0042``), unique across everything scannable."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import Category, Tag, TagKind
from gearroom.models.catalog import TAG_LENGTH

TAG_PATTERN = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?$")
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")


def normalize_tag(text: str) -> str:
    """What a scanner or a person typed, as a tag: surrounding whitespace gone, upper case.

    A NUL (which no tag holds and PostgreSQL cannot compare) becomes U+FFFD: it matches nothing
    and :func:`validate_tag` refuses it."""
    return lookup_text(text).upper()


def lookup_text(text: str) -> str:
    """Typed text to look a name or tag up by: stripped, NUL replaced by U+FFFD (never stored)."""
    return text.replace("\x00", "\ufffd").strip()


def validate_tag(text: str) -> str:
    """A normalised, valid tag, or a ValidationError that says what is wrong."""
    tag = normalize_tag(text)
    if not tag:
        raise ValidationError("A tag cannot be empty.", field="tag")
    if len(tag) > TAG_LENGTH:
        raise ValidationError(
            f"The tag {tag[:40]!r} is {len(tag)} characters long; {TAG_LENGTH} at most.",
            field="tag",
        )
    if not TAG_PATTERN.match(tag):
        raise ValidationError(
            f"The tag {tag!r} may hold only letters A-Z, digits and '-' (not at either end), so "
            "that every scanner on every keyboard layout reads it.",
            field="tag",
        )
    return tag


def validate_prefix(text: str) -> str:
    prefix = text.strip().upper()
    if not PREFIX_PATTERN.match(prefix):
        raise ValidationError(
            "A tag prefix is 1 to 8 letters or digits, starting with a letter (e.g. CAM).",
            field="prefix",
        )
    return prefix


def tag_owner(session: Session, tag: str) -> Tag | None:
    return session.get(Tag, tag)


def describe_owner(session: Session, entry: Tag) -> str:
    """'asset CAM-0042' style words for messages."""
    return f"{entry.kind.value} {entry.tag}"


def register_tag(session: Session, tag: str, kind: TagKind, ref_id: int) -> None:
    """Claim ``tag`` for an item; a tag in use anywhere is a ConflictError."""
    existing = session.get(Tag, tag)
    if existing is not None:
        raise ConflictError(
            f"The tag {tag} is already used by {describe_owner(session, existing)}; "
            "choose another tag.",
        )
    session.add(Tag(tag=tag, kind=kind, ref_id=ref_id))
    session.flush()


def ensure_tag_free(session: Session, tag: str) -> None:
    """Refuse a tag in use anywhere, before the row that would carry it is written."""
    with session.no_autoflush:
        existing = session.get(Tag, tag)
    if existing is not None:
        raise ConflictError(
            f"The tag {tag} is already used by {describe_owner(session, existing)}; "
            "choose another tag."
        )


def rename_tag(session: Session, old: str, new: str, kind: TagKind, ref_id: int) -> None:
    """Move an item's registry entry from ``old`` to ``new``."""
    if old == new:
        return
    entry = session.get(Tag, old)
    if entry is not None:
        session.delete(entry)
        session.flush()
    register_tag(session, new, kind, ref_id)


def _tag_taken(session: Session, tag: str) -> bool:
    return session.scalar(select(Tag.tag).where(Tag.tag == tag)) is not None


def next_tag_for_category(session: Session, category: Category) -> str:
    """The next free ``PREFIX-NNNN`` tag of a category (its counter moves on)."""
    number = category.next_number
    while True:
        candidate = f"{category.prefix}-{number:04d}"
        number += 1
        if not _tag_taken(session, candidate):
            category.next_number = number
            return candidate


def next_tag_with_prefix(session: Session, prefix: str) -> str:
    """The next free ``PREFIX-NNNN`` tag for things without a category (kits, people, places)."""
    like = f"{prefix}-%"
    taken = session.scalars(select(Tag.tag).where(Tag.tag.like(like))).all()
    highest = 0
    for tag in taken:
        suffix = tag[len(prefix) + 1 :]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return f"{prefix}-{highest + 1:04d}"
