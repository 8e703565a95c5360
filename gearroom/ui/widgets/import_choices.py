"""The import wizard's choices about what a file says beyond its columns.

* **Statuses**: every value of the status column, each with the Gearroom status it stands for
  (a preset's labels — Snipe-IT's "Ready to Deploy", CHEQROOM's "Under repair" — come
  pre-chosen; a value of the file's own is chosen here, like ``--map-status`` on the command
  line).
* **Custody**: items the file says are checked out ("Checked Out To", "Custodian") are either
  checked out here to those people, or each such row is listed (``--custody``).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gearroom.services import importer
from gearroom.services.import_files import SourceTable
from gearroom.services.importer import Preset
from gearroom.text import name_key

#: At most this many distinct status values get a row (a status column has a handful).
MAX_VALUES = 24
STATUS_LABELS = {
    "available": "Available",
    "in_service": "In service",
    "lost": "Lost",
    "retired": "Retired",
}
#: Words Gearroom reads by itself (the importer's own).
OWN_WORDS = {"available", "reserved", "out", "checked out", "in service", "service", "lost"}


class ImportChoices(QWidget):
    """Status values → Gearroom statuses, and what to do with custody. ``known``: the status
    labels every known system uses (:func:`importer.known_status_labels`), chosen at first."""

    def __init__(self, known: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = dict(known)
        self.setObjectName("importChoices")
        self.status_box = QGroupBox("The file's statuses")
        self.status_form = QFormLayout(self.status_box)
        self.combos: dict[str, QComboBox] = {}
        self.custody_box = QGroupBox("Items the file says are checked out")
        self.custody_checkout = QRadioButton(
            "Check them out here to those people (people not in Gearroom yet are added)"
        )
        self.custody_report = QRadioButton("List each such row; the items arrive as available")
        self.custody_report.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.custody_checkout)
        group.addButton(self.custody_report)
        self.custody_column = QLabel()
        custody = QVBoxLayout(self.custody_box)
        custody.addWidget(self.custody_column)
        custody.addWidget(self.custody_checkout)
        custody.addWidget(self.custody_report)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status_box)
        layout.addWidget(self.custody_box)

    def load(self, table: SourceTable, mapping: Mapping[str, str], preset: Preset | None) -> None:
        """Show the status values and the custody column the ``mapping`` picks."""
        column_of = {field: header for header, field in mapping.items() if field}
        self._load_statuses(table, column_of.get("status"), preset)
        custody = column_of.get("custodian")
        self.custody_box.setVisible(custody is not None)
        if custody is not None:
            index = table.headers.index(custody)
            count = sum(1 for r in table.rows if index < len(r.cells) and r.cells[index].strip())
            self.custody_column.setText(f"“{custody}” names who has {count} item(s).")

    def _load_statuses(self, table: SourceTable, column: str | None, preset: Preset | None) -> None:
        while self.status_form.rowCount():
            self.status_form.removeRow(0)
        self.combos.clear()
        self.status_box.setVisible(column is not None)
        if column is None:
            return
        index = table.headers.index(column)
        values: dict[str, str] = {}
        for row in table.rows:
            value = row.cells[index].strip() if index < len(row.cells) else ""
            if value and name_key(value) not in values:
                values[name_key(value)] = value
            if len(values) >= MAX_VALUES:
                break
        known = {**self.known, **importer.status_map(preset)}
        for key, value in values.items():
            combo = QComboBox()
            combo.setObjectName(f"status:{value}")
            combo.addItem("Choose…", "")
            for status, label in STATUS_LABELS.items():
                combo.addItem(label, status)
            wanted = known.get(key) or _own(value)
            combo.setCurrentIndex(max(combo.findData(wanted), 0))
            self.status_form.addRow(f"“{value}” is", combo)
            self.combos[value] = combo

    def status_map(self) -> dict[str, str]:
        """The chosen status of each value (folded, as the importer reads them)."""
        return {
            name_key(value): str(combo.currentData())
            for value, combo in self.combos.items()
            if combo.currentData()
        }

    def custody(self) -> str:
        return "checkout" if self.custody_checkout.isChecked() else "report"

    def choose(self, value: str, status: str) -> None:
        combo = self.combos[value]
        combo.setCurrentIndex(combo.findData(status))


def _own(value: str) -> str:
    words = " ".join(value.lower().replace("_", " ").split())
    if words in ("in service", "service"):
        return "in_service"
    return words if words in STATUS_LABELS else ("available" if words in OWN_WORDS else "")
