"""The scan resolver: any scanned or typed text to the thing it names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError
from gearroom.models import Asset, Kit, Location, Person, Production, StockItem, Tag, TagKind
from gearroom.services.tags import normalize_tag

_MODELS: dict[TagKind, type[Asset | Kit | StockItem | Person | Location | Production]] = {
    TagKind.ASSET: Asset,
    TagKind.KIT: Kit,
    TagKind.STOCK: StockItem,
    TagKind.PERSON: Person,
    TagKind.LOCATION: Location,
    TagKind.PRODUCTION: Production,
}


@dataclass(frozen=True)
class Resolved:
    """What a tag names: its kind, row id, the tag and a human label."""

    kind: TagKind
    id: int
    tag: str
    label: str


def clean_scan(text: str) -> str:
    """Scanner output as a tag: whitespace, CR/LF and a stray prefix-less case fixed."""
    return normalize_tag(text.replace("\r", "").replace("\n", "").replace("\t", ""))


def resolve(session: Session, text: str) -> Resolved:
    """The thing ``text`` names, tolerant of surrounding whitespace and lower case."""
    tag = clean_scan(text)
    if not tag:
        raise NotFoundError("Nothing was scanned.")
    entry = session.get(Tag, tag)
    if entry is None:
        shown = tag if len(tag) <= 40 else tag[:40] + "…"
        raise NotFoundError(f"Unknown tag {shown!r}: no item, kit, person or place has it.")
    return Resolved(entry.kind, entry.ref_id, entry.tag, _label(session, entry))


def _label(session: Session, entry: Tag) -> str:
    model = _MODELS.get(entry.kind)
    if model is None:
        return entry.tag
    name = session.scalar(select(model.name).where(model.id == entry.ref_id))
    return str(name) if name is not None else entry.tag
