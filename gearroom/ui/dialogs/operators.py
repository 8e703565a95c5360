"""Managing operators (admins only): the list, adding one, changing role or access, new PINs.

The dialogs call the operators service, which checks the signed-in operator's permission: an
operator without it who gets here anyway sees the service's refusal in the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import ValidationError
from gearroom.models import Role
from gearroom.services import operators
from gearroom.services.actor import Permission
from gearroom.services.operators import OperatorView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import BANNER_STYLE, FormDialog, select_data
from gearroom.ui.dialogs.sign_in import GrowingFormDialog

ROLE_LABELS = {
    Role.ADMIN: "Admin: everything, incl. operators and settings",
    Role.STAFF: "Staff: bookings, check-out/in, service, labels, reports",
    Role.ASSISTANT: "Assistant: check-out and check-in",
}
COLUMNS = ("Name", "Full name", "Role", "Badge", "State", "Last sign-in")
COLUMN_WIDTHS = (110, 180, 90, 90, 80, 130)


def _pin(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setMaxLength(64)
    return field


def _role_combo() -> QComboBox:
    combo = QComboBox()
    for role, label in ROLE_LABELS.items():
        combo.addItem(label, role.value)
    return combo


class OperatorDialog(GrowingFormDialog):
    """Add an operator, or change an existing one's role and whether they may sign in."""

    def __init__(
        self,
        context: AppContext,
        existing: OperatorView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Add operator" if existing is None else f"Operator {existing.name}"
        super().__init__(context, title, parent)
        self.setObjectName("operatorDialog")
        self.existing = existing
        self.role = _role_combo()
        if existing is None:
            select_data(self.role, Role.STAFF.value)
            self.name = QLineEdit()
            self.name.setPlaceholderText("sign-in name: letters, digits, '.', '-', '_'")
            self.display_name = QLineEdit()
            self.display_name.setPlaceholderText("e.g. Sam Rivera")
            self.badge = QLineEdit()
            self.badge.setPlaceholderText("optional: the person's badge tag, to switch by scan")
            self.pin = _pin(f"at least {operators.MIN_PIN_LENGTH} characters")
            self.pin_again = _pin("the same PIN again")
            self.add_field("name", "Sign-in name", self.name)
            self.add_field("display_name", "Full name", self.display_name)
            self.add_field("role", "Role", self.role)
            self.add_field("badge", "Badge", self.badge)
            self.add_field("pin", "PIN", self.pin)
            self.add_field("pin_again", "Repeat PIN", self.pin_again)
        else:
            who = QLabel(
                f"<b>{existing.display_name}</b> signs in as <b>{existing.name}</b>"
                + (f", badge {existing.badge}" if existing.badge else "")
                + "."
            )
            who.setObjectName("operatorWho")
            self.body.insertWidget(1, who)
            select_data(self.role, existing.role.value)
            self.active = QCheckBox("May sign in")
            self.active.setChecked(existing.active)
            self.add_field("role", "Role", self.role)
            self.add_field("active", "Access", self.active)
        self.finish_layout()
        self.setMinimumWidth(500)

    def save(self) -> int | None:
        role = Role(str(self.role.currentData()))
        if self.existing is None:
            if self.pin.text() != self.pin_again.text():
                raise ValidationError(
                    "The two PINs differ; type the same PIN twice.", field="pin_again"
                )
            name, display = self.name.text(), self.display_name.text()
            badge, pin = self.badge.text().strip() or None, self.pin.text()
            self.write(
                lambda s, a: operators.create_operator(
                    s, a, name, role, pin, display_name=display, badge=badge
                ),
                "operator",
                lambda view: view.id,
            )
            return None
        existing, active = self.existing, self.active.isChecked()
        self.write(
            lambda s, a: operators.update_operator(s, a, existing.name, role=role, active=active),
            "operator",
            lambda view: view.id,
        )
        return None


class PinDialog(GrowingFormDialog):
    """Set a new PIN: one's own, or (admins) anyone's, which also unlocks them."""

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(context, f"New PIN for {name}", parent)
        self.setObjectName("pinDialog")
        self.operator_name = name
        self.pin = _pin(f"at least {operators.MIN_PIN_LENGTH} characters")
        self.pin_again = _pin("the same PIN again")
        self.add_field("pin", "New PIN", self.pin)
        self.add_field("pin_again", "Repeat PIN", self.pin_again)
        self.finish_layout()
        self.setMinimumWidth(400)

    def save(self) -> int | None:
        if self.pin.text() != self.pin_again.text():
            raise ValidationError(
                "The two PINs differ; type the same PIN twice.", field="pin_again"
            )
        name, pin = self.operator_name, self.pin.text()
        self.write(
            lambda s, a: operators.set_pin(s, a, name, pin), "operator", lambda view: view.id
        )
        return None


class OperatorsDialog(QDialog):
    """The operators of this database, with Add / Change / New PIN."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("operatorsDialog")
        self.setWindowTitle("Operators")
        self.banner = QLabel()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        intro = QLabel(
            "Who may sign in to Gearroom, and what their role lets them do. A locked operator "
            "(too many wrong PINs) signs in again after a new PIN."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("operatorsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.change_selected())
        self.add_button = QPushButton("Add operator…")
        self.change_button = QPushButton("Role and access…")
        self.pin_button = QPushButton("New PIN…")
        row = QHBoxLayout()
        for button in (self.add_button, self.change_button, self.pin_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add_operator)
        self.change_button.clicked.connect(self.change_selected)
        self.pin_button.clicked.connect(self.new_pin_for_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(720, 380)
        self.operators: list[OperatorView] = []
        if not context.actor.can(Permission.OPERATORS):
            self.show_error(
                f"{context.actor.name} ({context.actor.role.value}) may not manage operators; "
                "ask an admin."
            )
        self.refresh()

    def show_error(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def banner_text(self) -> str:
        return "" if self.banner.isHidden() else self.banner.text()

    def refresh(self) -> None:
        """Read the operators through the door; the table shows them when they come."""
        self.context.operations.read(
            operators.list_operators,
            on_done=self._show_operators,
            on_error=lambda exc: self.show_error(str(exc)),
            description="Reading the operators",
        )

    def _show_operators(self, found: list[OperatorView]) -> None:
        keep = self.selected()
        self.operators = found
        self.table.setRowCount(len(self.operators))
        for r, op in enumerate(self.operators):
            state = "locked" if op.locked else ("active" if op.active else "no access")
            last = op.last_sign_in.strftime("%Y-%m-%d %H:%M") if op.last_sign_in else "never"
            for c, value in enumerate(
                (op.name, op.display_name, op.role.value, op.badge or "", state, last)
            ):
                item = QTableWidgetItem(value)
                if c == 4 and op.locked:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
            if keep is not None and op.name == keep.name:
                self.table.selectRow(r)
        self._update_buttons()

    def selected(self) -> OperatorView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.operators):
            return None
        return self.operators[rows[0].row()]

    def select_operator(self, name: str) -> None:
        for r, op in enumerate(self.operators):
            if op.name == name:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.change_button.setEnabled(has)
        self.pin_button.setEnabled(has)

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self.refresh())
        dialog.open()
        return dialog

    def add_operator(self) -> FormDialog:
        return self._open(OperatorDialog(self.context, parent=self))

    def change_selected(self) -> FormDialog | None:
        op = self.selected()
        return None if op is None else self._open(OperatorDialog(self.context, op, parent=self))

    def new_pin_for_selected(self) -> FormDialog | None:
        op = self.selected()
        return None if op is None else self._open(PinDialog(self.context, op.name, parent=self))


def open_operators_dialog(context: AppContext, parent: QWidget | None = None) -> OperatorsDialog:
    """Open the operators dialog (window-modal over ``parent``) and return it."""
    dialog = OperatorsDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = [
    "OperatorDialog",
    "OperatorsDialog",
    "PinDialog",
    "open_operators_dialog",
]
