"""Productions: the list (past, current, upcoming), each one's days and gear, the week's
availability chart, and the production sheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.render.sheets import write_production_sheet
from gearroom.services import model_bookings, productions, reservations, timeline
from gearroom.services.production_sheet import production_sheet_data
from gearroom.services.productions import ProductionSummary, ProductionView
from gearroom.services.timeline import Timeline
from gearroom.text import format_day
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.production import ProductionDialog
from gearroom.ui.dialogs.reservation import ReservationDialog
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.production_booked import BOOKED_COLUMNS, BookedRow, booked_rows
from gearroom.ui.pages.production_lifecycle import LifecycleActions
from gearroom.ui.widgets.availability_timeline import AvailabilityTimeline
from gearroom.ui.widgets.desk_common import default_page_size, section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EMPTY_PRODUCTIONS, EmptyState, NextStep
from gearroom.ui.widgets.money_tabs import MoneyTabs

FILTERS = ("Current and upcoming", "Current", "Upcoming", "Past", "All")
#: The chart shows this week and the next.
CHART_DAYS = 14


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _name(p: ProductionSummary) -> str:
    return f"{p.name} (cancelled)" if p.cancelled else p.name


LIST_COLUMNS: tuple[RecordColumn[ProductionSummary], ...] = (
    RecordColumn("Tag", lambda p: p.tag, 76),
    RecordColumn("Name", _name, 170, stretch=True),
    RecordColumn("Client", lambda p: p.client, 120),
    RecordColumn("From", lambda p: _d(p.window_start), 82),
    RecordColumn("To", lambda p: _d(p.window_end), 82),
)
RESERVED_COLUMNS = BOOKED_COLUMNS


def keep(summary: ProductionSummary, which: str, today: date) -> bool:
    start, end = summary.window_start, summary.window_end
    if which == "All":
        return True
    if start is None or end is None:
        return which in ("Current and upcoming", "Upcoming")
    if which == "Past":
        return end < today
    if which == "Current":
        return start <= today <= end
    if which == "Upcoming":
        return start > today
    return end >= today


@dataclass(frozen=True)
class _Detail:
    production: ProductionView
    booked: tuple[BookedRow, ...]
    timeline: Timeline
    #: "Cancelled on DATE: reason" for a cancelled production.
    cancelled: str | None = None

    @property
    def active(self) -> bool:
        return self.cancelled is None


class ProductionsPage(Page):
    """Productions, their days and gear; reserve, print the sheet."""

    page_id = "productions"
    title = "Productions"
    icon_name = "productions"
    shows_items = True
    item_kinds = frozenset({"production"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("productionsPage")
        self.week_start = date.today() - timedelta(days=date.today().weekday())
        self.detail: _Detail | None = None
        self.filter = QComboBox()
        self.filter.addItems(FILTERS)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.show_cancelled = QCheckBox("Show cancelled")
        self.show_cancelled.setObjectName("showCancelled")
        self.show_cancelled.setToolTip("List cancelled productions too, marked (cancelled)")
        self.show_cancelled.toggled.connect(lambda _on: self.refresh())
        self.list: DeskTable[ProductionSummary] = DeskTable(
            LIST_COLUMNS, lambda p: p.id, lambda _p: self._edit()
        )
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        self.new_button = QPushButton("New production…")
        EmptyState.over(
            self.list,
            "No productions yet",
            EMPTY_PRODUCTIONS,
            NextStep("New production…", self.new_button.click),
        )
        self.new_button.clicked.connect(self.new_production)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_production)
        self.reserve_button = QPushButton("Reserve gear…")
        self.reserve_button.clicked.connect(self.reserve_gear)
        self.print_button = QPushButton("Print production sheet…")
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.message = QLabel()
        self.message.setObjectName("productionsMessage")
        self.message.setWordWrap(True)

        self.heading = section_label("")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.reserved: DeskTable[BookedRow] = DeskTable(RESERVED_COLUMNS, lambda r: r.key)
        # Several bookings can be released at once (Shift/Ctrl-click).
        self.reserved.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.timeline = AvailabilityTimeline()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        scroll.setMinimumHeight(140)
        self.week_label = QLabel()
        prev_week = QPushButton("◀")
        prev_week.setFixedWidth(32)
        prev_week.clicked.connect(lambda: self.move_week(-1))
        next_week = QPushButton("▶")
        next_week.setFixedWidth(32)
        next_week.clicked.connect(lambda: self.move_week(1))
        this_week = QPushButton("This week")
        this_week.clicked.connect(lambda: self.move_week(0))

        left = QWidget()
        lb = QVBoxLayout(left)
        lb.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show"))
        row.addWidget(self.filter, 1)
        row.addWidget(self.show_cancelled)
        lb.addLayout(row)
        lb.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        lb.addLayout(buttons)

        right = QWidget()
        rb = QVBoxLayout(right)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.addWidget(self.heading)
        rb.addWidget(self.facts)
        actions = QHBoxLayout()
        actions.addWidget(self.reserve_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        rb.addLayout(actions)
        self.lifecycle = LifecycleActions(self)
        booking = QHBoxLayout()
        for button in self.lifecycle.buttons:
            booking.addWidget(button)
        booking.addStretch(1)
        rb.addLayout(booking)
        rb.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("productionTabs")
        gear = QWidget()
        gb = QVBoxLayout(gear)
        gb.setContentsMargins(0, 6, 0, 0)
        gb.addWidget(section_label("Reserved gear"))
        gb.addWidget(self.reserved, 2)
        week = QHBoxLayout()
        week.addWidget(section_label("Availability"))
        week.addStretch(1)
        week.addWidget(self.week_label)
        week.addWidget(prev_week)
        week.addWidget(this_week)
        week.addWidget(next_week)
        gb.addLayout(week)
        gb.addWidget(scroll, 3)
        self.tabs.addTab(gear, "Gear")
        self.money = MoneyTabs(context, self.tabs)
        rb.addWidget(self.tabs, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 820])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(splitter)
        # Data is loaded when the page is first shown (Page.activated), not at start-up.

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Read the productions through the door; the list fills when they come back."""
        every = self.show_cancelled.isChecked()
        self.context.operations.read(
            lambda s: productions.list_productions(s, include_cancelled=every),
            on_done=self._show_list,
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the productions",
        )

    def _show_list(self, rows: list[ProductionSummary]) -> None:
        current = self.current_id()
        which = self.filter.currentText()
        today = date.today()
        shown = [r for r in rows if keep(r, which, today)]
        self.list.set_records(shown)
        if current is not None and self.select_production(current):
            return
        if shown:
            self.list.selectRow(0)
        self.show_selected()

    def current_id(self) -> int | None:
        record = self.list.current_record()
        return record.id if record else None

    def select_production(self, production_id: int) -> bool:
        row = self.list.records_model.row_of(production_id)
        if row is None:
            return False
        self.list.setCurrentIndex(self.list.records_model.index(row, 0))
        self.list.selectRow(row)
        self.show_selected()
        return True

    def move_week(self, step: int) -> None:
        if step == 0:
            self.week_start = date.today() - timedelta(days=date.today().weekday())
        else:
            self.week_start += timedelta(days=7 * step)
        self.show_selected()

    def show_selected(self) -> None:
        pid = self.current_id()
        for b in (self.edit_button, self.reserve_button, self.print_button):
            b.setEnabled(pid is not None)
        self.lifecycle.set_enabled(pid is not None)
        start, end = self.week_start, self.week_start + timedelta(days=CHART_DAYS - 1)
        self.week_label.setText(f"{format_day(start, end, weekday=False)} – {end:%d %b %Y}")

        def load(s: Session) -> _Detail | Timeline:
            if pid is None:
                return timeline.timeline(s, start, end)
            view = productions.get_production_by_id(s, pid)
            booked = reservations.list_reservations(s, view.tag)
            models = model_bookings.model_lines(s, view.id)
            assets = sorted({r.item_id for r in booked if r.item_kind == "asset"})
            stock = sorted({r.item_id for r in booked if r.item_kind == "stock"})
            booked_models = sorted({ln.model_id for ln in models})
            tl = timeline.timeline(
                s, start, end, asset_ids=assets, stock_ids=stock, model_ids=booked_models
            )
            rows = tuple(booked_rows(booked, models))
            return _Detail(view, rows, tl, productions.cancellation(s, view.id))

        self.context.operations.read(
            load,
            on_done=lambda loaded: self._show_detail(pid, loaded),
            on_error=lambda exc: self.message.setText(str(exc)),
            description="Reading the production",
        )

    def _show_detail(self, pid: int | None, loaded: _Detail | Timeline) -> None:
        if pid != self.current_id():
            return  # another production was chosen meanwhile
        if isinstance(loaded, Timeline):
            self.detail = None
            self.heading.setText("Choose a production")
            self.facts.setText("")
            self.reserved.set_records([])
            self.timeline.set_timeline(loaded)
            self.money.set_production(None)
            return
        self.detail = loaded
        p = loaded.production
        self.heading.setText(f"{p.tag}  {p.name}" + ("" if loaded.active else "  (cancelled)"))
        # A cancelled production is kept for its history: nothing more is booked or moved.
        self.reserve_button.setEnabled(loaded.active)
        self.lifecycle.set_enabled(loaded.active)
        lines = [loaded.cancelled] if loaded.cancelled else []
        lines.append(f"Client: {p.client or '—'}")
        if p.contact:
            lines[-1] += f"   Contact: {p.contact} ({p.contact_badge})"
        if p.window_start:
            lines.append(f"Gear window: {_d(p.window_start)} to {_d(p.window_end)}")
        days = ", ".join(
            f"{format_day(d.day)} {d.kind.value}"
            + (f" @ {d.location}" if d.location else "")
            + (f" {d.call_time:%H:%M}" if d.call_time else "")
            for d in p.days
        )
        lines.append(f"Days: {days or 'none yet'}")
        if p.notes:
            lines.append(p.notes)
        self.facts.setText("\n".join(lines))
        self.reserved.set_records(loaded.booked)
        self.timeline.set_timeline(loaded.timeline, highlight=p.id)
        self.money.set_production(p.id)

    # ------------------------------------------------------------------ actions

    def _opened(self, dialog: ProductionDialog | ReservationDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def new_production(self) -> ProductionDialog:
        dialog = ProductionDialog(self.context, parent=self)
        dialog.saved.connect(self._saved)
        self._opened(dialog)
        return dialog

    def edit_production(self) -> ProductionDialog | None:
        if self.detail is None:
            return None
        dialog = ProductionDialog(self.context, self.detail.production, parent=self)
        dialog.saved.connect(self._saved)
        self._opened(dialog)
        return dialog

    def _edit(self) -> None:
        self.edit_production()

    def _saved(self, production_id: int) -> None:
        self.filter.setCurrentIndex(FILTERS.index("All"))
        self.refresh()
        self.select_production(production_id)

    def reserve_gear(self) -> ReservationDialog | None:
        if self.detail is None:
            return None
        dialog = ReservationDialog(self.context, self.detail.production, parent=self)
        dialog.saved.connect(lambda n: self._reserved(n))
        self._opened(dialog)
        return dialog

    def _reserved(self, count: int) -> None:
        self.message.setText(f"{count} item(s) reserved.")
        self.show_selected()

    def print_sheet(self, path: Path | None = None) -> Path | None:
        """Write the production sheet PDF (asks where when no path is given)."""
        if self.detail is None:
            return None
        production = self.detail.production
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save production sheet", f"{production.tag}.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            data = self.context.query(lambda s: production_sheet_data(s, production.id))
            written = write_production_sheet(
                data,
                path,
                house_name=self.context.settings.house_name,
                page_size=default_page_size(),
            )
        except GearroomError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText(f"Production sheet saved to {written}.")
        return written

    def show_item(self, kind: str, item_id: int) -> bool:
        """Show a production (an invoice's "open the production")."""
        if kind != "production":
            return False
        self.filter.setCurrentIndex(FILTERS.index("All"))
        self.refresh()
        return self._reveal(item_id)

    def _reveal(self, production_id: int) -> bool:
        """Select a production; a cancelled one turns "Show cancelled" on first."""
        if self.select_production(production_id):
            return True
        if self.show_cancelled.isChecked():
            return False
        self.show_cancelled.setChecked(True)  # reads the list again, cancelled ones too
        return self.select_production(production_id)

    def handle_scan(self, text: str) -> bool:
        """A production sheet's tag selects that production."""
        try:
            view = self.context.query(lambda s: productions.get_production(s, text))
        except GearroomError:
            return False
        self.filter.setCurrentIndex(FILTERS.index("All"))
        return self._reveal(view.id)
