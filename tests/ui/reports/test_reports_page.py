"""The Reports page: period picker, tables, chart, exports; built off the UI thread or inline."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QBarSeries, QChartView
from PySide6.QtCore import Qt
from report_week import NOW, build_week

from gearroom.config import Settings
from gearroom.db import Database
from gearroom.services.actor import Actor
from gearroom.ui.context import AppContext
from gearroom.ui.pages.registry import page_class, page_factories
from gearroom.ui.pages.reports import ReportsPage

SHOTS = Path(os.environ.get("GEARROOM_SHOTS", "/tmp/gearroom-shots"))


@pytest.fixture(autouse=True)
def _after_the_week() -> Iterator[None]:
    with mock.patch("gearroom.services.report.current_time", return_value=NOW):
        yield


@pytest.fixture
def page(database: Database, actor: Actor, qtbot: Any) -> ReportsPage:
    build_week(database)
    context = AppContext(database, Settings(house_name="Northern Lights Rentals"), actor)
    widget = ReportsPage(context)
    widget.synchronous = True
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    return widget


def test_the_page_is_in_the_navigation() -> None:
    assert ReportsPage in [page_class(factory) for factory in page_factories()]


def test_a_chosen_week_fills_every_section(page: ReportsPage, qtbot: Any) -> None:
    page.set_week(date(2026, 11, 18))
    assert page.week_label.text().startswith("2026-W47")
    page.build()
    report = page.report
    assert report is not None and report.period.iso_week == "2026-W47"
    tables = page.section_tables()
    assert set(tables) >= {
        "summary",
        "productions",
        "gear_out",
        "checkouts",
        "returns",
        "service",
        "missing_overdue",
        "utilisation_categories",
        "busiest",
        "idle",
    }
    gear = tables["gear_out"].model()
    assert gear.rowCount() == 6
    productions = tables["productions"].model()
    last = productions.rowCount() - 1
    assert productions.index(last, 1).data() == "All productions"
    assert productions.index(last, 5).data() == "22"
    missing = tables["missing_overdue"].model()
    assert [missing.index(r, 1).data() for r in range(missing.rowCount())] == [
        "CAM-0003",
        "CAM-0002",
    ]
    assert "22 days out" in page.status.text()
    # The chart: one bar per category, the utilisation in %.
    assert isinstance(page.chart_view, QChartView)
    series = page.chart_view.chart().series()[0]
    assert isinstance(series, QBarSeries)
    bars = series.barSets()[0]
    assert [round(bars.at(i), 1) for i in range(bars.count())] == [57.1, 80.0, 18.2]
    assert all(b.isEnabled() for b in page.export_buttons.values())

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save(str(SHOTS / "reports-summary.png"))
    page.tabs.setCurrentIndex(2)
    page.grab().save(str(SHOTS / "reports-gear-out.png"))


def test_sorting_uses_values_not_text(page: ReportsPage) -> None:
    page.set_week(date(2026, 11, 18))
    page.build()
    view = page.section_tables()["busiest"]
    view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    model = view.model()
    days = [int(model.index(r, 3).data()) for r in range(model.rowCount())]
    assert days == sorted(days)


def test_exports(page: ReportsPage, tmp_path: Path) -> None:
    page.set_week(date(2026, 11, 18))
    page.build()
    assert page.default_file_name("csv") == "kit-report-2026-W47.zip"
    xlsx = page.export_to("xlsx", tmp_path / "w.xlsx")
    assert xlsx is not None and load_workbook(xlsx).sheetnames[0] == "Summary"
    pdf = page.export_to("pdf", tmp_path / "w.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    assert page.export_to("csv", tmp_path / "w.zip") is not None
    assert page.export_to("xlsx", tmp_path / "missing" / "w.xlsx") is None
    assert "does not exist" in page.status.text()


def test_a_reversed_range_is_refused_before_any_work(page: ReportsPage) -> None:
    page.set_range(date(2026, 11, 22), date(2026, 11, 16))
    page.build()
    assert page.report is None
    assert "ends before" in page.status.text()
    assert page.build_button.isEnabled()


def test_last_week_uses_the_house_time_zone(page: ReportsPage) -> None:
    page.mode.setCurrentIndex(0)
    page.build()
    assert page.report is not None and page.report.period.iso_week == "2026-W47"


def test_cancel_stops_the_worker(page: ReportsPage, qtbot: Any) -> None:
    page.synchronous = False
    gate = threading.Event()  # holds the long lane so that the cancel comes first
    page.context.operations.submit(lambda _job: gate.wait(10), long=True, synchronous=False)
    page.build()
    operation = page.operation
    assert operation is not None
    page.cancel()
    with qtbot.waitSignal(operation.cancelled, timeout=5000):
        gate.set()
    assert page.status.text() == "The report was cancelled."
    assert page.report is None and page.build_button.isEnabled()


def test_built_off_the_ui_thread_with_progress(page: ReportsPage, qtbot: Any) -> None:
    page.synchronous = False
    page.set_week(date(2026, 11, 18))
    seen: list[int] = []
    page.build()
    assert page.operation is not None
    page.operation.progressed.connect(lambda pct, _m: seen.append(pct))
    qtbot.waitUntil(lambda: page.report is not None, timeout=15000)
    assert page.wait()
    assert page.report is not None and page.report.totals.line_days_out == 22
    assert page.progress_dialog is None and page.operation is None


def test_exports_are_written_off_the_ui_thread(
    page: ReportsPage, qtbot: Any, tmp_path: Path
) -> None:
    page.set_week(date(2026, 11, 18))
    page.build()
    page.synchronous = False
    assert page.export_to("xlsx", tmp_path / "w.xlsx") is None  # queued in the pool
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved"), timeout=15000)
    assert page.wait()
    assert load_workbook(tmp_path / "w.xlsx")["Productions"].max_row == 4
    page.export_to("pdf", tmp_path / "nowhere" / "w.pdf")
    qtbot.waitUntil(lambda: "does not exist" in page.status.text(), timeout=15000)
    assert page.status.property("error") is True


def test_staff_see_revenue_tabs_sorted_by_amount(catalog_db: Database, qtbot: Any) -> None:
    from gearroom.services import invoicing, quotes
    from gearroom.services.actor import Role
    from tests.unit.services._money import add_client, book, job, priced_house

    admin = Actor("boss")
    with catalog_db.write() as s:
        h = priced_house(s, admin)
        add_client(s, admin, "Northlight", discount="10")
        for name, item, first in (("Night Train", h.cam, 0), ("Blue Hour", h.case, 5)):
            job(s, admin, name, client="Northlight", first=first, last=first + 3)
            book(s, admin, name, item)
            quotes.accept_quote(s, admin, quotes.build_quote(s, admin, name).number)
            number = invoicing.draft_invoice(s, admin, name).number
            invoicing.issue_invoice(s, admin, number, today=date(2026, 11, 17))
    shown = {}
    for role in (Role.STAFF, Role.ASSISTANT):
        context = AppContext(catalog_db, Settings(), Actor("someone", role))
        page = ReportsPage(context)
        page.synchronous = True
        qtbot.addWidget(page)
        page.set_week(date(2026, 11, 18))
        page.build()
        shown[role] = page
    tables = shown[Role.STAFF].section_tables()
    model = tables["revenue_productions"].model()
    # camera min(1600, 1200) − 10 % = 1080.00; lens case min(360, 270) − 10 % = 243.00
    assert [model.index(r, 8).data() for r in range(model.rowCount())] == [
        "€1,080.00",
        "€243.00",
        "€1,323.00",
    ]
    tables["revenue_productions"].sortByColumn(8, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 8).data() == "€243.00"  # by minor units, not by text
    tab_titles = [shown[Role.STAFF].tabs.tabText(i) for i in range(shown[Role.STAFF].tabs.count())]
    assert "Revenue by client (2)" in tab_titles
    assert shown[Role.STAFF].status.text().endswith("revenue €1,323.00.")
    assert "revenue" not in shown[Role.ASSISTANT].status.text()
    assert not [k for k in shown[Role.ASSISTANT].section_tables() if k.startswith("revenue")]
    SHOTS.mkdir(parents=True, exist_ok=True)
    staff_page = shown[Role.STAFF]
    staff_page.resize(1280, 600)
    staff_page.tabs.setCurrentIndex(tab_titles.index("Revenue by production (3)"))
    staff_page.show()
    qtbot.waitExposed(staff_page)
    staff_page.grab().save(str(SHOTS / "reports-revenue.png"))
