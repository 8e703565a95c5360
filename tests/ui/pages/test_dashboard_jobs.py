"""The dashboard by job: a row per production and section, item rows read when expanded, a
row opening the pick list or the check-in."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from desk_data import build_desk

from gearroom.models import ShootDayKind
from gearroom.services import checkout, checkout_cart, productions, reservations
from gearroom.services.jobs import JobSection
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.dashboard import DashboardPage
from gearroom.ui.widgets.job_board import PLACEHOLDER


def _setup(context):  # type: ignore[no-untyped-def]
    desk = build_desk(context, loose_items=8, kit_items=2)
    today = date.today()

    def setup(s, a):  # type: ignore[no-untyped-def]
        reservations.reserve(s, a, desk.production, [*desk.loose[:3], (desk.battery, 2)])
        productions.create_production(
            s, a, "Late Job", days=[ShootDayDraft(today - timedelta(days=3), ShootDayKind.SHOOT)]
        )
        cart = checkout_cart.new_cart(s, "Late Job", desk.badge, due_back=today - timedelta(days=1))
        for tag in desk.loose[4:7]:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, a, cart, today=today - timedelta(days=2))

    context.perform(setup, "checkout")
    return desk


def test_jobs_are_grouped_by_production_with_items_on_demand(
    qtbot, context, tmp_path: Path
) -> None:
    desk = _setup(context)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.refresh()
    board = page.jobs
    going = board.job_rows(JobSection.GOING_OUT_TODAY)
    assert [r.text(0) for r in going] == [f"{desk.production}  {desk.production_name}"]
    row = going[0]
    assert row.text(1) == "Cole & Webb"
    assert row.text(4) == "4"  # three serials and a stock line
    assert row.text(5) == "0 / 5"
    assert row.childCount() == 1 and row.child(0).text(0) == PLACEHOLDER  # not read yet
    row.setExpanded(True)
    items = [row.child(i).text(0) for i in range(row.childCount())]
    assert len(items) == 4
    assert any(t.startswith(desk.loose[0]) for t in items)
    page.resize(1200, 700)
    page.grab().save(str(tmp_path / "dashboard-jobs.png"))


def test_a_job_row_opens_its_pick_list_on_the_check_out_page(qtbot, context) -> None:
    desk = _setup(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    dashboard = window.page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    dashboard.refresh()
    row = dashboard.jobs.job_rows(JobSection.GOING_OUT_TODAY)[0]
    dashboard.jobs.itemActivated.emit(row, 0)
    page = window.current_page()
    assert page is not None and page.page_id == "checkout"
    tags = [t for t, _n, _s in page.desk.pick_list.rows()]  # type: ignore[attr-defined]
    assert set(desk.loose[:3]) <= set(tags)
    dashboard_row = window.pages.index(dashboard)
    window.show_page(dashboard_row)
    late = dashboard.jobs.job_rows(JobSection.OVERDUE)
    assert [r.text(4) for r in late] == ["3"]
    dashboard.jobs.itemActivated.emit(late[0], 0)
    assert window.current_page().page_id == "checkin"  # type: ignore[union-attr]
