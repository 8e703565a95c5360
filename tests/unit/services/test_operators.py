from __future__ import annotations

import pytest
from sqlalchemy import select

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import Operator, Role
from gearroom.services import catalog, history, operators, people
from gearroom.services.actor import Actor, PermissionDenied
from gearroom.services.catalog import AssetDraft


@pytest.fixture
def staffed(catalog_db, actor):
    with catalog_db.write() as s:
        operators.create_operator(s, actor, "boss", Role.ADMIN, "987654")
        admin = Actor("boss", Role.ADMIN)
        badge = people.add_person(s, admin, "Sam Staff").badge
        operators.create_operator(s, admin, "sam", Role.STAFF, "1111", badge=badge)
        operators.create_operator(s, admin, "ana", Role.ASSISTANT, "2222")
    return catalog_db


def test_pins_are_stored_only_as_salted_slow_hashes(staffed):
    with staffed.read() as s:
        hashes = list(s.scalars(select(Operator.pin_hash)))
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes)
    assert not any("1111" in h or "987654" in h for h in hashes)
    assert operators.hash_pin("1234") != operators.hash_pin("1234")  # salted


def test_the_first_operator_must_be_an_admin(catalog_db, actor):
    with (
        pytest.raises(ValidationError, match="first operator must be an admin"),
        catalog_db.write() as s,
    ):
        operators.create_operator(s, actor, "sam", Role.STAFF, "1111")


def test_sign_in_gives_the_role(staffed):
    with staffed.write() as s:
        assert operators.sign_in(s, "SAM", "1111").actor_or_raise() == Actor("sam", Role.STAFF)
        with pytest.raises(operators.SignInError, match="Wrong name or PIN"):
            operators.sign_in(s, "sam", "0000").actor_or_raise()
        with pytest.raises(operators.SignInError, match="Wrong name or PIN"):
            operators.sign_in(s, "nobody", "1111").actor_or_raise()


def test_badge_plus_pin_switches_operator(staffed):
    with staffed.write() as s:
        badge = people.get_person(s, "Sam Staff").badge
        assert operators.operator_for_badge(s, badge.lower()) == "sam"
        assert operators.sign_in_by_badge(s, badge, "1111").actor_or_raise().name == "sam"
        assert operators.sign_in_by_badge(s, "P-9999", "1111").actor is None


def test_lockout_after_repeated_wrong_pins_survives_commit(staffed):
    for _ in range(operators.MAX_FAILED_ATTEMPTS):
        with staffed.write() as s:
            assert operators.sign_in(s, "ana", "9999").actor is None
    with staffed.write() as s:
        result = operators.sign_in(s, "ana", "2222")
    assert result.actor is None and "locked" in result.message
    with staffed.write() as s:
        operators.set_pin(s, Actor("boss", Role.ADMIN), "ana", "4321")
    with staffed.write() as s:
        assert operators.sign_in(s, "ana", "4321").actor_or_raise().role is Role.ASSISTANT


def test_permissions_are_checked_in_the_services(staffed):
    staff = Actor("sam", Role.STAFF)
    assistant = Actor("ana", Role.ASSISTANT)
    with (
        pytest.raises(PermissionDenied, match="sam \\(staff\\) may not add items"),
        staffed.write() as s,
    ):
        catalog.create_asset(s, staff, AssetDraft("Sony FX6", "Camera"))
    with pytest.raises(PermissionDenied), staffed.write() as s:
        operators.create_operator(s, staff, "eve", Role.ADMIN, "5555")
    with pytest.raises(PermissionDenied), staffed.write() as s:
        operators.set_pin(s, assistant, "sam", "5555")
    with staffed.write() as s:
        operators.set_pin(s, assistant, "ana", "5555")  # one's own PIN is fine


def test_events_record_the_operator(staffed):
    boss = Actor("boss", Role.ADMIN)
    with staffed.write() as s:
        tag = catalog.create_asset(s, boss, AssetDraft("Sony FX6", "Camera")).tag
    with staffed.read() as s:
        assert history.events_for_tag(s, tag)[0].operator == "boss"
        assert history.verify_chain(s).ok


def test_last_admin_cannot_be_demoted(staffed):
    with pytest.raises(ConflictError, match="one active admin"), staffed.write() as s:
        operators.update_operator(s, Actor("boss", Role.ADMIN), "boss", role=Role.STAFF)
    with staffed.read() as s:
        assert {o.name: o.role for o in operators.list_operators(s)}["boss"] is Role.ADMIN


def test_demo_operators(catalog_db, actor):
    with catalog_db.write() as s:
        made = operators.create_demo_operators(s, actor)
    assert [o.name for o in made] == ["admin", "staff", "assistant"]
    with catalog_db.write() as s:
        for name in ("admin", "staff", "assistant"):
            assert operators.sign_in(s, name, "1234").actor_or_raise().role is Role(name)
