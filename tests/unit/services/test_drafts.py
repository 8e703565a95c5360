"""Draft check-outs and the pick list: each scan saved, resumable, unbooked extras confirmed
with a reason, a serial filling a model line, committed all or nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gearroom.errors import NotFoundError
from gearroom.services import (
    catalog,
    checkout_out,
    drafts,
    history,
    kits,
    model_bookings,
    people,
    picklist,
    productions,
    reservations,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.drafts import DraftOutcome
from gearroom.services.productions import ShootDayDraft

LF = "ARRI Alexa Mini LF"


@pytest.fixture
def job(catalog_db, actor):
    today = date.today()
    with catalog_db.write() as s:
        for n in range(3):
            catalog.create_asset(
                s,
                actor,
                AssetDraft(
                    name=f"LF {n}",
                    category="Camera",
                    make="ARRI",
                    model="Alexa Mini LF",
                    location="Shelf A1",
                ),
            )
        lenses = [
            catalog.create_asset(
                s, actor, AssetDraft(name=f"Prime {mm}", category="Lens", location="Prep Bay 1")
            ).tag
            for mm in (25, 40, 75)
        ]
        kit = kits.create_kit(s, actor, "Lens case").tag
        for tag in lenses[:2]:
            kits.add_to_kit(s, actor, kit, tag)
        days = [ShootDayDraft(today + timedelta(days=n)) for n in range(0, 4)]
        productions.create_production(s, actor, "Nightfall", days=days)
        people.add_person(s, actor, "Ana Lopez", badge="P-0042")
        model_bookings.reserve_models(s, actor, "Nightfall", [(LF, 2)])
        reservations.reserve(s, actor, "Nightfall", [kit])
    return catalog_db, kit, lenses


def test_the_pick_list_lists_bookings_by_location_and_ticks_what_is_scanned(job, actor):
    db, _kit, lenses = job
    with db.write() as s:
        draft = drafts.start_draft(s, actor, "Nightfall", custodian="P-0042")
    with db.read() as s:
        pick = picklist.build_picklist(s, "Nightfall")
        # by location; the kit case has no shelf of its own: it heads its contents
        assert [(ln.kind, ln.location) for ln in pick.lines] == [
            ("kit", "Prep Bay 1"),
            ("asset", "Prep Bay 1"),
            ("asset", "Prep Bay 1"),
            ("model", "Shelf A1"),
        ]
        assert (pick.picked, pick.wanted) == (0, 4)
    with db.write() as s:
        assert drafts.scan_draft(s, actor, draft.id, "CAM-0001").ok
        assert drafts.scan_draft(s, actor, draft.id, lenses[0]).ok
    with db.read() as s:
        pick = picklist.build_picklist(s, "Nightfall")
        model_line = next(ln for ln in pick.lines if ln.kind == "model")
        assert (model_line.picked, model_line.wanted) == (1, 2)
        assert (pick.picked, pick.wanted) == (2, 4)


def test_an_unbooked_scan_is_refused_until_confirmed_with_a_reason(job, actor):
    db, _kit, lenses = job
    with db.write() as s:
        draft = drafts.start_draft(s, actor, "Nightfall", custodian="P-0042")
    with db.write() as s:
        first = drafts.scan_draft(s, actor, draft.id, lenses[2])
        assert first.outcome is DraftOutcome.NOT_BOOKED
        assert first.draft.lines == ()
    with db.write() as s:
        for tag in ("CAM-0001", "CAM-0002"):
            assert drafts.scan_draft(s, actor, draft.id, tag).ok
        # the model line is full: a third body is an extra
        assert drafts.scan_draft(s, actor, draft.id, "CAM-0003").outcome is DraftOutcome.NOT_BOOKED
        done = drafts.scan_draft(s, actor, draft.id, lenses[2], unbooked_reason="DP asked for it")
        assert done.ok and done.draft.lines[-1].unbooked_reason == "DP asked for it"
        events = history.events_for_tag(s, lenses[2])
        assert any("DP asked for it" in e.summary for e in events)


def test_a_draft_resumes_anywhere_and_commits_all_or_nothing(job, actor):
    db, kit, lenses = job
    with db.write() as s:
        draft = drafts.start_draft(s, actor, "Nightfall")
        drafts.scan_draft(s, actor, draft.id, "CAM-0001")
        drafts.scan_draft(s, actor, draft.id, kit)
        assert drafts.scan_draft(s, actor, draft.id, "P-0042").ok
    with db.read() as s:
        (found,) = drafts.list_drafts(s, "Nightfall")
        assert [ln.tag for ln in found.lines] == ["CAM-0001", *lenses[:2]]
        assert found.custodian == "Ana Lopez"
    with db.write() as s:
        view = drafts.commit_draft(s, actor, draft.id)
        assert sorted(ln.tag for ln in view.lines) == sorted(["CAM-0001", *lenses[:2]])
    with db.read() as s:
        assert drafts.list_drafts(s) == []
        assert len(checkout_out.out_items(s, production="Nightfall")) == 3
        with pytest.raises(NotFoundError):
            drafts.draft_view(s, draft.id)


def test_discarding_a_draft_sends_nothing_out_and_is_in_history(job, actor):
    db, _kit, _lenses = job
    with db.write() as s:
        draft = drafts.start_draft(s, actor, "Nightfall")
        drafts.scan_draft(s, actor, draft.id, "CAM-0002")
        assert drafts.discard_draft(s, actor, draft.id, "wrong job") == 1
    with db.read() as s:
        assert checkout_out.out_items(s) == []
        assert any("discarded" in e.summary for e in history.recent_events(s, 5))


def test_a_serial_booked_away_by_model_elsewhere_cannot_go_out(job, actor):
    db, _kit, _lenses = job
    today = date.today()
    with db.write() as s:
        days = [ShootDayDraft(today + timedelta(days=n)) for n in range(1, 3)]
        productions.create_production(s, actor, "Daybreak", days=days)
        # Nightfall holds 2 of the 3 bodies; Daybreak takes the third by model
        model_bookings.reserve_models(s, actor, "Daybreak", [(LF, 1)])
        other = drafts.start_draft(s, actor, "Daybreak")
        mine = drafts.start_draft(s, actor, "Nightfall")
        for tag in ("CAM-0001", "CAM-0002"):
            assert drafts.scan_draft(s, actor, mine.id, tag).ok
        third = drafts.scan_draft(s, actor, mine.id, "CAM-0003", unbooked_reason="spare body")
        assert third.outcome is DraftOutcome.REFUSED
        assert "Only 2 of 3 ARRI Alexa Mini LF are free" in third.message
        assert drafts.scan_draft(s, actor, other.id, "CAM-0003").ok
