"""The Reports page: pick a week or a range, build the kit report off the UI thread, export it.

The page holds no session: the report is built through the operation door (its own session, off
the UI thread, with a cancellable progress dialog) and comes back as an immutable
:class:`~gearroom.services.report.KitReport`, which the page shows as tables (the same sections
the exports write) and a utilisation chart per category.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.config import system_timezone
from gearroom.errors import GearroomError
from gearroom.render.reports import write_pdf
from gearroom.services.actor import Permission
from gearroom.services.amounts import to_minor
from gearroom.services.report import (
    DEFAULT_IDLE_WEEKS,
    KitReport,
    Period,
    ReportCancelled,
    build_report,
    house_timezone,
    last_full_week,
    range_period,
    today_in,
    week_of,
)
from gearroom.services.report_export import (
    Cell,
    Money,
    Section,
    cell_text,
    report_sections,
    write_csv,
    write_xlsx,
)
from gearroom.ui.context import AppContext
from gearroom.ui.operations import Job, Operation
from gearroom.ui.pages.base import Page
from gearroom.ui.reports.chart import utilisation_chart
from gearroom.ui.widgets.empty_state import IMPORT, EmptyState, NextStep

PeriodChoice = Callable[[Session], Period]

MODES = ("Last week", "This week", "Week of…", "Date range…")
EXPORTS = {"xlsx": "Excel workbook (*.xlsx)", "pdf": "PDF (*.pdf)", "csv": "Zipped CSV (*.zip)"}
NO_REPORT = (
    "Choose a period above and build the kit report: what went out and to whom, what came "
    "back damaged, what is missing or overdue, and how busy each category was."
)
NO_GEAR = (
    "The report counts gear going out and coming back, and there is no gear yet. Bring your "
    "gear in on the Inventory page (or import a spreadsheet), then check it out."
)


class SectionModel(QAbstractTableModel):
    """One report section as a read-only table; sorts on the cell values, not their text."""

    def __init__(self, section: Section, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.section = section

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.section.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.section.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.section.columns[section].title
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        value: Cell = self.section.rows[index.row()][index.column()]
        column = self.section.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, float) and column.kind == "text":
                return cell_text(value, "percent")
            return cell_text(value, column.kind)
        if role == Qt.ItemDataRole.UserRole:
            if isinstance(value, Money):  # sorts on the exact minor units, never a float
                return to_minor(value.amount, value.currency)
            return value if isinstance(value, int | float) else cell_text(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float | Money):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def report_work(choose: PeriodChoice, idle_weeks: int) -> Callable[[Job], KitReport]:
    """The work of building a report through the door: its own session, progress, cancel."""

    def work(job: Job) -> KitReport:
        with job.read() as session:
            return build_report(
                session,
                choose(session),
                idle_weeks=idle_weeks,
                tz=house_timezone(session, system_timezone()),
                progress=job.progress,
                cancelled=lambda: job.cancelled,
                viewer=job.actor,
            )

    return work


class ReportsPage(Page):
    """The weekly kit report on screen, with XLSX, PDF and CSV export."""

    page_id = "reports"
    title = "Reports"
    permission = Permission.REPORTS
    icon_name = "reports"
    #: True builds and exports in the calling thread, False in a pool thread with progress,
    #: None as the door does (``Operations.synchronous``).
    synchronous: bool | None = None

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("reportsPage")
        self.report: KitReport | None = None
        #: The report being built, if one is.
        self.operation: Operation[KitReport] | None = None
        self._exports: list[Operation[Path]] = []

        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.setObjectName("reportMode")
        today = QDate.currentDate()
        self.week_date = QDateEdit(today.addDays(-7))
        self.week_date.setCalendarPopup(True)
        self.week_date.setDisplayFormat("yyyy-MM-dd")
        self.week_label = QLabel()
        self.from_date = QDateEdit(today.addDays(-today.dayOfWeek() - 6))
        self.to_date = QDateEdit(today.addDays(-today.dayOfWeek()))
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.idle_weeks = QSpinBox()
        self.idle_weeks.setRange(1, 520)
        self.idle_weeks.setValue(DEFAULT_IDLE_WEEKS)
        self.idle_weeks.setSuffix(" weeks")
        self.idle_weeks.setToolTip("An item is idle when it was not out for this many weeks.")
        self.build_button = QPushButton("Build report")
        self.build_button.setDefault(True)
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("US Letter", "letter")
        self.export_buttons = {
            "xlsx": QPushButton("Export XLSX…"),
            "pdf": QPushButton("Export PDF…"),
            "csv": QPushButton("Export CSV…"),
        }

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Period"))
        controls.addWidget(self.mode)
        controls.addWidget(self.week_date)
        controls.addWidget(self.week_label)
        self.range_box = QWidget()
        range_layout = QHBoxLayout(self.range_box)
        range_layout.setContentsMargins(0, 0, 0, 0)
        range_layout.addWidget(QLabel("from"))
        range_layout.addWidget(self.from_date)
        range_layout.addWidget(QLabel("to"))
        range_layout.addWidget(self.to_date)
        controls.addWidget(self.range_box)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Idle after"))
        controls.addWidget(self.idle_weeks)
        controls.addWidget(self.build_button)
        controls.addStretch(1)
        controls.addWidget(self.paper)
        for button in self.export_buttons.values():
            button.setEnabled(False)
            controls.addWidget(button)

        self.status = QLabel("Choose a period and build the report.")
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.chart_view: QChartView | None = None
        self.empty = EmptyState.over(
            self.tabs,
            "No report yet",
            NO_REPORT,
            NextStep("Build report", self.build, name="build_report"),
            self.step_to("inventory", "Go to Inventory"),
            IMPORT,
            when=self._nothing_to_show,
        )
        self._say_empty()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.week_date.dateChanged.connect(self._mode_changed)
        self.build_button.clicked.connect(self.build)
        for fmt, button in self.export_buttons.items():
            button.clicked.connect(lambda _=False, fmt=fmt: self.ask_export(fmt))
        self._mode_changed()

    # ---- period

    def _mode_changed(self) -> None:
        mode = self.mode.currentIndex()
        self.week_date.setVisible(mode == 2)
        self.week_label.setVisible(mode == 2)
        self.range_box.setVisible(mode == 3)
        if mode == 2:
            self.week_label.setText(week_of(_py_date(self.week_date.date())).label)

    def set_week(self, day: date) -> None:
        """Choose the ISO week holding ``day``."""
        self.mode.setCurrentIndex(2)
        self.week_date.setDate(QDate(day.year, day.month, day.day))

    def set_range(self, start: date, end: date) -> None:
        self.mode.setCurrentIndex(3)
        self.from_date.setDate(QDate(start.year, start.month, start.day))
        self.to_date.setDate(QDate(end.year, end.month, end.day))

    def period_choice(self) -> PeriodChoice:
        """How the worker picks the period (this/last week need the house's time zone)."""
        mode = self.mode.currentIndex()
        if mode == 0:
            return lambda s: last_full_week(today_in(house_timezone(s, system_timezone())))
        if mode == 1:
            return lambda s: week_of(today_in(house_timezone(s, system_timezone())))
        if mode == 2:
            day = _py_date(self.week_date.date())
            return lambda _s: week_of(day)
        start = _py_date(self.from_date.date())
        end = _py_date(self.to_date.date())
        period = range_period(start, end)  # refuse a reversed range before any work
        return lambda _s: period

    # ---- building

    def build(self) -> None:
        if self.operation is not None:
            return
        try:
            choose = self.period_choice()
        except GearroomError as exc:
            self.show_status(str(exc), error=True)
            return
        self.build_button.setEnabled(False)
        self.show_status("Building the report…")
        operation = self.context.operations.submit(
            report_work(choose, self.idle_weeks.value()),
            description="Building the kit report",
            on_done=self._finished,
            on_error=self._failed,
            on_cancel=self._cancelled,
            long=True,
            progress="Building the kit report…",
            parent=self,
            synchronous=self.synchronous,
            cancelled_by=(ReportCancelled,),
        )
        self.operation = None if operation.done else operation

    @property
    def progress_dialog(self) -> QWidget | None:
        """The progress dialog of the report being built (None when none is)."""
        return self.operation.progress_dialog if self.operation is not None else None

    def cancel(self) -> None:
        """Stop the report being built (the progress dialog's Cancel)."""
        if self.operation is not None:
            self.operation.cancel()

    def _done(self) -> None:
        self.operation = None
        self.build_button.setEnabled(True)

    def _finished(self, report: KitReport) -> None:
        self._done()
        self.show_report(report)

    def _failed(self, error: GearroomError) -> None:
        self._done()
        self.show_status(str(error), error=True)

    def _cancelled(self) -> None:
        self._done()
        self.show_status("The report was cancelled.")

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the operations of this page to run (tests, closing the window)."""
        return self.context.operations.wait(msecs)

    # ---- showing

    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b3261e;" if error else "")

    def _nothing_to_show(self) -> bool:
        """No report built yet, or one of a house without gear."""
        return self.report is None or not self.report.items

    def _say_empty(self) -> None:
        """The empty state's message and buttons for what there is (no report, no gear)."""
        built = self.report is not None
        if built:
            self.empty.say("No gear to report on", NO_GEAR)
        for button in self.empty.buttons:
            own = button.objectName() == "emptyState_build_report"
            button.setVisible(own != built)
        self.empty.update_visibility()

    def show_report(self, report: KitReport) -> None:
        self.report = report
        t = report.totals
        self.show_status(
            f"{report.period.label} ({report.timezone}): {t.items_out} items out for "
            f"{t.productions} productions, {t.line_days_out} days out, {t.returned} returns "
            f"({t.damaged_returns} damaged), {t.missing_at_end} missing, {t.overdue_at_end} "
            f"overdue, utilisation {t.utilisation * 100:.1f}%"
            + "".join(
                f", revenue {cell_text(Money(f.revenue, f.currency))}"
                for f in (report.revenue.totals if report.revenue is not None else ())
            )
            + "."
        )
        current = self.tabs.currentIndex()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        sections = report_sections(report, self.context.settings.house_name)
        summary = QSplitter()
        summary.addWidget(self._table(sections[0]))
        self.chart_view = QChartView(utilisation_chart(report.categories))
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumWidth(320)
        summary.addWidget(self.chart_view)
        summary.setSizes([420, 860])
        self.tabs.addTab(summary, "Summary")
        for section in sections[1:]:
            title = section.title.replace("&", "&&")  # not a keyboard mnemonic
            self.tabs.addTab(self._table(section), f"{title} ({len(section.rows)})")
        self.tabs.setCurrentIndex(max(current, 0))
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self._say_empty()

    def _table(self, section: Section) -> QTableView:
        view = QTableView()
        view.setObjectName(f"section_{section.key}")
        model = SectionModel(section, view)
        proxy = QSortFilterProxyModel(view)
        proxy.setSourceModel(model)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        view.setModel(proxy)
        # Keep the report's order until a header is clicked (Qt would sort descending).
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(section.key not in ("summary", "productions"))
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        view.resizeColumnsToContents()
        if section.note:
            view.setToolTip(section.note)
        return view

    def section_tables(self) -> dict[str, QTableView]:
        """The table of each section shown, by key (tests, keyboard navigation)."""
        return {
            view.objectName().removeprefix("section_"): view
            for view in self.findChildren(QTableView)
        }

    # ---- exporting

    def default_file_name(self, fmt: str) -> str:
        assert self.report is not None
        suffix = "zip" if fmt == "csv" else fmt
        return f"kit-report-{self.report.period.slug}.{suffix}"

    def ask_export(self, fmt: str) -> None:
        if self.report is None:
            return
        start = Path.home() / self.default_file_name(fmt)
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the kit report", str(start), EXPORTS[fmt]
        )
        if name:
            self.export_to(fmt, Path(name))

    def export_to(self, fmt: str, path: Path) -> Path | None:
        """Write the report shown as ``fmt`` (xlsx, pdf or csv) to ``path``.

        In the app the file is written through the door, off the UI thread (a large house's
        XLSX takes seconds), and None is returned; the status line says when it is saved.
        """
        report = self.report
        if report is None:
            return None
        house = self.context.settings.house_name
        paper = str(self.paper.currentData())

        def export() -> Path:
            if fmt == "xlsx":
                return write_xlsx(report, path, house_name=house)
            if fmt == "pdf":
                return write_pdf(report, path, house_name=house, page_size=paper)
            return write_csv(report, path, house_name=house)

        self.show_status(f"Saving {path}…")
        operation = self.context.operations.submit(
            lambda _job: export(),
            description="Saving the report",
            on_done=self._exported,
            on_error=self._export_failed,
            long=True,
            synchronous=self.synchronous,
        )
        if not operation.done:
            self._exports.append(operation)
            return None
        return operation.result

    def _exported(self, written: Path) -> None:
        self._exports = [op for op in self._exports if not op.done]
        self.show_status(f"Saved {written}.")

    def _export_failed(self, error: GearroomError) -> None:
        self._exports = [op for op in self._exports if not op.done]
        self.show_status(str(error), error=True)


def _py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
