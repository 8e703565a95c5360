"""The start page: what goes out today, what is due back, what is late, on the bench, this week.

Each row opens its item in the inventory (:attr:`DashboardPage.open_item`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import GearroomError
from gearroom.models import TagKind
from gearroom.services import dashboard, jobs, resolver
from gearroom.services.changes import ChangeKind
from gearroom.services.checkout_out import OutLine
from gearroom.services.dashboard import Dashboard, InService
from gearroom.services.jobs import JobBoard, JobItems, JobSection
from gearroom.services.reservations import ReservationView
from gearroom.text import format_day
from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EMPTY_DASHBOARD, IMPORT, NEW_ITEM, EmptyState
from gearroom.ui.widgets.job_board import JobBoardView
from gearroom.ui.widgets.overdue_invoices import OverdueInvoices

T = TypeVar("T")

RESERVATION_COLUMNS: tuple[RecordColumn[ReservationView], ...] = (
    RecordColumn("Tag", lambda r: r.tag, 80),
    RecordColumn("Item", lambda r: r.name, 170, stretch=True),
    RecordColumn("Qty", lambda r: r.quantity, 34, align_right=True),
    RecordColumn("Production", lambda r: r.production, 150),
)
WEEK_COLUMNS: tuple[RecordColumn[ReservationView], ...] = (
    RecordColumn("From", lambda r: format_day(r.start), 86),
    RecordColumn("To", lambda r: format_day(r.end), 86),
    RecordColumn("Production", lambda r: r.production, 220),
    RecordColumn("Tag", lambda r: r.tag, 80),
    RecordColumn("Item", lambda r: r.name, 170, stretch=True),
    RecordColumn("Qty", lambda r: r.quantity, 34, align_right=True),
    RecordColumn("Kit", lambda r: r.kit_tag or "", 80),
)
DUE_COLUMNS: tuple[RecordColumn[OutLine], ...] = (
    RecordColumn("Tag", lambda o: o.tag, 80),
    RecordColumn("Item", lambda o: o.name, 160, stretch=True),
    RecordColumn("Qty", lambda o: o.quantity, 34, align_right=True),
    RecordColumn("Production", lambda o: o.production, 130),
    RecordColumn("Custodian", lambda o: o.custodian, 110),
)
OVERDUE_COLUMNS: tuple[RecordColumn[OutLine], ...] = (
    *DUE_COLUMNS,
    RecordColumn("Due", lambda o: format_day(o.due_back), 92),
)
SERVICE_COLUMNS: tuple[RecordColumn[InService], ...] = (
    RecordColumn("Tag", lambda i: i.tag, 86),
    RecordColumn("Item", lambda i: i.name, 170, stretch=True),
    RecordColumn("Ticket", lambda i: f"#{i.ticket_id}" if i.ticket_id else "by hand", 60),
    RecordColumn("Note", lambda i: i.note, 160),
)


class _Section(QWidget):
    def __init__(self, title: str, table: QWidget) -> None:
        super().__init__()
        self.title = title
        self.heading = section_label(title)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.heading)
        box.addWidget(table, 1)

    def set_count(self, n: int) -> None:
        self.heading.setText(f"{self.title} ({n})")


class DashboardPage(Page):
    """The front desk at a glance."""

    page_id = "dashboard"
    title = "Dashboard"
    concerns = frozenset(ChangeKind) - {ChangeKind.OPERATOR, ChangeKind.SETTING}
    icon_name = "dashboard"

    #: (section, production tag): open the job's pick list (check-out) or its check-in.
    open_job = Signal(str, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("dashboardPage")
        self.data: Dashboard | None = None
        self.headline = QLabel()
        self.headline.setObjectName("dashboardHeadline")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.headline.setFont(font)
        self.going_out: DeskTable[ReservationView] = DeskTable(
            RESERVATION_COLUMNS, lambda r: r.id, self._open_reservation
        )
        self.due_today: DeskTable[OutLine] = DeskTable(
            DUE_COLUMNS, lambda o: o.line_id, self._open_line
        )
        self.overdue: DeskTable[OutLine] = DeskTable(
            OVERDUE_COLUMNS, lambda o: o.line_id, self._open_line
        )
        self.in_service: DeskTable[InService] = DeskTable(
            SERVICE_COLUMNS,
            lambda i: i.asset_id,
            lambda i: self.open_item.emit("asset", i.asset_id),
        )
        self.this_week: DeskTable[ReservationView] = DeskTable(
            WEEK_COLUMNS, lambda r: r.id, self._open_reservation
        )
        EmptyState.over(
            self.this_week, "Nothing booked this week", EMPTY_DASHBOARD, IMPORT, NEW_ITEM
        )
        self.sections = {
            "going_out": _Section("Going out today", self.going_out),
            "due_today": _Section("Due back today", self.due_today),
            "overdue": _Section("Overdue", self.overdue),
            "in_service": _Section("In service", self.in_service),
            "this_week": _Section("This week's reservations", self.this_week),
        }
        self.sections["overdue"].heading.setStyleSheet("color: #b3261e;")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.addWidget(self.sections["going_out"], 0, 0)
        grid.addWidget(self.sections["due_today"], 0, 1)
        grid.addWidget(self.sections["overdue"], 1, 0)
        grid.addWidget(self.sections["in_service"], 1, 1)
        grid.addWidget(self.sections["this_week"], 2, 0, 1, 2)
        for row, stretch in enumerate((2, 2, 3)):
            grid.setRowStretch(row, stretch)
        self.jobs = JobBoardView(self._read_job_items)
        self.jobs.open_job.connect(self.open_job)
        by_item = QWidget()
        by_item.setLayout(grid)
        # The jobs on top, the item tables under them (both in view: a scan lands anywhere).
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("dashboardSplit")
        self.split.addWidget(self.jobs)
        self.split.addWidget(by_item)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.addWidget(self.headline)
        layout.addWidget(section_label("Jobs"))
        layout.addWidget(self.split, 1)
        layout.addWidget(OverdueInvoices(context, self))

    def refresh(self) -> None:
        """Read the dashboard through the door; it shows when it comes back."""
        self.context.operations.read(
            dashboard.dashboard,
            on_done=self.show_dashboard,
            on_error=lambda exc: self.headline.setText(str(exc)),
            description="Reading the dashboard",
        )
        self.context.operations.read(
            jobs.job_board,
            on_done=self.show_jobs,
            on_error=lambda exc: self.headline.setText(str(exc)),
            description="Reading the jobs",
        )

    def show_jobs(self, board: JobBoard) -> None:
        self.jobs.show_board(board)

    def _read_job_items(
        self,
        tag: str,
        section: JobSection,
        done: Callable[[JobItems], object],
        failed: Callable[[GearroomError], object],
    ) -> None:
        self.context.operations.read(
            lambda s: jobs.job_items(s, tag, section),
            on_done=done,
            on_error=failed,
            description="Reading the job's items",
        )

    def show_dashboard(self, data: Dashboard) -> None:
        self.data = data
        self.going_out.set_records(data.going_out_today)
        self.due_today.set_records(data.due_back_today)
        self.overdue.set_records(data.overdue)
        self.in_service.set_records(data.in_service)
        self.this_week.set_records(data.this_week)
        counts = {
            "going_out": len(data.going_out_today),
            "due_today": len(data.due_back_today),
            "overdue": len(data.overdue),
            "in_service": len(data.in_service),
            "this_week": len(data.this_week),
        }
        for key, n in counts.items():
            self.sections[key].set_count(n)
        self.headline.setText(
            f"{data.today:%A %d %B %Y} — {counts['going_out']} going out, "
            f"{counts['due_today']} due back, {counts['overdue']} overdue"
        )

    def _open_reservation(self, r: ReservationView) -> None:
        self.open_item.emit(r.item_kind, r.item_id)

    def _open_service(self, i: InService) -> None:
        self.open_item.emit("asset", i.asset_id)

    def _open_line(self, o: OutLine) -> None:
        self.open_item.emit(o.item_kind, o.item_id)

    def handle_scan(self, text: str) -> bool:
        """A scanned item, kit or stock tag opens in the inventory."""
        try:
            found = self.context.query(lambda s: resolver.resolve(s, text))
        except GearroomError:
            return False
        kinds = {TagKind.ASSET: "asset", TagKind.STOCK: "stock", TagKind.KIT: "kit"}
        if found.kind not in kinds:
            return False
        self.open_item.emit(kinds[found.kind], found.id)
        return True
