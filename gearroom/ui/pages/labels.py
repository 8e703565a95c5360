"""The Labels page: pick items, a label stock and a start position; preview, print or save a PDF.

:func:`print_label_for_tag` prints one item's label from anywhere (the inventory's "Print label"
action) with the remembered stock, start position and calibration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.render.labels import write_pdf
from gearroom.services import asset_search, kits, labels
from gearroom.services.actor import Permission
from gearroom.services.labels import LabelContent, LabelJob, LabelOptions, LabelSettings
from gearroom.ui.context import AppContext
from gearroom.ui.labels.preview import SheetPreview
from gearroom.ui.labels.printing import print_job
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.empty_state import IMPORT, EmptyState

T = TypeVar("T")
SEARCH_LIMIT = 200
_OPTION_KEYS = ("show_name", "show_serial", "show_house", "code128", "compact")
_OPTION_LABELS = {
    "show_name": "Name",
    "show_serial": "Serial number",
    "show_house": "If found, call… (house name and phone)",
    "code128": "Code128 barcode for linear scanners",
    "compact": "Compact: code and tag only",
}
_OPTION_DEFAULTS = {"show_name": True, "show_serial": True, "show_house": True}


def _options_from(context: AppContext, flags: dict[str, bool]) -> LabelOptions:
    return LabelOptions(
        **{key: flags.get(key, _OPTION_DEFAULTS.get(key, False)) for key in _OPTION_KEYS},
        house_name=context.settings.house_name,
        house_phone=context.settings.house_phone,
    )


def print_label_for_tag(
    context: AppContext,
    tag: str,
    parent: QWidget | None = None,
    printer: QPrinter | None = None,
    on_error: Callable[[GearroomError], object] | None = None,
) -> bool:
    """Print the label of whatever ``tag`` names on the remembered stock.

    The item is read through the operation door; the label prints when it comes back (the
    print dialog shows unless a ``printer`` is given). Returns True if the label was printed
    before this returns (the door's synchronous mode). A :class:`GearroomError` (unknown tag,
    label too small) goes to ``on_error``.
    """
    printed: list[bool] = []

    def got(content: LabelContent) -> None:
        try:
            printed.append(_print_content(context, content, parent, printer))
        except GearroomError as exc:
            if on_error is not None:
                on_error(exc)

    context.operations.read(
        lambda s: labels.content_for_tag(s, tag),
        on_done=got,
        on_error=on_error,
        description="Reading the label's item",
    )
    return bool(printed and printed[0])


def _print_content(
    context: AppContext, content: LabelContent, parent: QWidget | None, printer: QPrinter | None
) -> bool:
    remembered = labels.load_label_settings(context.places.label_settings)
    template = labels.get_template(
        remembered.template or context.settings.label_template, context.places.label_templates
    )
    place = remembered.for_template(template.name)
    start = min(max(1, place.start), template.per_page)
    job = labels.plan_job(
        [content],
        template,
        _options_from(context, remembered.options),
        start,
        (place.offset_x, place.offset_y),
    )
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"Print label {content.tag}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    print_job(job, printer)
    return True


class LabelsPage(Page):
    """Labels for a selection, a kit and its contents, a category, new gear or scanned tags."""

    page_id = "labels"
    title = "Labels"
    permission = Permission.LABELS
    icon_name = "labels"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._contents: list[LabelContent] = []
        self._job: LabelJob | None = None
        self._settings: LabelSettings = labels.load_label_settings(context.places.label_settings)
        self._loading = True
        self._build()
        self._load_templates()
        self._loading = False
        self._rebuild()

    # ----------------------------------------------------------------- building

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)

        # What to label.
        left = QWidget()
        lv = QVBoxLayout(left)
        find = QGroupBox("Add items")
        fl = QFormLayout(find)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search tag, name, make, model, serial…")
        self.search_edit.textChanged.connect(self._search)
        fl.addRow("Search", self.search_edit)
        self.results = QListWidget()
        self.results.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.results.itemDoubleClicked.connect(lambda _item: self.add_selected())
        fl.addRow(self.results)
        self.no_gear = EmptyState.over(
            self.results,
            "No gear to label yet",
            "Labels are made for the gear in your inventory: add items or import a "
            "spreadsheet, then pick them here.",
            self.step_to("inventory", "Go to Inventory"),
            IMPORT,
            when=lambda: not self.search_edit.text().strip(),
        )
        add_sel = QPushButton("Add selected")
        add_sel.clicked.connect(self.add_selected)
        fl.addRow(add_sel)
        self.kit_combo = QComboBox()
        kit_btn = QPushButton("Add kit and contents")
        kit_btn.clicked.connect(self.add_kit)
        fl.addRow("Kit", self._row(self.kit_combo, kit_btn))
        self.category_combo = QComboBox()
        cat_btn = QPushButton("Add category")
        cat_btn.clicked.connect(self.add_category)
        fl.addRow("Category", self._row(self.category_combo, cat_btn))
        self.since_edit = QDateEdit(QDate.currentDate().addDays(-7))
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        since_btn = QPushButton("Add new gear")
        since_btn.clicked.connect(self.add_since)
        fl.addRow("Added since", self._row(self.since_edit, since_btn))
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText("Scan or type a tag")
        self.tag_edit.returnPressed.connect(self._add_typed)
        tag_btn = QPushButton("Add tag")
        tag_btn.clicked.connect(self._add_typed)
        fl.addRow("Tag", self._row(self.tag_edit, tag_btn))
        lv.addWidget(find)

        queue_box = QGroupBox("To print")
        ql = QVBoxLayout(queue_box)
        self.queue = QListWidget()
        self.queue.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        ql.addWidget(self.queue)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        ql.addWidget(self._row(remove, clear))
        lv.addWidget(queue_box, 1)
        splitter.addWidget(left)

        # How to print.
        right = QWidget()
        rv = QVBoxLayout(right)
        stock = QGroupBox("Label stock")
        sl = QFormLayout(stock)
        self.template_combo = QComboBox()
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        sl.addRow("Template", self.template_combo)
        self.start_spin = QSpinBox()
        self.start_spin.setMinimum(1)
        self.start_spin.setToolTip("First free label on a partly used sheet (1 = top left).")
        self.start_spin.valueChanged.connect(self._placement_changed)
        sl.addRow("Start at label", self._row(self.start_spin, stretch=True))
        self.offset_x = self._offset_spin()
        self.offset_y = self._offset_spin()
        sl.addRow(
            "Offset",
            self._row(QLabel("right"), self.offset_x, QLabel("down"), self.offset_y, stretch=True),
        )
        opts = QGroupBox("On the label")
        ol = QVBoxLayout(opts)
        self.option_boxes: dict[str, QCheckBox] = {}
        for key in _OPTION_KEYS:
            box = QCheckBox(_OPTION_LABELS[key])
            box.setChecked(self._settings.options.get(key, _OPTION_DEFAULTS.get(key, False)))
            box.toggled.connect(self._options_changed)
            ol.addWidget(box)
            self.option_boxes[key] = box
        # Stock and options side by side leave the height to the preview.
        rv.addWidget(self._row(stock, opts))

        self.preview = SheetPreview()
        rv.addWidget(self.preview, 1)
        self.prev_btn = QPushButton("◀")
        self.next_btn = QPushButton("▶")
        self.page_label = QLabel()
        self.prev_btn.clicked.connect(lambda: self._turn(-1))
        self.next_btn.clicked.connect(lambda: self._turn(1))
        rv.addWidget(self._row(self.prev_btn, self.page_label, self.next_btn))
        self.message = QLabel()
        self.message.setWordWrap(True)
        rv.addWidget(self.message)
        self.print_btn = QPushButton("Print…")
        self.print_btn.clicked.connect(self.print_labels)
        self.pdf_btn = QPushButton("Save PDF…")
        self.pdf_btn.clicked.connect(self.save_pdf_dialog)
        rv.addWidget(self._row(self.print_btn, self.pdf_btn))
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)

    @staticmethod
    def _row(*widgets: QWidget, stretch: bool = False) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        if stretch:
            layout.addStretch(1)
        return box

    def _offset_spin(self) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-10.0, 10.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.1)
        spin.setSuffix(" mm")
        spin.valueChanged.connect(self._placement_changed)
        return spin

    def _load_templates(self) -> None:
        try:
            templates = labels.list_templates(self.context.places.label_templates)
        except GearroomError as exc:
            self._show(str(exc), error=True)
            return
        wanted = self._settings.template or self.context.settings.label_template
        for template in templates:
            self.template_combo.addItem(f"{template.name} — {template.description}", template.name)
        index = self.template_combo.findData(wanted)
        self.template_combo.setCurrentIndex(max(0, index))
        self._apply_template_settings()

    # ----------------------------------------------------------------- data

    def _ask(self, fn: Callable[[Session], T], then: Callable[[T], object]) -> None:
        """Read through the door; ``then`` gets the answer, an error shows on the page."""
        self.context.operations.read(
            fn,
            on_done=then,
            on_error=lambda exc: self._show(str(exc), error=True),
            description="Reading the labels' items",
        )

    def refresh(self) -> None:
        self._ask(kits.list_kits, self._show_kits)
        self._ask(labels.category_names, self._show_categories)
        self._search(self.search_edit.text())

    def _show_kits(self, kits_now: list[kits.KitSummary]) -> None:
        current_kit = self.kit_combo.currentData()
        self.kit_combo.clear()
        for kit in kits_now:
            self.kit_combo.addItem(f"{kit.tag} — {kit.name}", kit.tag)
        self.kit_combo.setCurrentIndex(max(0, self.kit_combo.findData(current_kit)))

    def _show_categories(self, names: list[str]) -> None:
        current_cat = self.category_combo.currentText()
        self.category_combo.clear()
        self.category_combo.addItems(names)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findText(current_cat)))

    def _search(self, text: str) -> None:
        query = asset_search.AssetQuery(text=text, include_retired=False)
        self._ask(
            lambda s: asset_search.list_assets(s, query, limit=SEARCH_LIMIT), self._show_results
        )

    def _show_results(self, rows: list[asset_search.AssetRow]) -> None:
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.tag} — {row.name}")
            item.setData(Qt.ItemDataRole.UserRole, row.tag)
            self.results.addItem(item)

    def add_contents(self, contents: list[LabelContent]) -> None:
        self._contents.extend(contents)
        for content in contents:
            text = f"{content.tag} — {content.name}" if content.name else content.tag
            self.queue.addItem(text)
        if contents:
            self._show(f"{len(contents)} label(s) added; {len(self._contents)} to print.")
        self._rebuild()

    def add_tags(self, tags: list[str], then: Callable[[], object] | None = None) -> None:
        """Queue the labels of ``tags``; ``then`` runs once they are added (not on an error)."""

        def found(contents: list[LabelContent]) -> None:
            self.add_contents(contents)
            if then is not None:
                then()

        self._ask(lambda s: labels.contents_for_tags(s, labels.clean_tags(tags)), found)

    def add_selected(self) -> None:
        tags = [str(i.data(Qt.ItemDataRole.UserRole)) for i in self.results.selectedItems()]
        if not tags:
            self._show("Select items in the search results first.", error=True)
            return
        self.add_tags(tags)

    def add_kit(self) -> None:
        tag = self.kit_combo.currentData()
        if not tag:
            self._show("There is no kit to add.", error=True)
            return
        self._ask(lambda s: labels.contents_for_kit(s, str(tag)), self.add_contents)

    def add_category(self) -> None:
        name = self.category_combo.currentText()

        def found(contents: list[LabelContent]) -> None:
            if not contents:
                self._show(f"The category {name} has no items to label.", error=True)
            self.add_contents(contents)

        self._ask(lambda s: labels.contents_for_category(s, name), found)

    def add_since(self) -> None:
        qdate = self.since_edit.date()
        since = date(qdate.year(), qdate.month(), qdate.day())

        def found(contents: list[LabelContent]) -> None:
            if not contents:
                self._show(f"Nothing was added since {since.isoformat()}.", error=True)
            self.add_contents(contents)

        self._ask(lambda s: labels.contents_added_since(s, since), found)

    def _add_typed(self) -> None:
        text = self.tag_edit.text()
        if text.strip():
            self.add_tags([text], then=self.tag_edit.clear)  # cleared once the labels came

    def handle_scan(self, text: str) -> bool:
        self.add_tags([text])
        return True

    def remove_selected(self) -> None:
        rows = sorted((self.queue.row(i) for i in self.queue.selectedItems()), reverse=True)
        for row in rows:
            self.queue.takeItem(row)
            del self._contents[row]
        self._rebuild()

    def clear(self) -> None:
        self.queue.clear()
        self._contents.clear()
        self._rebuild()

    @property
    def contents(self) -> list[LabelContent]:
        return list(self._contents)

    # ----------------------------------------------------------------- settings

    def current_template(self) -> labels.LabelTemplate | None:
        name = self.template_combo.currentData()
        return labels.get_template(str(name), self.context.places.label_templates) if name else None

    def current_options(self) -> LabelOptions:
        flags = {key: box.isChecked() for key, box in self.option_boxes.items()}
        return _options_from(self.context, flags)

    def _apply_template_settings(self) -> None:
        template = self.current_template()
        if template is None:
            return
        place = self._settings.for_template(template.name)
        was = self._loading
        self._loading = True
        self.start_spin.setMaximum(template.per_page)
        self.start_spin.setValue(min(max(1, place.start), template.per_page))
        self.start_spin.setEnabled(template.per_page > 1)
        self.offset_x.setValue(place.offset_x)
        self.offset_y.setValue(place.offset_y)
        self._loading = was

    def _template_changed(self) -> None:
        if self._loading:
            return
        self._apply_template_settings()
        self._remember()
        self._rebuild()

    def _placement_changed(self) -> None:
        if self._loading:
            return
        self._remember()
        self._rebuild()

    def _options_changed(self) -> None:
        if self._loading:
            return
        self._remember()
        self._rebuild()

    def _remember(self) -> None:
        template = self.current_template()
        if template is None:
            return
        place = labels.TemplateSettings(
            self.start_spin.value(), self.offset_x.value(), self.offset_y.value()
        )
        flags = {key: box.isChecked() for key, box in self.option_boxes.items()}
        self._settings = replace(self._settings.with_template(template.name, place), options=flags)
        try:
            labels.save_label_settings(self._settings, self.context.places.label_settings)
        except OSError as exc:
            self._show(f"The label settings could not be saved: {exc}.", error=True)

    # ----------------------------------------------------------------- preview and output

    def _rebuild(self) -> None:
        template = self.current_template()
        self._job = None
        if template is not None:
            try:
                self._job = labels.plan_job(
                    self._contents,
                    template,
                    self.current_options(),
                    self.start_spin.value(),
                    (self.offset_x.value(), self.offset_y.value()),
                )
            except GearroomError as exc:
                self._show(str(exc), error=True)
        self.preview.set_job(self._job)
        if self._job is not None and self._job.warnings:
            more = len(self._job.warnings) - 3
            text = "\n".join(self._job.warnings[:3]) + (f"\n… and {more} more" if more > 0 else "")
            self._show(text, error=False, warning=True)
        has_labels = bool(self._job and self._job.labels)
        self.print_btn.setEnabled(has_labels)
        self.pdf_btn.setEnabled(has_labels)
        self._update_pager()

    def _update_pager(self) -> None:
        count = self.preview.page_count()
        index = self.preview.page_index
        self.page_label.setText(f"Page {index + 1} of {count}" if count else "")
        self.prev_btn.setEnabled(index > 0)
        self.next_btn.setEnabled(index + 1 < count)

    def _turn(self, step: int) -> None:
        self.preview.set_page(self.preview.page_index + step)
        self._update_pager()

    @property
    def job(self) -> LabelJob | None:
        return self._job

    def _show(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        colour = "#b3261e" if error else ("#b45f06" if warning else "#37474f")
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)

    def save_pdf(self, path: Path) -> Path | None:
        if self._job is None or not self._job.labels:
            self._show("Add items to label first.", error=True)
            return None
        try:
            written = write_pdf(self._job, path)
        except GearroomError as exc:
            self._show(str(exc), error=True)
            return None
        self._show(f"{len(self._job.labels)} label(s) saved to {written}.")
        return written

    def save_pdf_dialog(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save labels as PDF", "labels.pdf", "PDF files (*.pdf)"
        )
        if name:
            path = Path(name)
            self.save_pdf(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def print_to(self, printer: QPrinter) -> bool:
        if self._job is None or not self._job.labels:
            self._show("Add items to label first.", error=True)
            return False
        try:
            print_job(self._job, printer)
        except GearroomError as exc:
            self._show(str(exc), error=True)
            return False
        self._show(f"{len(self._job.labels)} label(s) sent to {printer.printerName() or 'file'}.")
        return True

    def print_labels(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
