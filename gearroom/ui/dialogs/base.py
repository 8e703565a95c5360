"""The base of the add/edit dialogs: a form whose errors show inside the dialog.

OK runs :meth:`FormDialog.save`. A :class:`~gearroom.errors.GearroomError` keeps the dialog
open with everything typed: a :class:`~gearroom.errors.ValidationError` that names a field is
shown under that field (which is marked and focused), any other error above the form.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import GearroomError, ValidationError
from gearroom.ui.context import AppContext

ERROR_STYLE = "color: #b3261e;"
BANNER_STYLE = (
    "QLabel { background: #fdecea; color: #8c1d18; border: 1px solid #f2b8b5;"
    " border-radius: 4px; padding: 6px 8px; }"
)
INVALID_STYLE = '[invalid="true"] { border: 1px solid #c62828; border-radius: 3px; }'


def select_data(combo: QComboBox, data: object) -> None:
    """Make the entry holding ``data`` current (no change when there is none)."""
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


class FieldRow:
    """A registered input: the widget that takes focus and the label under it for errors."""

    def __init__(self, widget: QWidget, container: QWidget, error: QLabel) -> None:
        self.widget = widget
        self.container = container
        self.error = error


class FormDialog(QDialog):
    """A dialog with a form, an error banner and Save / Cancel."""

    #: Emitted after a successful save with the id of the saved thing.
    saved = Signal(int)

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setStyleSheet(INVALID_STYLE)
        self._fields: dict[str, FieldRow] = {}
        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 12)
        self.body.setSpacing(10)
        self.body.addWidget(self.banner)
        self.body.addLayout(self.form)

    def finish_layout(self, stretch: bool = True) -> None:
        """Add the buttons at the bottom (call after adding the form rows and sections)."""
        if stretch:
            self.body.addStretch(1)
        self.body.addWidget(self.buttons)

    # ------------------------------------------------------------------ fields

    def add_field(
        self, key: str, label: str, widget: QWidget, form: QFormLayout | None = None
    ) -> QWidget:
        """Add ``widget`` as the input of field ``key`` (the name services use in errors)."""
        container = QWidget()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        box.addWidget(error)
        (form or self.form).addRow(label, container)
        self._fields[key] = FieldRow(widget, container, error)
        return container

    def forget_field(self, key: str) -> None:
        self._fields.pop(key, None)

    def field_error(self, key: str) -> str:
        """The error shown under field ``key`` ("" when none)."""
        row = self._fields.get(key)
        return row.error.text() if row is not None and not row.error.isHidden() else ""

    def banner_text(self) -> str:
        return "" if self.banner.isHidden() else self.banner.text()

    # ------------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        self.banner.hide()
        self.banner.clear()
        for row in self._fields.values():
            row.error.hide()
            row.error.clear()
            self._mark(row.widget, False)

    def show_error(self, error: GearroomError) -> None:
        """Show ``error`` at its field when it names one this dialog has, else above the form."""
        self.clear_errors()
        key = error.field if isinstance(error, ValidationError) else None
        row = self._fields.get(key) if key else None
        if row is None:
            self.banner.setText(str(error))
            self.banner.show()
            return
        row.error.setText(str(error))
        row.error.show()
        self._mark(row.widget, True)
        row.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _mark(widget: QWidget, invalid: bool) -> None:
        if bool(widget.property("invalid")) == invalid:
            return
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # ------------------------------------------------------------------ saving

    def save(self) -> int:
        """Validate and call the service; return the saved thing's id. Raises GearroomError."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            saved_id = self.save()
        except GearroomError as exc:
            self.show_error(exc)
            return
        self.clear_errors()
        self.saved.emit(saved_id)
        super().accept()
