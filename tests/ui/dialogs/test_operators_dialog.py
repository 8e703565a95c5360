from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.models import Operator, Role
from gearroom.services import operators
from gearroom.services.actor import Actor
from gearroom.ui.dialogs.operators import OperatorDialog, OperatorsDialog, PinDialog

PIN = "482193"  # an admin PIN is at least 6 characters
ADMIN = Actor("robin", Role.ADMIN)
STAFF = Actor("kai", Role.STAFF)


@pytest.fixture
def staffed(context):
    def add(s, a):
        operators.create_operator(s, a, "robin", Role.ADMIN, PIN)
        operators.create_operator(s, ADMIN, "kai", Role.STAFF, PIN)

    context.perform(add, "operator")
    context.set_actor(ADMIN)
    return context


def operator_rows(context):
    return context.query(
        lambda s: s.execute(
            select(Operator.name, Operator.role, Operator.active, Operator.pin_hash).order_by(
                Operator.name
            )
        ).all()
    )


def test_lists_operators_and_adds_one(qtbot, staffed, event_count):
    dialog = OperatorsDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.banner_text() == ""
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == [
        "kai",
        "robin",
    ]
    assert not dialog.change_button.isEnabled()
    add = dialog.add_operator()
    add.name.setText("ash")
    add.display_name.setText("Ash Focus")
    add.role.setCurrentIndex(add.role.findData("assistant"))
    add.pin.setText("1357")
    add.pin_again.setText("1357")
    events = event_count()
    with qtbot.waitSignal(add.saved):
        add.accept()
    assert event_count() == events + 1
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert names == ["ash", "kai", "robin"]
    assert dialog.table.item(0, 2).text() == "assistant"
    assert dialog.table.item(0, 1).text() == "Ash Focus"
    result = staffed.perform(lambda s, _a: operators.sign_in(s, "ash", "1357"), "operator")
    assert result.actor == Actor("ash", Role.ASSISTANT)


def test_changes_role_and_access_and_keeps_the_last_admin(qtbot, staffed):
    dialog = OperatorsDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.select_operator("kai")
    edit = dialog.change_selected()
    assert edit.role.currentData() == "staff"
    edit.role.setCurrentIndex(edit.role.findData("assistant"))
    edit.active.setChecked(False)
    edit.accept()
    assert not edit.isVisible()
    assert dialog.table.item(0, 2).text() == "assistant"
    assert dialog.table.item(0, 4).text() == "no access"
    dialog.select_operator("robin")
    before = operator_rows(staffed)
    demote = dialog.change_selected()
    demote.role.setCurrentIndex(demote.role.findData("staff"))
    demote.accept()
    assert demote.isVisible()
    assert demote.banner_text() == "At least one active admin must remain."
    assert operator_rows(staffed) == before


def test_new_pin_unlocks_a_locked_operator(qtbot, staffed):
    for _ in range(operators.MAX_FAILED_ATTEMPTS):
        staffed.perform(lambda s, _a: operators.sign_in(s, "kai", "0000"), "operator")
    dialog = OperatorsDialog(staffed)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 4).text() == "locked"
    dialog.select_operator("kai")
    pin = dialog.new_pin_for_selected()
    pin.pin.setText("8642")
    pin.pin_again.setText("8643")
    pin.accept()
    assert "differ" in pin.field_error("pin_again")
    pin.pin.setText("12")
    pin.pin_again.setText("12")
    pin.accept()
    assert "4 to 64 characters" in pin.field_error("pin")
    pin.pin.setText("8642")
    pin.pin_again.setText("8642")
    pin.accept()
    assert not pin.isVisible()
    assert dialog.table.item(0, 4).text() == "active"
    result = staffed.perform(lambda s, _a: operators.sign_in(s, "kai", "8642"), "operator")
    assert result.actor == STAFF


def test_staff_cannot_add_change_or_reset_through_the_dialogs(qtbot, staffed, event_count):
    """Even when a dialog is reached, the service refuses and the dialog shows why."""
    staffed.set_actor(STAFF)
    listing = OperatorsDialog(staffed)
    qtbot.addWidget(listing)
    assert "kai (staff) may not manage operators" in listing.banner_text()
    before = operator_rows(staffed)
    events = event_count()
    count = staffed.query(lambda s: s.scalar(select(func.count()).select_from(Operator)))

    add = OperatorDialog(staffed)
    qtbot.addWidget(add)
    add.show()
    add.name.setText("mallory")
    add.role.setCurrentIndex(add.role.findData("admin"))
    add.pin.setText("5555")
    add.pin_again.setText("5555")
    add.accept()
    assert add.isVisible()
    assert add.banner_text() == (
        "kai (staff) may not manage operators; ask an operator with the right role."
    )

    robin = next(o for o in listing.operators if o.name == "robin")
    change = OperatorDialog(staffed, robin)
    qtbot.addWidget(change)
    change.show()
    change.active.setChecked(False)
    change.accept()
    assert "may not manage operators" in change.banner_text()

    reset = PinDialog(staffed, "robin")
    qtbot.addWidget(reset)
    reset.show()
    reset.pin.setText("0001")
    reset.pin_again.setText("0001")
    reset.accept()
    assert "may not reset other operators' PINs" in reset.banner_text()

    assert operator_rows(staffed) == before
    assert event_count() == events
    assert staffed.query(lambda s: s.scalar(select(func.count()).select_from(Operator))) == count


def test_staff_may_change_their_own_pin(qtbot, staffed):
    staffed.set_actor(STAFF)
    own = PinDialog(staffed, "kai")
    qtbot.addWidget(own)
    own.show()
    own.pin.setText("7777")
    own.pin_again.setText("7777")
    own.accept()
    assert not own.isVisible()
    result = staffed.perform(lambda s, _a: operators.sign_in(s, "kai", "7777"), "operator")
    assert result.actor == STAFF
