"""Editing a kit: name, location, notes and the kit it sits in, with history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import Event
from gearroom.services import history, kits


@pytest.fixture
def nested(catalog_db, actor):
    with catalog_db.write() as s:
        outer = kits.create_kit(s, actor, "Camera package")
        inner = kits.create_kit(s, actor, "Lens case", parent=outer.tag)
    return catalog_db, outer, inner


def test_rename_and_move_records_before_and_after(nested, actor):
    db, _outer, inner = nested
    with db.write() as s:
        view = kits.update_kit(
            s, actor, inner.tag, {"name": "Prime case", "parent": None, "location": "Shelf A1"}
        )
    assert (view.name, view.parent_tag, view.location) == ("Prime case", None, "Shelf A1")
    with db.read() as s:
        event = history.events_for(s, "kit", inner.id)[0]
    assert event.action == "edit"
    assert event.before == {"location": None, "name": "Lens case", "parent": "KIT-0001"}
    assert event.after == {"location": "Shelf A1", "name": "Prime case", "parent": None}


def test_no_change_writes_no_event(nested, actor):
    db, outer, _inner = nested
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Event))
    with db.write() as s:
        kits.update_kit(s, actor, outer.tag, {"name": "Camera package", "notes": ""})
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == before


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"parent": "KIT-0002"}, ConflictError),  # the outer kit into its own child: a loop
        ({"name": "  "}, ValidationError),
        ({"colour": "red"}, ValidationError),
    ],
)
def test_refused_edits_leave_the_kit_as_it_was(nested, actor, changes, error):
    db, outer, _inner = nested
    with pytest.raises(error), db.write() as s:
        kits.update_kit(s, actor, outer.tag, changes)
    with db.read() as s:
        view = kits.get_kit(s, outer.tag)
    assert (view.name, view.parent_tag) == ("Camera package", None)
