"""The check-out desk over a draft: the first scan starts the draft, a walk-in production
needs no question, a kit brings its checklist, quantities and due-back are saved, the commit
is the draft's (kits included) and leaves no draft behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from gearroom.errors import ValidationError
from gearroom.models import CheckoutLine, DraftScan
from gearroom.services import (
    catalog,
    desk,
    drafts,
    kits,
    people,
    productions,
    reservations,
    stock,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.drafts import DraftOutcome
from gearroom.services.productions import ShootDayDraft


@pytest.fixture
def house(catalog_db, actor):
    today = date.today()
    with catalog_db.write() as s:
        tags = [
            catalog.create_asset(s, actor, AssetDraft(name=f"Prime {n}", category="Lens")).tag
            for n in range(4)
        ]
        kit = kits.create_kit(s, actor, "Lens case").tag
        for tag in tags[:2]:
            kits.add_to_kit(s, actor, kit, tag)
        battery = stock.create_stock_item(s, actor, "Battery", "Power", 10).tag
        people.add_person(s, actor, "Ana Lopez", badge="P-0042")
        days = [ShootDayDraft(today + timedelta(days=n)) for n in range(3)]
        booked = productions.create_production(s, actor, "Nightfall", days=days)
        walk_in = productions.create_production(s, actor, "Walk-in", days=days)
        reservations.reserve(s, actor, "Nightfall", [kit, tags[2], (battery, 4)])
    return catalog_db, tags, kit, battery, booked.id, walk_in.id


def test_the_first_scan_starts_the_draft_and_the_next_one_joins_it(house, actor) -> None:
    db, tags, _kit, _b, pid, _w = house
    with db.write() as s:
        first = desk.desk_scan(s, actor, pid, None, tags[2], workstation="Prep bay 2")
    assert first.outcome is DraftOutcome.SAVED
    assert first.state.draft is not None and first.state.draft.workstation == "Prep bay 2"
    with db.write() as s:
        again = desk.desk_scan(s, actor, pid, None, tags[2])  # resumed: the same draft
    assert again.state.draft_id == first.state.draft_id
    assert again.outcome is DraftOutcome.REFUSED and again.already
    with db.read() as s:
        state = desk.desk_state(s, pid)
    assert state.draft_id == first.state.draft_id
    assert [ln.tag for ln in state.cart.lines] == [tags[2]]


def test_unbooked_asks_but_a_walk_in_records_why(house, actor) -> None:
    db, tags, _kit, _b, pid, walk_in = house
    with db.write() as s:
        asked = desk.desk_scan(s, actor, pid, None, tags[3])
    assert asked.outcome is DraftOutcome.NOT_BOOKED
    assert asked.state.cart.lines == ()
    with db.write() as s:
        over = desk.desk_scan(s, actor, walk_in, None, tags[3])
    assert over.outcome is DraftOutcome.SAVED
    with db.read() as s:
        reasons = list(s.scalars(select(DraftScan.unbooked_reason)))
    assert reasons == [desk.WALK_IN]


def test_a_kit_brings_its_checklist_and_goes_out_with_it(house, actor) -> None:
    db, tags, kit, battery, pid, _w = house
    with db.write() as s:
        scanned = desk.desk_scan(s, actor, pid, None, kit)
    assert scanned.outcome is DraftOutcome.SAVED and scanned.kit_members_left == 2
    draft_id = scanned.state.draft_id
    assert draft_id is not None
    with db.write() as s:
        member = desk.desk_scan(s, actor, pid, draft_id, tags[0])
        desk.desk_scan(s, actor, pid, draft_id, battery)
        desk.desk_scan(s, actor, pid, draft_id, "P-0042")
        desk.set_quantity(s, actor, draft_id, battery, 3)
        due = date.today() + timedelta(days=1)
        desk.set_due_back(s, actor, draft_id, due)
    assert [e.tag for e in member.state.cart.unticked()] == [tags[1]]
    with db.write() as s:
        view = desk.commit_desk(s, actor, pid, draft_id)
    assert view.due_back == due
    with db.read() as s:
        lines = {
            (ln.asset_id, ln.stock_item_id, ln.quantity) for ln in s.scalars(select(CheckoutLine))
        }
        assert drafts.list_drafts(s) == []
    assert len(lines) == 2 and any(q == 3 for _a, _s, q in lines)


def test_a_quantity_below_one_is_refused(house, actor) -> None:
    db, _tags, _kit, battery, pid, _w = house
    with db.write() as s:
        draft_id = desk.desk_scan(s, actor, pid, None, battery).state.draft_id
    assert draft_id is not None
    with pytest.raises(ValidationError), db.write() as s:
        desk.set_quantity(s, actor, draft_id, battery, 0)
