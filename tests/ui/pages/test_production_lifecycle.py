"""The booking lifecycle on the productions page: release, swap, move dates (override with a
reason), cancel with a reason, close-out listing what is still out."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from desk_data import Desk, build_desk

from gearroom.models import AssetStatus
from gearroom.services import (
    catalog,
    checkout,
    checkout_cart,
    history,
    model_bookings,
    product_models,
    productions,
    reservations,
)
from gearroom.ui.context import AppContext
from gearroom.ui.pages.productions import FILTERS, ProductionsPage
from tests.ui._shots import shot


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


LF = "ARRI Alexa Mini LF"


@pytest.fixture
def booked_models(context: AppContext, desk: Desk) -> None:
    """Three LF bodies; the production books two of them by model, not by serial."""

    def add(s, a):  # type: ignore[no-untyped-def]
        for n in range(3):
            catalog.create_asset(
                s,
                a,
                catalog.AssetDraft(
                    name=f"Alexa Mini LF {n + 1}",
                    category="Camera",
                    make="ARRI",
                    model="Alexa Mini LF",
                    serial=f"LF-{n}",
                ),
            )
        model_bookings.reserve_models(s, a, desk.production, [(LF, 2)])

    context.perform(add, "production")


def _model_units(context: AppContext, desk: Desk) -> list[int]:
    return [
        ln.quantity
        for ln in context.query(lambda s: model_bookings.model_lines(s, desk.production_id))
    ]


def _select_model(page: ProductionsPage) -> None:
    records = page.reserved.records_model.records()
    page.reserved.selectRow(next(i for i, r in enumerate(records) if r.is_model))


def test_model_bookings_show_in_the_reserved_table(
    booked_models: None, page: ProductionsPage, desk: Desk, tmp_path: Path
) -> None:
    page.show_selected()
    model = page.reserved.records_model
    cells = [
        [str(model.data(model.index(row, col))) for col in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    lf = [c for c in cells if c[1] == LF]
    assert lf == [
        [
            "(any serial)",
            LF,
            "2",
            "",
            date.today().isoformat(),
            desk.return_day.isoformat(),
            "",
        ]
    ]
    assert sorted(c[0] for c in cells if c[1] != LF) == sorted(desk.loose[:3])
    page.resize(1300, 760)
    page.grab().save(str(tmp_path / "productions-model-bookings.png"))
    shot(page, "productions-model-bookings")


def test_release_part_of_a_model_booking_then_the_rest(
    booked_models: None, page: ProductionsPage, context: AppContext, desk: Desk
) -> None:
    page.show_selected()
    asked: list[tuple[str, int]] = []
    confirmed: list[str] = []
    page.lifecycle.confirm = lambda title, text, yes: confirmed.append(text) or True  # type: ignore[func-returns-value]

    def one(title: str, label: str, maximum: int) -> int:
        asked.append((label, maximum))
        return 1

    page.lifecycle.ask_quantity = one
    _select_model(page)
    page.lifecycle.release()
    assert asked == [(f"Release how many of the 2 × {LF} booked for Northern Line?", 2)]
    assert f"1 of 2 × {LF} (any serial)" in confirmed[0]
    assert _model_units(context, desk) == [1]
    assert page.message.text() == "1 model unit(s) released from Northern Line."
    # The table follows: the line now holds one unit; the serial bookings are untouched.
    page.show_selected()
    (row,) = [r for r in page.reserved.records_model.records() if r.is_model]
    assert row.quantity == 1
    assert len(_booked(context, desk)) == 3

    # One unit left: released whole, no question asked; with a serial in the same selection.
    page.lifecycle.ask_quantity = lambda title, label, maximum: pytest.fail("asked")
    page.reserved.selectAll()
    page.lifecycle.release()
    assert _model_units(context, desk) == []
    assert _booked(context, desk) == []
    assert page.message.text() == "3 booking(s) and 1 model unit(s) released from Northern Line."
    said = context.query(
        lambda s: [
            e.summary for e in history.events_for(s, "model", product_models.model_by_key(s, LF).id)
        ]
    )
    assert sum("no longer reserved for Northern Line" in t for t in said) == 2


def test_asking_how_many_and_cancelling_releases_nothing(
    booked_models: None, page: ProductionsPage, context: AppContext, desk: Desk
) -> None:
    page.show_selected()
    page.lifecycle.ask_quantity = lambda title, label, maximum: None
    _select_model(page)
    page.lifecycle.release()
    assert _model_units(context, desk) == [2]


def test_cancelled_productions_are_hidden_until_shown_and_then_marked(
    page: ProductionsPage, context: AppContext, desk: Desk
) -> None:
    page.lifecycle.ask_text = lambda title, label: "the client pulled the shoot"
    page.lifecycle.cancel()
    page.filter.setCurrentIndex(FILTERS.index("All"))
    page.refresh()
    names = [r.name for r in page.list.records_model.records()]
    assert desk.production_name not in names and "Salt Flats" in names
    page.show_cancelled.setChecked(True)
    model = page.list.records_model
    shown = [str(model.data(model.index(row, 1))) for row in range(model.rowCount())]
    assert f"{desk.production_name} (cancelled)" in shown and "Salt Flats" in shown
    assert page.select_production(desk.production_id)
    assert page.heading.text().endswith("(cancelled)")
    assert page.facts.text().startswith("Cancelled on ")
    assert "the client pulled the shoot" in page.facts.text()
    assert not page.reserve_button.isEnabled()
    assert not any(b.isEnabled() for b in page.lifecycle.buttons)
    page.resize(1300, 760)
    shot(page, "productions-show-cancelled")
    page.show_cancelled.setChecked(False)
    assert desk.production_name not in [r.name for r in page.list.records_model.records()]
    # A scan of its production sheet still finds it, and says it was cancelled.
    assert page.handle_scan(desk.production)
    assert page.show_cancelled.isChecked() and page.current_id() == desk.production_id


def test_swap_on_a_model_line_asks_which_serial_first(
    booked_models: None, page: ProductionsPage, context: AppContext, desk: Desk
) -> None:
    page.show_selected()
    bodies = context.query(lambda s: [x.tag for x in product_models.show_model(s, LF).serials])
    questions: list[str] = []
    page.lifecycle.ask_text = lambda title, label: questions.append(label) or None  # type: ignore[func-returns-value]
    _select_model(page)
    page.lifecycle.swap()
    assert questions == [f"Which {LF} is to be replaced? (its tag)"]  # no answer: no more
    answers = iter([bodies[0], desk.loose[4]])
    page.lifecycle.ask_text = lambda title, label: next(answers)
    page.lifecycle.swap()
    assert page.message.text() == f"{desk.loose[4]} is not a {LF}; Northern Line booked that model."
    answers = iter([bodies[0].lower(), bodies[2]])
    page.lifecycle.ask_text = lambda title, label: next(answers)
    page.lifecycle.swap()
    assert page.message.text() == f"{bodies[2]} now booked in place of {bodies[0]}."
    assert _model_units(context, desk) == [2]
