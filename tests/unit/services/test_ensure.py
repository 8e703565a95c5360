"""Find or create by name: what the ordinary lookups find is reused, the rest is created."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from gearroom.errors import ValidationError
from gearroom.models import Category, Location, LocationKind, Person, PersonRole
from gearroom.services import catalog, people
from gearroom.services.ensure import (
    derive_prefix,
    ensure_category,
    ensure_location,
    ensure_person,
)


def _count(db, model) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_person_is_found_by_name_key_or_badge_before_one_is_added(catalog_db, actor):
    with catalog_db.write() as s:
        known = people.add_person(s, actor, "JOSÉ NÚÑEZ")
    for written in (
        "José Núñez",
        unicodedata.normalize("NFD", "josé núñez"),
        "  josé   NÚÑEZ ",
        known.badge.lower(),
    ):
        with catalog_db.write() as s:
            found, created = ensure_person(s, actor, written)
        assert (found.badge, found.name, created) == (known.badge, "JOSÉ NÚÑEZ", False), written
    with catalog_db.write() as s:
        new, created = ensure_person(s, actor, "İstanbul Işık", PersonRole.CLIENT)
    assert created and new.role is PersonRole.CLIENT
    with catalog_db.write() as s:
        again, created = ensure_person(s, actor, "İSTANBUL IŞIK")
    assert (again.badge, created) == (new.badge, False)
    assert _count(catalog_db, Person) == 2


def test_two_people_of_one_name_are_not_guessed_between(catalog_db, actor):
    with catalog_db.write() as s:
        people.add_person(s, actor, "Ana Lopez")
        people.add_person(s, actor, "ANA LOPEZ")
    with pytest.raises(ValidationError, match="2 people are called"), catalog_db.write() as s:
        ensure_person(s, actor, "ana lopez")
    assert _count(catalog_db, Person) == 2


def test_a_location_is_found_by_name_key_or_tag_before_one_is_created(catalog_db, actor):
    with catalog_db.write() as s:
        here = catalog.create_location(s, actor, "ÉTÉ Øresund", LocationKind.ROOM)
    for written in ("été øresund", unicodedata.normalize("NFD", "Été ØRESUND"), here.tag.lower()):
        with catalog_db.write() as s:
            found, created = ensure_location(s, actor, written)
        assert (found.tag, found.name, created) == (here.tag, "ÉTÉ Øresund", False), written
    before = _count(catalog_db, Location)
    with catalog_db.write() as s:
        new, created = ensure_location(s, actor, "Straße 5")
    assert created and new.kind is LocationKind.SHELF
    assert _count(catalog_db, Location) == before + 1


def test_a_category_is_found_by_name_key_or_prefix_before_one_is_created(catalog_db, actor):
    for written in ("CAMERA", "camera", "cam"):
        with catalog_db.write() as s:
            found, created = ensure_category(s, actor, written)
        assert (found.name, found.prefix, created) == ("Camera", "CAM", False), written
    with catalog_db.write() as s:
        new, created = ensure_category(s, actor, "Caméras spéciales")
    # CAM is the Camera category's, so the new prefix is the next free one of the name
    assert (new.name, new.prefix, created) == ("Caméras spéciales", "CAME", True)
    with catalog_db.write() as s:
        given, created = ensure_category(s, actor, "Teleprompter", "TPR")
    assert (given.prefix, created) == ("TPR", True)
    with catalog_db.read() as s:
        names = set(s.scalars(select(Category.name)))
    assert {"Camera", "Caméras spéciales", "Teleprompter"} <= names


def test_derived_prefixes_skip_taken_ones():
    assert derive_prefix("Filters", set()) == "FIL"
    assert derive_prefix("Filters", {"FIL", "FILT"}) == "FILTE"
    assert derive_prefix("Fi", {"FI"}) == "FI2"
