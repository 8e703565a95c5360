from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.config import default_operator
from gearroom.models import Operator, Role
from gearroom.services import operators, people
from gearroom.services.actor import Actor, local_actor
from gearroom.ui import app
from gearroom.ui.dialogs.first_run import FirstRunChoice
from gearroom.ui.dialogs.sign_in import BadgeSignInDialog, FirstAdminDialog, SignInDialog

PIN = "482193"  # an admin PIN is at least 6 characters


@pytest.fixture
def staffed(context):
    """An admin, a staff member with a badge, and an assistant (PIN 482193 each)."""

    def add(s, a):
        operators.create_operator(s, a, "robin", Role.ADMIN, PIN, display_name="Robin Hale")
        admin = Actor("robin", Role.ADMIN)
        people.add_person(s, admin, "Kai Staff", badge="P-0777")
        operators.create_operator(s, admin, "kai", Role.STAFF, PIN, badge="P-0777")
        operators.create_operator(s, admin, "ash", Role.ASSISTANT, PIN)

    context.perform(add, "operator")
    return context


def failed_attempts(context, name):
    return context.query(
        lambda s: s.scalar(select(Operator.failed_attempts).where(Operator.name == name))
    )


def test_right_pin_signs_in_and_announces_the_new_operator(qtbot, staffed):
    dialog = SignInDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.operator.itemData(i) for i in range(dialog.operator.count())] == [
        "ash",
        "kai",
        "robin",
    ]
    assert dialog.operator.itemText(2) == "Robin Hale (robin)"
    dialog.choose("kai")
    dialog.pin.setText(PIN)
    with qtbot.waitSignal(staffed.actor_changed):
        dialog.accept()
    assert not dialog.isVisible()
    assert staffed.actor == Actor("kai", Role.STAFF)
    assert dialog.actor == Actor("kai", Role.STAFF)


def test_wrong_pin_keeps_the_dialog_open_and_counts_the_attempt(qtbot, staffed):
    before = staffed.actor
    dialog = SignInDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose("ash")
    dialog.pin.setText("0000")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.banner_text() == "Wrong name or PIN."
    assert dialog.pin.text() == ""
    assert staffed.actor == before
    # The attempt counter committed although the sign-in failed.
    assert failed_attempts(staffed, "ash") == 1
    dialog.pin.setText(PIN)
    dialog.accept()
    assert staffed.actor == Actor("ash", Role.ASSISTANT)
    assert failed_attempts(staffed, "ash") == 0


def test_locked_operator_is_told_to_ask_an_admin(qtbot, staffed):
    dialog = SignInDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.choose("ash")
    for _ in range(operators.MAX_FAILED_ATTEMPTS):
        dialog.pin.setText("0000")
        dialog.accept()
    dialog.pin.setText(PIN)
    dialog.accept()
    assert "locked" in dialog.banner_text()
    assert "admin can reset the PIN" in dialog.banner_text()


def test_demo_note_tells_the_demo_pin(qtbot, staffed):
    plain = SignInDialog(staffed)
    qtbot.addWidget(plain)
    assert not hasattr(plain, "demo_hint")
    demo = SignInDialog(staffed, demo=True, required=True)
    qtbot.addWidget(demo)
    assert "1234" in demo.demo_hint.text()
    assert "admin" in demo.demo_hint.text()
    texts = {b.text() for b in demo.buttons.buttons()}
    assert texts == {"Sign in", "Quit"}


def test_badge_and_pin_switch_operator(qtbot, staffed):
    dialog = BadgeSignInDialog(staffed, "P-0777", "kai")
    qtbot.addWidget(dialog)
    dialog.pin.setText("9999")
    dialog.accept()
    assert dialog.banner_text() == "Wrong name or PIN."
    dialog.pin.setText(PIN)
    with qtbot.waitSignal(staffed.actor_changed):
        dialog.accept()
    assert staffed.actor == Actor("kai", Role.STAFF)


def test_first_admin_is_created_and_signed_in(qtbot, context, event_count):
    assert not context.query(operators.has_operators)
    dialog = FirstAdminDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("sam")
    dialog.display_name.setText("Sam Rivera")
    dialog.pin.setText("246813")  # an admin PIN is at least 6 characters
    dialog.pin_again.setText("246812")
    events = event_count()
    dialog.accept()
    assert "differ" in dialog.field_error("pin_again")
    dialog.pin_again.setText("246813")
    dialog.name.setText("sam rivera")  # a space is not allowed: nothing is written
    dialog.accept()
    assert "letters, digits" in dialog.field_error("name")
    assert not context.query(operators.has_operators)
    assert event_count() == events
    dialog.name.setText("sam")
    with qtbot.waitSignal(context.actor_changed):
        dialog.accept()
    assert context.actor == Actor("sam", Role.ADMIN)
    [sam] = context.query(operators.list_operators)
    assert (sam.name, sam.display_name, sam.role) == ("sam", "Sam Rivera", Role.ADMIN)
    assert sam.last_sign_in is not None


def test_first_run_loads_the_demo_with_its_operators(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    context, is_demo = app.open_context_first_run(url, lambda _path: FirstRunChoice.DEMO)
    try:
        assert is_demo
        ops = context.query(operators.list_operators)
        assert {(o.name, o.role) for o in ops} == {
            ("admin", Role.ADMIN),
            ("staff", Role.STAFF),
            ("assistant", Role.ASSISTANT),
        }
        result = context.perform(
            lambda s, _a: operators.sign_in(s, "staff", operators.DEMO_PIN), "operator"
        )
        assert result.actor == Actor("staff", Role.STAFF)
    finally:
        context.database.dispose()
    # Opening the demo house again loads nothing twice.
    again, is_demo_again = app.open_context_first_run(url, lambda _path: FirstRunChoice.DEMO)
    try:
        assert is_demo_again
        count = again.query(lambda s: s.scalar(select(func.count()).select_from(Operator)))
        assert count == 3
    finally:
        again.database.dispose()


def test_first_run_keeps_operators_a_database_already_has(database):
    with database.write() as s:
        operators.create_operator(s, local_actor(default_operator()), "owner", Role.ADMIN, PIN)
    with database.write() as s:
        assert app.first_run_setup(s, Actor("owner", Role.ADMIN)) is True
    with database.read() as s:
        assert [o.name for o in operators.list_operators(s)] == ["owner"]
