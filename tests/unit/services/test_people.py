from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Event, PersonRole
from gearroom.services import catalog, history, people, resolver
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.catalog import AssetDraft


def _add(db, actor, name, **kw):
    with db.write() as s:
        return people.add_person(s, actor, name, **kw)


def _events(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def test_badges_are_generated_in_order(catalog_db, actor):
    first = _add(catalog_db, actor, "Ana Ribeiro")
    second = _add(catalog_db, actor, "Jonah Whitaker")
    assert (first.badge, second.badge) == ("P-0001", "P-0002")
    assert first.role is PersonRole.CREW and first.active


def test_generated_badges_skip_imported_ones(catalog_db, actor):
    _add(catalog_db, actor, "Old badge", badge="P-0041")
    assert _add(catalog_db, actor, "New person").badge == "P-0042"


def test_a_given_badge_is_normalised(catalog_db, actor):
    view = _add(catalog_db, actor, "Keiko Tanaka", badge="  p-keiko ")
    assert view.badge == "P-KEIKO"


def test_a_badge_is_unique_across_every_kind_of_tag(catalog_db, actor):
    with catalog_db.write() as s:
        cam = catalog.create_asset(s, actor, AssetDraft("Sony FX6", "Camera")).tag
    _add(catalog_db, actor, "Ana Ribeiro", badge="P-ANA")
    before = _events(catalog_db)
    with pytest.raises(ConflictError, match=f"already used by asset {cam}"):
        _add(catalog_db, actor, "Someone", badge=cam.lower())
    with pytest.raises(ConflictError, match="already used by person P-ANA"):
        _add(catalog_db, actor, "Ana Again", badge="p-ana")
    with pytest.raises(ConflictError, match="already used by location"):
        _add(catalog_db, actor, "Shelf person", badge="LOC-0001")
    with catalog_db.read() as s:
        assert [p.name for p in people.list_people(s)] == ["Ana Ribeiro"]
    assert _events(catalog_db) == before


@pytest.mark.parametrize("badge", ["P 1", "P_1", "-P1", "Ä-1", "P" * 33])
def test_bad_badges_are_refused(catalog_db, actor, badge):
    with pytest.raises(ValidationError) as err:
        _add(catalog_db, actor, "Ana", badge=badge)
    assert err.value.field == "tag"


def test_lookup_by_name_or_badge(catalog_db, actor):
    ana = _add(catalog_db, actor, "Ana Ribeiro", company="Northbound Films")
    with catalog_db.read() as s:
        assert people.get_person(s, "  ana ribeiro ").id == ana.id
        assert people.get_person(s, ana.badge.lower()).id == ana.id
        with pytest.raises(NotFoundError, match="Nobody has the name or badge 'Zed'"):
            people.get_person(s, "Zed")


def test_two_people_with_one_name_need_the_badge(catalog_db, actor):
    a = _add(catalog_db, actor, "Chris Lee")
    b = _add(catalog_db, actor, "chris lee")
    with catalog_db.read() as s, pytest.raises(ValidationError, match=f"{a.badge}, {b.badge}"):
        people.get_person(s, "Chris Lee")


def test_list_searches_name_badge_and_company_and_hides_inactive(catalog_db, actor):
    _add(catalog_db, actor, "Rachel Kim", role="client", company="Lighthouse Pictures")
    _add(catalog_db, actor, "Hannah Cole", role=PersonRole.CLIENT, company="Lighthouse Pictures")
    gone = _add(catalog_db, actor, "Mike Brennan")
    with catalog_db.write() as s:
        people.update_person(s, actor, gone.badge, {"active": False})
    with catalog_db.read() as s:
        clients = [p.name for p in people.list_people(s, "lighthouse")]
        assert clients == ["Hannah Cole", "Rachel Kim"]
        assert [p.name for p in people.list_people(s, "p-0001")] == ["Rachel Kim"]
        assert "Mike Brennan" not in [p.name for p in people.list_people(s)]
        assert "Mike Brennan" in [p.name for p in people.list_people(s, include_inactive=True)]


def test_update_keeps_before_and_after_of_what_changed(catalog_db, actor):
    view = _add(catalog_db, actor, "Luis Ortega", phone="+1 323 555 0113")
    with catalog_db.write() as s:
        updated = people.update_person(
            s, actor, "Luis Ortega", {"phone": "+1 323 555 0199", "company": "", "role": "staff"}
        )
    assert updated.role is PersonRole.STAFF
    with catalog_db.read() as s:
        events = history.events_for_tag(s, view.badge)
    assert [e.action for e in events] == ["edit", "create"]
    assert events[0].before == {"phone": "+1 323 555 0113", "role": "crew"}
    assert events[0].after == {"phone": "+1 323 555 0199", "role": "staff"}


def test_update_without_a_change_writes_no_event(catalog_db, actor):
    view = _add(catalog_db, actor, "Luis Ortega")
    with catalog_db.write() as s:
        people.update_person(s, actor, view.badge, {"name": "Luis Ortega"})
    with catalog_db.read() as s:
        assert len(history.events_for_tag(s, view.badge)) == 1


def test_new_badge_moves_the_tag(catalog_db, actor):
    view = _add(catalog_db, actor, "Priya Raman")
    with catalog_db.write() as s:
        people.update_person(s, actor, view.badge, {"badge": "p-priya"})
    with catalog_db.read() as s:
        assert resolver.resolve(s, "P-PRIYA").id == view.id
        with pytest.raises(NotFoundError):
            resolver.resolve(s, view.badge)
        assert [e.action for e in history.events_for_tag(s, "P-PRIYA")] == ["edit", "create"]


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"role": "boss"}, "Role 'boss' is not one of"),
        ({"name": "  "}, "Name is required"),
        ({"shoe_size": 44}, "Cannot edit shoe_size"),
        ({"badge": "P 2"}, "letters A-Z"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(catalog_db, actor, changes, error):
    view = _add(catalog_db, actor, "Noor Haddad")
    with pytest.raises(ValidationError, match=error), catalog_db.write() as s:
        people.update_person(s, actor, view.badge, {"phone": "123", **changes})
    with catalog_db.read() as s:
        assert people.get_person(s, view.badge) == view


def test_add_refuses_an_unknown_role(catalog_db, actor):
    with pytest.raises(ValidationError, match="Role 'boss'"):
        _add(catalog_db, actor, "Noor", role="boss")


def test_assistants_cannot_manage_people(catalog_db):
    with pytest.raises(PermissionDenied, match="may not add people"):
        _add(catalog_db, Actor("ana", Role.ASSISTANT), "Someone")


def test_a_new_badge_taken_elsewhere_is_refused(catalog_db, actor):
    ana = _add(catalog_db, actor, "Ana Ribeiro")
    jonah = _add(catalog_db, actor, "Jonah Whitaker")
    with (
        pytest.raises(ConflictError, match=f"already used by person {ana.badge}"),
        catalog_db.write() as s,
    ):
        people.update_person(s, actor, jonah.badge, {"badge": ana.badge, "phone": "1"})
    with catalog_db.read() as s:
        assert people.get_person(s, jonah.badge) == jonah
        assert resolver.resolve(s, ana.badge).id == ana.id
