"""The base of the add/edit dialogs: a form whose errors show inside the dialog.

OK runs :meth:`FormDialog.save`, which checks what it can and hands the service call to
:meth:`FormDialog.write`: the call runs through the operation door (off the UI thread) while
the dialog waits with Save disabled, and the dialog closes once the write succeeded. A
:class:`~gearroom.errors.GearroomError` keeps the dialog open with everything typed: a
:class:`~gearroom.errors.ValidationError` that names a field is shown under that field (which is
marked and focused), any other error above the form.

What a dialog needs to show (the lists of its combo boxes, the record it edits) is read through
the door too, with :meth:`FormDialog.load`: the dialog says "Loading…" with Save disabled until
the answer arrives, then fills its widgets; a failed read shows its one-line message above the
form and Save stays disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

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
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError, ValidationError
from gearroom.services.actor import Actor
from gearroom.ui.context import AppContext

T = TypeVar("T")

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
        self._saving = False
        self._loading = 0
        self._load_failed = False
        self.loading_label = QLabel("Loading…")
        self.loading_label.setObjectName("loadingLabel")
        self.loading_label.setStyleSheet("color: #5f6368;")
        self.loading_label.hide()
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
        self.body.addWidget(self.loading_label)
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

    # ------------------------------------------------------------------ loading

    def load(
        self,
        fn: Callable[[Session], T],
        then: Callable[[T], object],
        description: str = "Reading",
    ) -> None:
        """Read ``fn`` through the door; ``then`` fills the dialog with the answer.

        Until it arrives the dialog says "Loading…" and Save is disabled; an error shows above
        the form (one line) and Save stays disabled."""
        self._loading += 1
        self.loading_label.show()
        self._set_save_enabled(False)

        def arrived() -> None:
            self._loading -= 1
            if self._loading == 0:
                self.loading_label.hide()
                if not self._load_failed:
                    self._set_save_enabled(not self._saving)

        def done(result: T) -> None:
            arrived()
            then(result)

        def failed(exc: GearroomError) -> None:
            self._load_failed = True
            arrived()
            self.show_error(exc)

        self.context.operations.read(fn, on_done=done, on_error=failed, description=description)

    @property
    def loading(self) -> bool:
        """Something the dialog shows is still being read."""
        return self._loading > 0

    # ------------------------------------------------------------------ saving

    def save(self) -> int | None:
        """Validate and hand the service call to :meth:`write` (None), or return the saved
        thing's id when nothing needs writing. Raises GearroomError."""
        raise NotImplementedError

    @property
    def saving(self) -> bool:
        """A write is on its way through the door."""
        return self._saving

    def write(
        self,
        fn: Callable[[Session, Actor], T],
        changed: str | Iterable[str],
        then: Callable[[T], int],
    ) -> None:
        """Run ``fn`` through the door; ``then`` turns its result into the saved id (and may
        raise GearroomError). The dialog closes after the write, or shows why it failed."""
        self._saving = True
        self._set_save_enabled(False)

        def done(result: T) -> None:
            self._saving = False
            self._set_save_enabled(not self._loading)
            try:
                saved_id = then(result)
            except GearroomError as exc:
                self.show_error(exc)
                return
            self._finish(saved_id)

        def failed(exc: GearroomError) -> None:
            self._saving = False
            self._set_save_enabled(not self._loading)
            self.show_error(exc)

        self.context.operations.write(
            fn, changed, on_done=done, on_error=failed, description="Saving"
        )

    def _set_save_enabled(self, enabled: bool) -> None:
        for button in self.buttons.buttons():
            if self.buttons.buttonRole(button) in (
                QDialogButtonBox.ButtonRole.AcceptRole,
                QDialogButtonBox.ButtonRole.ApplyRole,
            ):
                button.setEnabled(enabled)

    def accept(self) -> None:
        if self._saving or self._loading or self._load_failed:
            return
        try:
            saved_id = self.save()
        except GearroomError as exc:
            self.show_error(exc)
            return
        if saved_id is not None:
            self._finish(saved_id)

    def _finish(self, saved_id: int) -> None:
        self.clear_errors()
        self.saved.emit(saved_id)
        super().accept()
