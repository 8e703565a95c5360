"""Signing in: at start, to switch operator, by badge and PIN, and the first admin of a database.

Every dialog here calls the operators service through :meth:`AppContext.perform` (the failed
attempt counter commits whether the PIN was right or not) and, on success, makes the new
operator the context's actor (:meth:`AppContext.set_actor`), which the window re-applies.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import Role
from gearroom.services import operators
from gearroom.services.actor import Actor
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog

HINT_STYLE = (
    "QLabel { background: #eef4fc; color: #17365d; border: 1px solid #c5d7ef;"
    " border-radius: 4px; padding: 6px 8px; }"
)


def _pin_field(placeholder: str = "PIN") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setMaxLength(64)
    return field


def _hint(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class GrowingFormDialog(FormDialog):
    """A form dialog that grows to show an error banner instead of squeezing the form."""

    def show_error(self, error: GearroomError) -> None:
        super().show_error(error)
        self.adjustSize()


class SignInDialog(GrowingFormDialog):
    """Choose an operator and type the PIN.

    ``demo`` adds a note that the demo operators' PIN is 1234. ``required`` (start-up, sign
    out) turns Cancel into Quit: the window is not usable until someone signs in.
    """

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        required: bool = False,
        message: str = "",
    ) -> None:
        super().__init__(context, "Sign in to Gearroom", parent)
        self.setObjectName("signInDialog")
        self.actor: Actor | None = None
        intro = QLabel(message or "Choose your name and type your PIN.")
        intro.setWordWrap(True)
        self.body.insertWidget(1, intro)
        if demo:
            self.demo_hint = _hint(
                "This is the demo rental house. Sign in as <b>admin</b>, <b>staff</b> or "
                f"<b>assistant</b> with the PIN <b>{operators.DEMO_PIN}</b>; an admin can "
                "change PINs and add operators under File › Operators.",
                "demoHint",
            )
            self.body.insertWidget(2, self.demo_hint)
        self.operator = QComboBox()
        self.operator.setObjectName("operatorChoice")
        context.operations.read(
            operators.list_operators,
            on_done=self._show_operators,
            on_error=self.show_error,
            description="Reading the operators",
        )
        self.pin = _pin_field()
        self.pin.setObjectName("pinField")
        self.add_field("name", "Operator", self.operator)
        self.add_field("pin", "PIN", self.pin)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        ok.setText("Sign in")
        if required:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.finish_layout()
        self.setMinimumWidth(420)
        self.pin.setFocus()

    def _show_operators(self, found: list[operators.OperatorView]) -> None:
        chosen = self.operator.currentData()
        for op in found:
            if op.active:
                label = op.name if op.display_name == op.name else f"{op.display_name} ({op.name})"
                self.operator.addItem(label, op.name)
        current = self.operator.findData(chosen or self.context.actor.name)
        if current >= 0:
            self.operator.setCurrentIndex(current)

    def choose(self, name: str) -> None:
        index = self.operator.findData(name)
        if index >= 0:
            self.operator.setCurrentIndex(index)

    def save(self) -> int | None:
        name = str(self.operator.currentData() or "")
        if not name:
            raise ValidationError("Choose who is signing in.", field="name")
        pin = self.pin.text()
        self.write(lambda s, _a: operators.sign_in(s, name, pin), "operator", self._signed_in)
        return None

    def _signed_in(self, result: operators.SignInResult) -> int:
        self.pin.clear()
        actor = result.actor_or_raise()
        self.actor = actor
        self.context.set_actor(actor)
        return 0


class BadgeSignInDialog(GrowingFormDialog):
    """A scanned badge belongs to an operator: their PIN switches to them."""

    def __init__(
        self, context: AppContext, badge: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Switch to {name}", parent)
        self.setObjectName("badgeSignInDialog")
        self.badge = badge
        self.name = name
        self.actor: Actor | None = None
        intro = QLabel(f"Badge {badge} belongs to <b>{name}</b>. Type the PIN to switch.")
        intro.setWordWrap(True)
        self.body.insertWidget(1, intro)
        self.pin = _pin_field()
        self.pin.setObjectName("pinField")
        self.add_field("pin", "PIN", self.pin)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Switch")
        self.finish_layout()
        self.setMinimumWidth(380)
        self.pin.setFocus()

    def save(self) -> int | None:
        pin = self.pin.text()
        badge = self.badge
        self.write(
            lambda s, _a: operators.sign_in_by_badge(s, badge, pin), "operator", self._signed_in
        )
        return None

    def _signed_in(self, result: operators.SignInResult) -> int:
        self.pin.clear()
        actor = result.actor_or_raise()
        self.actor = actor
        self.context.set_actor(actor)
        return 0


class FirstAdminDialog(GrowingFormDialog):
    """A database without operators: create the first admin, who is then signed in."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Create the first admin", parent)
        self.setObjectName("firstAdminDialog")
        self.actor: Actor | None = None
        self.intro = _hint(
            "This database has no operators yet. Create the first one: an admin, who can "
            "then add staff and assistants (File › Operators). Everything done in Gearroom "
            "is recorded under the operator who signed in.",
            "firstAdminHint",
        )
        self.body.insertWidget(1, self.intro)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. sam (letters, digits, '.', '-', '_')")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("e.g. Sam Rivera")
        self.pin = _pin_field(f"at least {operators.MIN_PIN_LENGTH} characters")
        self.pin_again = _pin_field("the same PIN again")
        self.add_field("name", "Sign-in name", self.name)
        self.add_field("display_name", "Full name", self.display_name)
        self.add_field("pin", "PIN", self.pin)
        self.add_field("pin_again", "Repeat PIN", self.pin_again)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Create and sign in")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.finish_layout()
        self.setMinimumWidth(460)

    def save(self) -> int | None:
        if self.pin.text() != self.pin_again.text():
            raise ValidationError(
                "The two PINs differ; type the same PIN twice.", field="pin_again"
            )
        name, display, pin = self.name.text(), self.display_name.text(), self.pin.text()

        def create(session: Session, actor: Actor) -> operators.SignInResult:
            view = operators.create_operator(
                session, actor, name, Role.ADMIN, pin, display_name=display
            )
            return operators.sign_in(session, view.name, pin)

        self.write(create, "operator", self._signed_in)
        return None

    def _signed_in(self, result: operators.SignInResult) -> int:
        actor = result.actor_or_raise()
        self.actor = actor
        self.context.set_actor(actor)
        return 0
