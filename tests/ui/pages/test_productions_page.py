"""The productions page: list filter, new production with days, conflicts before saving."""

from __future__ import annotations

from datetime import date, time, timedelta

from desk_data import build_desk
from sqlalchemy import func, select

from gearroom.models import Reservation, ShootDayKind
from gearroom.services import productions, reservations
from gearroom.ui.pages.productions import ProductionsPage


def test_new_production_with_days(qtbot, context) -> None:
    page = ProductionsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    dialog = page.new_production()
    dialog.name.setText("Blue Hour")
    dialog.client.setText("Parade Records")
    start = date.today() + timedelta(days=10)
    dialog.add_day_rows(start, start, ShootDayKind.PREP, "Rental house")
    dialog.add_day_rows(
        start + timedelta(days=1),
        start + timedelta(days=2),
        ShootDayKind.SHOOT,
        "Joshua Tree",
        time(6, 30),
    )
    dialog.add_day_rows(start + timedelta(days=3), start + timedelta(days=3), ShootDayKind.WRAP)
    assert dialog.days.rowCount() == 4
    dialog.accept()
    view = context.query(lambda s: productions.get_production(s, "Blue Hour"))
    assert (view.window_start, view.window_end) == (start, start + timedelta(days=3))
    assert view.days[1].call_time == time(6, 30) and view.days[1].location == "Joshua Tree"
    assert page.detail is not None and page.detail.production.id == view.id
    # Edit: drop a shoot day, rename.
    edit = page.edit_production()
    edit.name.setText("Blue Hour (music video)")
    edit.days.selectRow(2)
    edit.remove_selected()
    edit.accept()
    view = context.query(lambda s: productions.get_production_by_id(s, view.id))
    assert view.name == "Blue Hour (music video)"
    assert [d.day for d in view.days] == [start + timedelta(days=i) for i in (0, 1, 3)]


def test_the_filter_splits_past_current_upcoming(qtbot, context) -> None:
    build_desk(context, loose_items=2, kit_items=1)
    past = date.today() - timedelta(days=30)
    context.perform(
        lambda s, a: productions.create_production(
            s, a, "Old Job", days=[productions.ShootDayDraft(past)]
        ),
        "production",
    )
    page = ProductionsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    names = lambda: [p.name for p in page.list.records_model.records()]  # noqa: E731
    assert names() == ["Northern Line", "Salt Flats"]
    page.filter.setCurrentText("Past")
    assert names() == ["Old Job"]
    page.filter.setCurrentText("All")
    assert names() == ["Old Job", "Northern Line", "Salt Flats"]


def test_conflicts_show_before_saving_and_override_needs_a_reason(qtbot, context) -> None:
    desk = build_desk(context, loose_items=3, kit_items=1)
    context.perform(
        lambda s, a: reservations.reserve(s, a, desk.other, [desk.loose[0]]), "reservation"
    )
    page = ProductionsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    page.select_production(desk.production_id)
    dialog = page.reserve_gear()
    dialog.add_tag(desk.loose[0])
    dialog.add_tag(desk.loose[1])
    assert dialog.conflicts.count() == 1
    assert "reserved for Salt Flats" in dialog.conflicts.item(0).text()
    count = lambda: context.query(  # noqa: E731
        lambda s: s.scalar(select(func.count()).select_from(Reservation))
    )
    dialog.accept()  # refused: the conflict is shown, nothing written
    assert dialog.isVisible()
    assert "1 conflict(s)" in dialog.banner_text()
    assert count() == 1
    dialog.override.setChecked(True)
    dialog.accept()  # still refused: no reason
    assert "override reason" in dialog.banner_text()
    assert count() == 1
    dialog.reason.setText("Client confirmed Salt Flats moved a week")
    dialog.accept()
    assert not dialog.isVisible()
    booked = context.query(lambda s: reservations.list_reservations(s, desk.production))
    assert {r.tag: r.override_reason for r in booked} == {
        desk.loose[0]: "Client confirmed Salt Flats moved a week",
        desk.loose[1]: "",
    }
    assert [r.tag for r in page.reserved.records_model.records()] == list(desk.loose[:2])
    # The chart shows both productions on the contested item today.
    bars = page.timeline.bars_on(desk.loose[0], date.today())
    assert {b.production for b in bars} == {"Northern Line", "Salt Flats"}
