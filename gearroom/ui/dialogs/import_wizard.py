"""The import wizard: file → column mapping → preview (a dry run, every row's problems) → import.

The main window opens it with :func:`open_import_wizard`. The work is the importer service's
(:mod:`gearroom.services.importer`): the wizard reads the file, lets the person map columns to
fields (starting from a preset, a guess or the mapping confirmed last time for the same source),
runs a dry run in a pool thread and shows its report; "Import" commits all rows or none.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.services import import_files, importer
from gearroom.services.actor import Actor
from gearroom.services.import_files import ImportKind, SourceTable
from gearroom.services.importer import (
    IGNORE,
    ImportCancelled,
    ImportOptions,
    ImportRefused,
    ImportReport,
    MappingStore,
    Preset,
)
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import BANNER_STYLE
from gearroom.ui.widgets.import_choices import ImportChoices

FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.zip);;All files (*)"
NOT_IMPORTED = "— not imported —"
GUESS = "— guess from the column names —"
CHANGED = {
    ImportKind.ASSETS: "asset",
    ImportKind.STOCK: "stock",
    ImportKind.PEOPLE: "person",
    ImportKind.KITS: "kit",
}
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


def _banner() -> QLabel:
    label = QLabel()
    label.setObjectName("errorBanner")
    label.setWordWrap(True)
    label.setStyleSheet(BANNER_STYLE)
    label.hide()
    return label


def _show_banner(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


# --------------------------------------------------------------------------- background work


class JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class ImportJob(QRunnable):
    """A dry run (a read session, always rolled back) or the commit (one write transaction)."""

    def __init__(
        self,
        context: AppContext,
        table: SourceTable,
        kind: ImportKind,
        mapping: dict[str, str],
        options: ImportOptions,
        commit: bool,
    ) -> None:
        super().__init__()
        self.context = context
        self.table = table
        self.kind = kind
        self.mapping = mapping
        self.options = options
        self.commit = commit
        self.signals = JobSignals()
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self._cancel

    def run(self) -> None:
        try:
            if self.commit:

                def commit(session: Session, actor: Actor) -> ImportReport:
                    return importer.run_import(
                        session,
                        actor,
                        self.table,
                        self.kind,
                        self.mapping,
                        self.options,
                        commit=True,
                        progress=self._progress,
                    )

                report = self.context.perform(commit, CHANGED[self.kind])
            else:

                def dry_run(session: Session) -> ImportReport:
                    return importer.run_import(
                        session,
                        self.context.actor,
                        self.table,
                        self.kind,
                        self.mapping,
                        self.options,
                        progress=self._progress,
                    )

                report = self.context.query(dry_run)
        except GearroomError as exc:
            self.signals.failed.emit(exc)
        except Exception as exc:  # a bug must not take the app down with it
            self.signals.failed.emit(GearroomError(f"The import stopped unexpectedly: {exc}"))
        else:
            self.signals.finished.emit(report)


# --------------------------------------------------------------------------- pages


class FilePage(QWizardPage):
    """What to import and from which file."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Choose a file")
        self.setSubTitle(
            "CSV (comma, semicolon or tab separated, any common encoding) or an Excel workbook "
            "(.xlsx), for example an export from Snipe-IT, CHEQROOM or your own spreadsheet."
        )
        self.kind = QComboBox()
        self.kind.setObjectName("importKind")
        for kind in ImportKind:
            self.kind.addItem(kind.label, kind.value)
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText("Path of a .csv or .xlsx file")
        self.browse = QPushButton("Browse…")
        self.preset = QComboBox()
        self.preset.setObjectName("importPreset")
        self.preset_help = QLabel()
        self.preset_help.setWordWrap(True)
        self.preset_help.setStyleSheet(HINT_STYLE)
        self.banner = _banner()

        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        preset_box = QVBoxLayout()
        preset_box.setSpacing(4)
        preset_box.addWidget(self.preset)
        preset_box.addWidget(self.preset_help)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        form.addRow("What to import", self.kind)
        form.addRow("File", file_row)
        form.addRow("Column names from", preset_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addStretch(1)

        self.kind.currentIndexChanged.connect(self._fill_presets)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.path.textChanged.connect(self.completeChanged)
        self.browse.clicked.connect(self._browse)
        self._fill_presets()

    def selected_kind(self) -> ImportKind:
        return ImportKind(str(self.kind.currentData()))

    def selected_preset(self) -> Preset | None:
        name = str(self.preset.currentData() or "")
        return importer.get_preset(name, self.selected_kind()) if name else None

    def _fill_presets(self) -> None:
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItem(GUESS, "")
        for preset in importer.list_presets(self.selected_kind()):
            self.preset.addItem(preset.title, preset.name)
        self.preset.blockSignals(False)
        self._preset_changed()

    def _preset_changed(self) -> None:
        preset = self.selected_preset()
        self.preset_help.setText(
            preset.description
            if preset
            else "Columns named like Gearroom's fields (Tag, Name, Serial number…) are matched."
        )

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import from", self.path.text(), FILE_FILTER)
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        try:
            self.owner.load(
                Path(self.path.text().strip()), self.selected_kind(), self.selected_preset()
            )
        except GearroomError as exc:
            _show_banner(self.banner, str(exc))
            return False
        _show_banner(self.banner, "")
        return True


class MappingPage(QWizardPage):
    """Which column fills which field, and the import's options."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Match the columns")
        self.banner = _banner()
        self.source = QLabel()
        self.source.setObjectName("sourceInfo")
        self.source.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mappingTable")
        self.table.setHorizontalHeaderLabels(["Column in the file", "First values", "Field"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.update_existing = QCheckBox("Update items whose tag exists already (else reported)")
        self.create_categories = QCheckBox("Create missing categories (tag prefix from the name)")
        self.date_order = QComboBox()
        self.date_order.addItem("MM/DD/YYYY (US)", "mdy")
        self.date_order.addItem("DD/MM/YYYY", "dmy")
        self.combos: dict[str, QComboBox] = {}

        options = QGroupBox("Options")
        options_form = QFormLayout(options)
        options_form.addRow(self.update_existing)
        options_form.addRow(self.create_categories)
        options_form.addRow("Dates like 03/04/2024 are", self.date_order)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.source)
        layout.addWidget(self.table, 1)
        self.choices = ImportChoices()  # the file's statuses and custody
        layout.addWidget(self.choices)
        layout.addWidget(options)

    def initializePage(self) -> None:
        table = self.owner.table
        assert table is not None
        kind = self.owner.kind
        self.setSubTitle(
            f"Choose the Gearroom field each column of the file fills ({kind.label.lower()}). "
            "Columns left as “not imported” are skipped. What you choose is remembered for "
            "files with the same columns."
        )
        self.source.setText(table.describe())
        keys = self.owner.attribute_keys if kind is ImportKind.ASSETS else []
        mapping = importer.initial_mapping(
            kind, table, preset=self.owner.preset, store=self.owner.store, attribute_keys=keys
        )
        self.create_categories.setEnabled(kind in (ImportKind.ASSETS, ImportKind.STOCK))
        self.create_categories.setChecked(False)
        preset = self.owner.preset
        self.date_order.setCurrentIndex(
            self.date_order.findData(preset.date_order if preset else "mdy")
        )
        self.table.setRowCount(len(table.headers))
        self.combos.clear()
        for row, header in enumerate(table.headers):
            name = QTableWidgetItem(header)
            bold = QFont(name.font())
            bold.setBold(True)
            name.setFont(bold)
            self.table.setItem(row, 0, name)
            samples = [
                r.cells[row].replace("\r", " ").replace("\n", " ⏎ ").strip()
                for r in table.rows[:10]
                if row < len(r.cells) and r.cells[row].strip()
            ][:SAMPLE_ROWS]
            sample = QTableWidgetItem(" · ".join(s[:40] for s in samples))
            sample.setForeground(QBrush(QColor("#5f6368")))
            sample.setToolTip("\n".join(samples))
            self.table.setItem(row, 1, sample)
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, IGNORE)
            for spec in importer.fields_for(kind):
                combo.addItem(spec.label + (" *" if spec.required else ""), spec.key)
            for key in keys:
                target = f"{importer.ATTRIBUTE_PREFIX}{key}"
                combo.addItem(importer.field_label(kind, target), target)
            wanted = mapping.get(header, IGNORE)
            if combo.findData(wanted) < 0:
                combo.addItem(wanted, wanted)
            combo.setCurrentIndex(combo.findData(wanted))
            combo.currentIndexChanged.connect(lambda _i, h=header: self._changed(h))
            self.table.setCellWidget(row, 2, combo)
            self.combos[header] = combo
        self.choices.load(table, self.mapping(), preset)
        _show_banner(self.banner, "")

    def _changed(self, header: str) -> None:
        """A field goes to one column only: choosing it elsewhere frees it here."""
        target = str(self.combos[header].currentData() or "")
        assert self.owner.table is not None
        self.choices.load(self.owner.table, self.mapping(), self.owner.preset)
        if not target:
            return
        for other, combo in self.combos.items():
            if other != header and combo.currentData() == target:
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        return {h: str(c.currentData() or "") for h, c in self.combos.items()}

    def set_field(self, header: str, target: str) -> None:
        combo = self.combos[header]
        combo.setCurrentIndex(combo.findData(target))

    def options(self) -> ImportOptions:
        return ImportOptions(
            update_existing=self.update_existing.isChecked(),
            create_categories=self.create_categories.isChecked()
            and self.create_categories.isEnabled(),
            date_order=str(self.date_order.currentData()),
            status_map=self.choices.status_map(),
            custody=self.choices.custody(),
        )

    def validatePage(self) -> bool:
        try:
            importer.check_mapping(self.owner.kind, self.mapping(), self.owner.attribute_keys)
        except GearroomError as exc:
            _show_banner(self.banner, str(exc))
            return False
        _show_banner(self.banner, "")
        self.owner.remember(self.mapping())
        return True


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
        self.job: ImportJob | None = None
        self.banner = _banner()
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
        _show_banner(self.banner, "")
        self.summary.setText("Trying every row…")
        self.only_problems.setChecked(False)
        self.only_problems.hide()
        self.running.show()
        self.progress.setRange(0, max(1, len(self.owner.table.rows) if self.owner.table else 1))
        self.progress.setValue(0)
        self.job = self.owner.start_job(commit=False)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.owner.run(self.job)

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
            _show_banner(self.banner, "Stopped. Go back and start again when you are ready.")
        else:
            _show_banner(self.banner, str(error))
        self.completeChanged.emit()
        self.finished.emit()

    def _done(self, report: ImportReport) -> None:
        self.job = None
        self.report = report
        self.running.hide()
        self.summary.setText(report.summary())
        self._fill(report)
        if report.ok:
            _show_banner(self.banner, "")
        else:
            rows = len({p.line for p in report.problems})
            _show_banner(
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
        job = self.owner.start_job(commit=True)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.owner.run(job)

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


# --------------------------------------------------------------------------- the wizard


class ImportWizard(QWizard):
    """File → mapping → preview → import."""

    #: Run jobs in the calling thread (tests); the app runs them in a pool thread.
    synchronous = False

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        store: MappingStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.context = context
        self.store = store or MappingStore()
        self.table: SourceTable | None = None
        self.kind = ImportKind.ASSETS
        self.preset: Preset | None = None
        self.attribute_keys: list[str] = context.query(importer.attribute_keys)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.setWindowTitle("Import")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(920, 620)

    def load(self, path: Path, kind: ImportKind, preset: Preset | None) -> None:
        """Read the file (called when leaving the first page)."""
        self.table = import_files.read_table(path, kind)
        self.kind = kind
        self.preset = preset

    def signature(self) -> str:
        assert self.table is not None
        return importer.source_signature(
            self.kind, self.table.headers, self.preset.name if self.preset else None
        )

    def remember(self, mapping: dict[str, str]) -> None:
        # Remembering is a convenience; the import does not depend on it.
        with contextlib.suppress(OSError):
            self.store.save(self.signature(), mapping)

    def start_job(self, commit: bool) -> ImportJob:
        assert self.table is not None
        return ImportJob(
            self.context,
            self.table,
            self.kind,
            self.mapping_page.mapping(),
            self.mapping_page.options(),
            commit,
        )

    def run(self, job: ImportJob) -> None:
        if self.synchronous:
            job.setAutoDelete(False)
            job.run()
        else:
            self.pool.start(job)

    def done(self, result: int) -> None:
        if self.preview_page.job is not None:
            self.preview_page.job.cancel()
        self.pool.waitForDone(10_000)
        super().done(result)


def open_import_wizard(context: AppContext, parent: QWidget | None = None) -> ImportWizard:
    """Open the import wizard (window-modal over ``parent``) and return it."""
    wizard = ImportWizard(context, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard


__all__ = ["ImportWizard", "open_import_wizard"]
