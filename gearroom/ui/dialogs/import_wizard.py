"""The import wizard: file → column mapping → preview (a dry run, every row's problems) → import.

The main window opens it with :func:`open_import_wizard`. The work is the importer service's
(:mod:`gearroom.services.importer`): the wizard reads the file, lets the person map columns to
fields (starting from a preset, a guess or the mapping confirmed last time for the same source),
runs a dry run through the operation door (off the UI thread) and shows its report; "Import"
commits all rows or none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
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
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from gearroom.errors import GearroomError
from gearroom.services import import_files, importer
from gearroom.services.import_files import ImportKind, SourceTable
from gearroom.services.importer import (
    IGNORE,
    ImportOptions,
    ImportReport,
    MappingStore,
    Preset,
)
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.import_review import (
    GUESS,
    HINT_STYLE,
    NOT_IMPORTED,
    SAMPLE_ROWS,
    PreviewPage,
    ResultPage,
    banner_label,
    show_banner,
)
from gearroom.ui.operations import Job, Operation
from gearroom.ui.widgets.import_choices import ImportChoices

FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.zip);;All files (*)"
CHANGED = {
    ImportKind.ASSETS: "asset",
    ImportKind.STOCK: "stock",
    ImportKind.PEOPLE: "person",
    ImportKind.KITS: "kit",
}


# --------------------------------------------------------------------------- background work


def import_work(
    table: SourceTable,
    kind: ImportKind,
    mapping: dict[str, str],
    options: ImportOptions,
    commit: bool,
) -> Callable[[Job], ImportReport]:
    """A dry run (a read session, always rolled back) or the commit (one write transaction),
    as the work of an operation: progress counts rows, a cancel stops at the next row."""

    def work(job: Job) -> ImportReport:
        with job.write() if commit else job.read() as session:
            return importer.run_import(
                session,
                job.actor,
                table,
                kind,
                mapping,
                options,
                commit=commit,
                progress=job.count,
            )

    return work


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
        self.banner = banner_label()

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
        if not name:
            return None
        return importer.get_preset(name, self.selected_kind(), folder=self.owner.presets)

    def _fill_presets(self) -> None:
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItem(GUESS, "")
        for preset in importer.list_presets(self.selected_kind(), folder=self.owner.presets):
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
            show_banner(self.banner, str(exc))
            return False
        show_banner(self.banner, "")
        return True


class MappingPage(QWizardPage):
    """Which column fills which field, and the import's options."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Match the columns")
        self.banner = banner_label()
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
        self.choices = ImportChoices(wizard.known_statuses)  # the file's statuses and custody
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
        show_banner(self.banner, "")

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
            known_statuses=self.owner.known_statuses,
            custody=self.choices.custody(),
        )

    def validatePage(self) -> bool:
        try:
            importer.check_mapping(self.owner.kind, self.mapping(), self.owner.attribute_keys)
        except GearroomError as exc:
            show_banner(self.banner, str(exc))
            return False
        show_banner(self.banner, "")
        self.owner.remember(self.mapping())
        return True


# --------------------------------------------------------------------------- the wizard


class ImportWizard(QWizard):
    """File → mapping → preview → import."""

    #: True runs jobs in the calling thread, False in a pool thread, None as the door does.
    synchronous: bool | None = None

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        store: MappingStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.context = context
        self.store = store or MappingStore(context.places.import_mappings)
        self.presets = context.places.import_presets
        self.known_statuses = importer.known_status_labels(self.presets)
        self.table: SourceTable | None = None
        self.kind = ImportKind.ASSETS
        self.preset: Preset | None = None
        #: The categories' extra fields a column can fill; read through the door (they are
        #: there long before the mapping page, which comes after choosing a file).
        self.attribute_keys: list[str] = []
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
        context.operations.read(
            importer.attribute_keys,
            on_done=self._attribute_keys_arrived,
            on_error=lambda exc: show_banner(self.file_page.banner, str(exc)),
            description="Reading the categories' fields",
        )

    def _attribute_keys_arrived(self, keys: list[str]) -> None:
        self.attribute_keys = list(keys)

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

    def run_job(
        self,
        commit: bool,
        progress: Callable[[int, int], object],
        done: Callable[[ImportReport], object],
        failed: Callable[[GearroomError], object],
    ) -> Operation[ImportReport]:
        """A dry run or the commit, through the door; what it announces is what it imports."""
        assert self.table is not None
        work = import_work(
            self.table,
            self.kind,
            self.mapping_page.mapping(),
            self.mapping_page.options(),
            commit,
        )
        operation = self.context.operations.submit(
            work,
            description="The import",
            changed=CHANGED[self.kind] if commit else None,
            on_done=done,
            on_error=failed,
            long=True,
            synchronous=self.synchronous,
        )
        operation.counted.connect(progress)
        return operation

    def done(self, result: int) -> None:
        if self.preview_page.job is not None:
            self.preview_page.job.cancel()
        self.context.operations.wait(10_000)
        super().done(result)


def open_import_wizard(context: AppContext, parent: QWidget | None = None) -> ImportWizard:
    """Open the import wizard (window-modal over ``parent``) and return it."""
    wizard = ImportWizard(context, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard


__all__ = ["ImportWizard", "open_import_wizard"]
