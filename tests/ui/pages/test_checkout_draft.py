"""The check-out page over the production's draft: the pick list beside the cart, scans saved
at once and found by another workstation, unbooked scans asked about, discard, pick list PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from desk_data import Desk, build_desk
from pypdf import PdfReader
from sqlalchemy import select

from gearroom.models import CheckoutLine, Event
from gearroom.services import drafts, reservations
from gearroom.ui.context import AppContext
from gearroom.ui.feedback import Verdict
from gearroom.ui.pages.checkout import CheckoutPage


@pytest.fixture
def desk(context: AppContext) -> Desk:
    built = build_desk(context, loose_items=6, kit_items=3)
    context.perform(
        lambda s, a: reservations.reserve(
            s, a, built.production, [*built.loose[:4], built.kit, (built.battery, 4)]
        ),
        "production",
    )
    return built


def _page(qtbot, context: AppContext) -> CheckoutPage:  # type: ignore[no-untyped-def]
    page = CheckoutPage(context)
    qtbot.addWidget(page)
    page.refresh()
    return page


@pytest.fixture
def page(qtbot, context: AppContext, desk: Desk) -> CheckoutPage:  # type: ignore[no-untyped-def]
    return _page(qtbot, context)


def test_the_pick_list_shows_what_was_booked_and_ticks_what_is_scanned(
    page: CheckoutPage, desk: Desk, tmp_path: Path
) -> None:
    page.handle_scan(desk.production)
    rows = {tag: (count, state) for tag, count, state in page.desk.pick_list.rows()}
    for tag in (*desk.loose[:4], desk.kit, *desk.kit_members, desk.battery):
        assert tag in rows, tag
    assert rows[desk.loose[0]] == ("0/1", "not yet")
    assert rows[desk.battery] == ("0/4", "not yet")
    assert desk.loose[4] not in rows  # not booked
    page.handle_scan(desk.badge)
    page.handle_scan(desk.loose[0])
    page.handle_scan(desk.battery)
    assert page.feedback.verdict is Verdict.OK
    rows = {tag: (count, state) for tag, count, state in page.desk.pick_list.rows()}
    assert rows[desk.loose[0]] == ("1/1", "picked")
    assert rows[desk.battery] == ("1/4", "partly")
    assert page.table.cart_model.tags() == [desk.loose[0], desk.battery]
    page.resize(1300, 700)
    page.grab().save(str(tmp_path / "checkout-picklist.png"))


def test_each_scan_is_saved_and_another_workstation_finds_the_draft(
    qtbot, context: AppContext, page: CheckoutPage, desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    page.handle_scan(desk.production)
    page.handle_scan(desk.badge)
    for tag in desk.loose[:2]:
        page.handle_scan(tag)
    saved = context.query(lambda s: drafts.list_drafts(s, desk.production))
    assert len(saved) == 1
    assert [ln.tag for ln in saved[0].lines] == list(desk.loose[:2])
    assert saved[0].custodian == desk.custodian

    other = _page(qtbot, context)  # the app on another machine
    other.handle_scan(desk.production)
    assert other.desk.draft_id == saved[0].id
    assert other.table.cart_model.tags() == list(desk.loose[:2])
    assert other.custodian.currentData() == desk.badge
    other.handle_scan(desk.loose[2])
    assert [ln.tag for ln in context.query(lambda s: drafts.draft_view(s, saved[0].id)).lines] == [
        *desk.loose[:2],
        desk.loose[2],
    ]
    checkout_id = other.commit()
    assert checkout_id is not None
    tags = context.query(
        lambda s: sorted(
            ln.asset.tag
            for ln in s.scalars(select(CheckoutLine).where(CheckoutLine.checkout_id == checkout_id))
            if ln.asset is not None
        )
    )
    assert tags == sorted(desk.loose[:3])
    assert context.query(lambda s: drafts.list_drafts(s, desk.production)) == []


def test_an_unbooked_scan_asks_why_and_keeps_the_reason(
    context: AppContext, page: CheckoutPage, desk: Desk
) -> None:
    asked: list[str] = []
    page.desk.ask_reason = lambda message: asked.append(message) or None  # type: ignore[func-returns-value]
    page.handle_scan(desk.production)
    page.handle_scan(desk.loose[4])
    assert asked and asked[0].startswith(f"{desk.loose[4]} is not booked")
    assert page.table.cart_model.tags() == []
    assert page.feedback.verdict is Verdict.NOTICE

    page.desk.ask_reason = lambda message: "spare body for the B camera"
    page.handle_scan(desk.loose[4])
    assert page.table.cart_model.tags() == [desk.loose[4]]
    view = context.query(lambda s: drafts.draft_view(s, page.desk.draft_id or 0))
    assert view.lines[0].unbooked_reason == "spare body for the B camera"
    said = context.query(
        lambda s: [
            e.summary for e in s.scalars(select(Event).where(Event.action == "unbooked_scan"))
        ]
    )
    assert any("spare body for the B camera" in text for text in said)


def test_a_kit_scan_brings_its_checklist_in_the_draft(page: CheckoutPage, desk: Desk) -> None:
    page.handle_scan(desk.production)
    page.handle_scan(desk.kit)
    assert page.feedback.verdict is Verdict.NOTICE
    assert page.checklist.entry_states(desk.kit) == {t: False for t in desk.kit_members}
    page.handle_scan(desk.kit_members[0])
    assert page.checklist.entry_states(desk.kit)[desk.kit_members[0]] is True


def test_discard_throws_the_draft_away_everywhere(
    context: AppContext, page: CheckoutPage, desk: Desk
) -> None:
    page.handle_scan(desk.production)
    page.handle_scan(desk.loose[0])
    assert page.clear_button.text() == "Discard draft"
    page.ask = lambda title, text, yes: True  # type: ignore[method-assign]
    assert page.clear_cart() is True
    assert context.query(lambda s: drafts.list_drafts(s, desk.production)) == []
    assert page.cart.lines == ()
    assert page.desk.draft_id is None


def test_print_pick_list_writes_the_pdf(page: CheckoutPage, desk: Desk, tmp_path: Path) -> None:
    page.handle_scan(desk.production)
    page.handle_scan(desk.loose[0])
    written = page.desk.print_pick_list(tmp_path / "pick.pdf")
    assert written is not None and written.exists()
    text = " ".join("".join(p.extract_text() for p in PdfReader(written).pages).split())
    assert desk.production_name in text
    assert desk.loose[3] in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(written), str(tmp_path / "p")],
        check=False,
    )
