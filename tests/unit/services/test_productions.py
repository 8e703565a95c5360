from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Event, Production, ShootDayKind, TagKind
from gearroom.paths import demo_dir
from gearroom.services import checkout_out, dashboard, people, productions, reservations, resolver
from gearroom.services.productions import ShootDayDraft, gear_window, parse_dates
from tests.unit.services._gear import count, day, events


def _create(db, actor, name="Night Train", **kw):
    days = kw.pop(
        "days",
        [
            ShootDayDraft(day(1), ShootDayKind.PREP, "Rental house", time(8, 0)),
            ShootDayDraft(day(3), ShootDayKind.SHOOT, "Station"),
            ShootDayDraft(day(4), ShootDayKind.SHOOT, "Station"),
            ShootDayDraft(day(5), ShootDayKind.WRAP),
            ShootDayDraft(day(6), ShootDayKind.HOLD),
            ShootDayDraft(day(0), ShootDayKind.TRAVEL),
        ],
    )
    with db.write() as s:
        return productions.create_production(s, actor, name, days=days, **kw)


def test_window_runs_from_first_prep_to_wrap(catalog_db, actor):
    with catalog_db.write() as s:
        people.add_person(s, actor, "Dana Client", role="client")
    view = _create(catalog_db, actor, client="Northlight Films", contact="Dana Client")
    assert (view.window_start, view.window_end) == (day(1), day(5))
    assert view.return_day == day(5)
    assert [d.kind for d in view.days] == [
        ShootDayKind.TRAVEL,
        ShootDayKind.PREP,
        ShootDayKind.SHOOT,
        ShootDayKind.SHOOT,
        ShootDayKind.WRAP,
        ShootDayKind.HOLD,
    ]
    assert view.days[1].call_time == time(8, 0)
    assert view.contact == "Dana Client" and view.client == "Northlight Films"


def test_window_without_prep_or_wrap_uses_first_and_last_day():
    assert gear_window([(day(3), ShootDayKind.SHOOT), (day(1), ShootDayKind.SHOOT)]) == (
        day(1),
        day(3),
    )
    assert gear_window([]) is None


def test_production_tag_is_registered_and_resolves(catalog_db, actor):
    view = _create(catalog_db, actor)
    assert view.tag == "PRD-0001"
    with catalog_db.read() as s:
        found = resolver.resolve(s, " prd-0001\r\n")
    assert (found.kind, found.id, found.label) == (TagKind.PRODUCTION, view.id, "Night Train")
    second = _create(catalog_db, actor, "Day Train", days=[ShootDayDraft(day(2))])
    assert second.tag == "PRD-0002"


def test_name_is_unique_and_a_refusal_writes_nothing(catalog_db, actor):
    _create(catalog_db, actor)
    before = (count(catalog_db, Production), events(catalog_db))
    with pytest.raises(ConflictError, match="called night train already"):
        _create(catalog_db, actor, "night train")
    assert (count(catalog_db, Production), events(catalog_db)) == before


def test_a_day_twice_is_refused(catalog_db, actor):
    with pytest.raises(ConflictError, match="already"):
        _create(catalog_db, actor, days=[ShootDayDraft(day(1)), ShootDayDraft(day(1))])
    assert count(catalog_db, Production) == 0


def test_lookup_list_edit_and_days_with_history(catalog_db, actor):
    view = _create(catalog_db, actor)
    _create(catalog_db, actor, "Early Bird", days=[ShootDayDraft(day(-20))])
    with catalog_db.write() as s:
        productions.add_shoot_days(s, actor, "night train", [ShootDayDraft(day(8), "wrap")])
        productions.remove_shoot_day(s, actor, view.tag, day(6))
        edited = productions.update_production(s, actor, view.tag, {"notes": "Night exteriors"})
    assert edited.window_end == day(8)
    assert day(6) not in [d.day for d in edited.days]
    with catalog_db.read() as s:
        names = [p.name for p in productions.list_productions(s)]
        current = [p.name for p in productions.list_productions(s, active_on_or_after=day(0))]
        acts = s.scalars(
            select(Event.action).where(
                Event.entity_kind == "production", Event.entity_id == view.id
            )
        ).all()
        with pytest.raises(NotFoundError):
            productions.get_production(s, "Nope")
    assert names == ["Early Bird", "Night Train"]
    assert current == ["Night Train"]
    assert acts == ["create", "days_add", "days_remove", "edit"]


def test_parse_dates():
    assert parse_dates("2026-05-04", "shoot") == [day(0).fromisoformat("2026-05-04")]
    assert len(parse_dates("2026-05-04..2026-05-08", "shoot")) == 5
    with pytest.raises(ValidationError, match="ends before"):
        parse_dates("2026-05-08..2026-05-04", "shoot")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_dates("tomorrow", "shoot")


def test_demo_productions_on_the_demo_house(database, actor):
    from datetime import date

    from gearroom.services import demo, demo_productions

    today = date.today()
    with database.write() as s:
        summary = demo.load_demo(
            s, actor, files=demo_dir(), today=today
        )  # the demo house brings its productions
        assert demo_productions.load_demo_productions(s, actor, today) == 0  # once only
    assert summary.productions == 5
    with database.read() as s:
        names = [p.name for p in productions.list_productions(s)]
        board = dashboard.dashboard(s, today)
        out_now = checkout_out.out_items(s, production="Northern Line")
        past = productions.get_production(s, "Harbour Lights")
        future = reservations.list_reservations(s, "Salt Flats")
    assert names[0] == "Harbour Lights" and names[-1] == "Salt Flats"
    assert past.window_end is not None and past.window_end < today
    assert out_now and all(not o.overdue for o in out_now)
    assert {o.production for o in board.overdue} == {"Blue Hour (music video)"}
    assert {r.production for r in board.going_out_today} == {"Morning Show Promo"}
    assert any(t.production == "Harbour Lights" for t in board.in_service)
    assert len(future) > 10


def test_cancelled_productions_are_left_out_unless_asked_for(catalog_db, actor):
    from gearroom.services import lifecycle

    _create(catalog_db, actor)
    _create(catalog_db, actor, "Early Bird", days=[ShootDayDraft(day(-20))])
    with catalog_db.write() as s:
        lifecycle.cancel_production(s, actor, "Early Bird", "the client pulled the shoot")
    with catalog_db.read() as s:
        shown = productions.list_productions(s)
        every = productions.list_productions(s, include_cancelled=True)
        bird = productions.production_by_key(s, "Early Bird").id
        night = productions.production_by_key(s, "Night Train").id
        note = productions.cancellation(s, bird)
        assert productions.cancellation(s, night) is None
    assert [p.name for p in shown] == ["Night Train"]
    assert [(p.name, p.cancelled) for p in every] == [("Early Bird", True), ("Night Train", False)]
    assert note is not None and note.startswith("Cancelled on ")
    assert note.endswith(": the client pulled the shoot")
