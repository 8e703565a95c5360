"""The check-in condition selector: ok, damaged, needs service, missing, and a note.

The condition is for one scan: after each check-in it returns to OK, so the next item — which is
back and fine — is not recorded as missing or damaged by mistake. For a box of damaged gear
scanned one after the other, "Apply to every scan" keeps the condition until it is switched off;
the selector then says so in a coloured strip. The note is for one item and is cleared once used.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gearroom.models import ReturnCondition

LABELS: dict[ReturnCondition, tuple[str, str]] = {
    ReturnCondition.OK: ("OK", "#1b7a3a"),
    ReturnCondition.DAMAGED: ("Damaged", "#b3261e"),
    ReturnCondition.SERVICE: ("Needs service", "#b45f06"),
    ReturnCondition.MISSING: ("Missing", "#6a1b9a"),
}
NEEDS_NOTE = {ReturnCondition.DAMAGED, ReturnCondition.SERVICE}


class ConditionSelector(QWidget):
    """Four sticky toggle buttons and a note field."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[ReturnCondition, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(QLabel("Condition:"))
        for condition, (text, colour) in LABELS.items():
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumHeight(30)
            button.setMinimumWidth(116)
            button.setObjectName(f"condition_{condition.value}")
            button.setStyleSheet(
                f"QPushButton:checked {{ background: {colour}; color: white; font-weight: bold;"
                f" border: 1px solid {colour}; border-radius: 4px; padding: 4px 12px; }}"
            )
            self.group.addButton(button)
            self.buttons[condition] = button
            row.addWidget(button)
            button.toggled.connect(lambda on, c=condition: self._toggled(on, c))
        row.addStretch(1)
        self.sticky = QCheckBox("Apply to every scan")
        self.sticky.setObjectName("conditionSticky")
        self.sticky.setToolTip(
            "Keep this condition for the scans that follow, until switched off. "
            "Off: the condition returns to OK after each scan."
        )
        self.sticky.toggled.connect(lambda _on: self._show_sticky())
        row.addWidget(self.sticky)
        self.sticky_banner = QLabel()
        self.sticky_banner.setObjectName("stickyBanner")
        self.sticky_banner.hide()
        self.note = QLineEdit()
        self.note.setObjectName("conditionNote")
        self.note.setClearButtonEnabled(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self.sticky_banner)
        box.addWidget(self.note)
        self.buttons[ReturnCondition.OK].setChecked(True)
        self._chosen(ReturnCondition.OK)

    def _toggled(self, on: bool, condition: ReturnCondition) -> None:
        if on:
            self._chosen(condition)

    def _chosen(self, condition: ReturnCondition) -> None:
        if condition in NEEDS_NOTE:
            self.note.setPlaceholderText("What is wrong? (required: it goes on the service ticket)")
        else:
            self.note.setPlaceholderText("Note (optional)")
        self._show_sticky()
        self.changed.emit(condition.value)

    def _show_sticky(self) -> None:
        if not self.sticky.isChecked():
            self.sticky_banner.hide()
            return
        text, colour = LABELS[self.condition()]
        self.sticky_banner.setText(
            f"Every scan is checked in as {text.upper()} until “Apply to every scan” is off."
        )
        self.sticky_banner.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; font-weight: bold;"
            " border-radius: 4px; padding: 4px 8px; }"
        )
        self.sticky_banner.show()

    def scanned(self) -> None:
        """One item was checked in: back to OK, unless the condition applies to every scan."""
        if not self.sticky.isChecked():
            self.set_condition(ReturnCondition.OK)

    def condition(self) -> ReturnCondition:
        for condition, button in self.buttons.items():
            if button.isChecked():
                return condition
        return ReturnCondition.OK

    def set_condition(self, condition: ReturnCondition) -> None:
        self.buttons[condition].setChecked(True)

    def note_text(self) -> str:
        return self.note.text().strip()
