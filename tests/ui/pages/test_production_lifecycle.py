"""The booking lifecycle on the productions page: release, swap, move dates (override with a
reason), cancel with a reason, close-out listing what is still out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from desk_data import Desk, build_desk

from gearroom.models import AssetStatus
from gearroom.services import catalog, checkout, checkout_cart, productions, reservations
from gearroom.ui.context import AppContext
from gearroom.ui.pages.productions import ProductionsPage


@pytest.fixture
def desk(context: AppContext) -> Desk:
    built = build_desk(context, loose_items=5, kit_items=1)
    context.perform(
        lambda s, a: reservations.reserve(s, a, built.production, list(built.loose[:3])),
        "production",
    )
    return built


@pytest.fixture
def page(qtbot, context: AppContext, desk: Desk) -> ProductionsPage:  # type: ignore[no-untyped-def]
    page = ProductionsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert page.select_production(desk.production_id)
    page.show_selected()
    page.lifecycle.confirm = lambda title, text, yes: True
    return page


def _booked(context: AppContext, desk: Desk) -> list[str]:
    return sorted(
        r.tag for r in context.query(lambda s: reservations.list_reservations(s, desk.production))
    )


def _select(page: ProductionsPage, tag: str) -> None:
    records = page.reserved.records_model.records()
    row = next(i for i, r in enumerate(records) if r.tag == tag)
    page.reserved.selectRow(row)


def test_release_the_selected_booking(page: ProductionsPage, context, desk: Desk) -> None:
    asked: list[str] = []
    page.lifecycle.confirm = lambda title, text, yes: asked.append(text) or True  # type: ignore[func-returns-value]
    _select(page, desk.loose[1])
    page.lifecycle.release()
    assert desk.loose[1] in asked[0]
    assert _booked(context, desk) == sorted([desk.loose[0], desk.loose[2]])
    assert "1 booking(s) released" in page.message.text()


def test_swap_a_unit(page: ProductionsPage, context, desk: Desk) -> None:
    _select(page, desk.loose[0])
    page.lifecycle.ask_text = lambda title, label: desk.loose[4]
    page.lifecycle.swap()
    assert _booked(context, desk) == sorted([desk.loose[4], *desk.loose[1:3]])
    assert f"{desk.loose[4]} now booked in place of {desk.loose[0]}" in page.message.text()


def test_move_the_wrap_with_an_override_when_it_conflicts(
    page: ProductionsPage, context, desk: Desk, tmp_path: Path
) -> None:
    # Salt Flats books loose[0] from the day after the wrap: a later wrap conflicts.
    wrap = desk.return_day
    context.perform(
        lambda s, a: productions.create_production(
            s, a, "Next Job", days=[productions.ShootDayDraft(wrap + timedelta(days=1))]
        ),
        "production",
    )
    context.perform(
        lambda s, a: reservations.reserve(
            s, a, "Next Job", [desk.loose[0]], override_reason="tight"
        ),
        "production",
    )
    reasons: list[str] = []

    def ask(title: str, label: str) -> str:
        reasons.append(label)
        return "the next job picks up a day late"

    page.lifecycle.ask_text = ask
    page.lifecycle.move_dates(move=("The wrap day(s)", 1))
    view = context.query(lambda s: productions.get_production(s, desk.production))
    assert view.return_day == wrap + timedelta(days=1)
    assert reasons and desk.loose[0] in reasons[0]
    assert "overridden" in page.message.text()
    page.show_selected()
    page.resize(1300, 760)
    page.grab().save(str(tmp_path / "productions-lifecycle.png"))


def test_cancel_needs_a_reason_and_releases(page: ProductionsPage, context, desk: Desk) -> None:
    page.lifecycle.ask_text = lambda title, label: None
    page.lifecycle.cancel()
    assert len(_booked(context, desk)) == 3
    page.lifecycle.ask_text = lambda title, label: "the client pulled the shoot"
    page.lifecycle.cancel()
    assert _booked(context, desk) == []
    assert "cancelled" in page.message.text()


def test_close_out_lists_what_is_still_out_and_marks_it_missing(
    page: ProductionsPage, context, desk: Desk
) -> None:
    def out(s, a):  # type: ignore[no-untyped-def]
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        for tag in desk.loose[:2]:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, a, cart)

    context.perform(out, "checkout")
    asked: list[str] = []
    page.lifecycle.confirm = lambda title, text, yes: asked.append(text) or False  # type: ignore[func-returns-value]
    page.lifecycle.close_out()
    assert "2 line(s)" in asked[0] and desk.loose[0] in asked[0] and desk.loose[1] in asked[0]
    status = context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status)
    assert status is AssetStatus.OUT
    page.lifecycle.confirm = lambda title, text, yes: True
    page.lifecycle.close_out()
    assert context.query(lambda s: catalog.get_asset(s, desk.loose[0]).status) is AssetStatus.LOST
    assert "2 line(s) marked missing" in page.message.text()
