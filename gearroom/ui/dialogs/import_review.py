"""The import wizard's last two steps: the preview of a dry run and the result of the import.

Both run their work through the wizard (:meth:`ImportWizard.run_job
<gearroom.ui.dialogs.import_wizard.ImportWizard.run_job>`), that is through the operation door.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from gearroom.errors import GearroomError
from gearroom.services.importer import (
    ImportCancelled,
    ImportRefused,
    ImportReport,
)
from gearroom.ui.dialogs.base import BANNER_STYLE
from gearroom.ui.operations import Operation

if TYPE_CHECKING:
    from gearroom.ui.dialogs.import_wizard import ImportWizard

NOT_IMPORTED = "— not imported —"
GUESS = "— guess from the column names —"
ACTION_TEXT = {
    "create": "New",
    "update": "Update",
    "unchanged": "No change",
    "error": "Problem",
}
ERROR_BACKGROUND = QColor("#fdecea")
UPDATE_BACKGROUND = QColor("#e8f0fe")
SAMPLE_ROWS = 3
HINT_STYLE = "color: #5f6368;"


def banner_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorBanner")
    label.setWordWrap(True)
    label.setStyleSheet(BANNER_STYLE)
    label.hide()
    return label


def show_banner(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class PreviewPage(QWizardPage):
    """The dry run: what would be created or updated, and every row's problems."""

    finished = Signal()

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Check before importing")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.report: ImportReport | None = None
        self.job: Operation[ImportReport] | None = None
        self.banner = banner_label()
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel = QPushButton("Stop")
        self.only_problems = QCheckBox("Show only rows with problems")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("previewTable")
        self.table.setHorizontalHeaderLabels(["Line", "Result", "Tag", "Name", "Problems"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel)
        self.running = QWidget()
        self.running.setLayout(running)
        running.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        layout.addWidget(self.running)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)

        self.cancel.clicked.connect(self._cancel)
        self.only_problems.toggled.connect(self._filter)

    def initializePage(self) -> None:
        self.report = None
        self.table.setRowCount(0)
        self.setSubTitle(
            "Nothing has been written yet. Rows are numbered as lines of the file; "
            "an import is all or nothing, so every problem must be fixed first."
        )
        show_banner(self.banner, "")
        self.summary.setText("Trying every row…")
        self.only_problems.setChecked(False)
        self.only_problems.hide()
        self.running.show()
        self.progress.setRange(0, max(1, len(self.owner.table.rows) if self.owner.table else 1))
        self.progress.setValue(0)
        self.job = None
        job = self.owner.run_job(False, self._progress, self._done, self._failed)
        self.job = None if job.done else job

    def cleanupPage(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().cleanupPage()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, error: GearroomError) -> None:
        self.job = None
        self.running.hide()
        self.summary.setText("The dry run did not finish.")
        if isinstance(error, ImportCancelled):
            show_banner(self.banner, "Stopped. Go back and start again when you are ready.")
        else:
            show_banner(self.banner, str(error))
        self.completeChanged.emit()
        self.finished.emit()

    def _done(self, report: ImportReport) -> None:
        self.job = None
        self.report = report
        self.running.hide()
        self.summary.setText(report.summary())
        self._fill(report)
        if report.ok:
            show_banner(self.banner, "")
        else:
            rows = len({p.line for p in report.problems})
            show_banner(
                self.banner,
                f"{rows} row(s) have problems, listed below. Fix them in the file (or the "
                "column mapping and options) and try again; nothing is imported until every "
                "row can be.",
            )
            self.only_problems.show()
        self.completeChanged.emit()
        self.finished.emit()

    def _fill(self, report: ImportReport) -> None:
        self.table.setRowCount(len(report.rows))
        self.table.setColumnHidden(4, report.ok)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(
            3,
            QHeaderView.ResizeMode.Stretch
            if report.ok
            else QHeaderView.ResizeMode.ResizeToContents,
        )
        for index, row in enumerate(report.rows):
            problems = "\n".join(
                (f"{p.column}: " if p.column else "") + p.message for p in row.problems
            )
            cells = [str(row.line), ACTION_TEXT.get(row.action, row.action), row.tag, row.name]
            cells.append(problems)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text[:500])
                if column == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.action == "error":
                    item.setBackground(QBrush(ERROR_BACKGROUND))
                elif row.action == "update":
                    item.setBackground(QBrush(UPDATE_BACKGROUND))
                if text:
                    item.setToolTip(text[:2000])
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()

    def _filter(self, only: bool) -> None:
        if self.report is None:
            return
        for index, row in enumerate(self.report.rows):
            self.table.setRowHidden(index, only and row.action != "error")

    def problem_rows(self) -> list[tuple[int, str]]:
        """(line, problems) of the rows shown with problems, for tests and screen readers."""
        out = []
        for index in range(self.table.rowCount()):
            line, problems = self.table.item(index, 0), self.table.item(index, 4)
            if line is not None and problems is not None and problems.text():
                out.append((int(line.text()), problems.text()))
        return out

    def isComplete(self) -> bool:
        return self.report is not None and self.report.ok and bool(self.report.rows)


class ResultPage(QWizardPage):
    """The commit, in one transaction."""

    finished = Signal()

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Importing")
        self.report: ImportReport | None = None
        self.error: GearroomError | None = None
        self.message = QLabel()
        self.message.setObjectName("resultMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.done = False

    def initializePage(self) -> None:
        self.done = False
        self.setSubTitle("All rows are written in one go; if anything fails, nothing is.")
        self.message.setText("Writing…")
        self.progress.show()
        self.owner.run_job(True, self._progress, self._done, self._failed)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, report: ImportReport) -> None:
        self.report = report
        self.done = True
        self.progress.hide()
        self.setTitle("Imported")
        self.message.setText(report.summary() + ".\n\nEach item's history starts with this import.")
        self.completeChanged.emit()
        self.finished.emit()

    def _failed(self, error: GearroomError) -> None:
        self.error = error
        self.done = True
        self.progress.hide()
        self.setTitle("Nothing was imported")
        text = str(error)
        if isinstance(error, ImportRefused):
            text += "\n\n" + "\n".join(p.describe() for p in error.report.problems[:20])
        self.message.setText(text)
        self.completeChanged.emit()
        self.finished.emit()

    def isComplete(self) -> bool:
        return self.done


__all__ = ["PreviewPage", "ResultPage"]
