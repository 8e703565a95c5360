"""The production dialog: days are saved with the kind picked, and kinds change in place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt

from gearroom.models import ShootDayKind
from gearroom.services import productions
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.production import ProductionDialog


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _kinds(context: AppContext, tag: str) -> dict[date, ShootDayKind]:
    view = context.query(lambda s: productions.get_production(s, tag))
    return {d.day: d.kind for d in view.days}


def test_days_are_saved_with_the_kind_picked(qtbot: Any, context: AppContext) -> None:
    dialog = ProductionDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Nightfall")
    start = date.today() + timedelta(days=10)
    for kind, first, last in (
        (ShootDayKind.PREP, start, start),
        (ShootDayKind.SHOOT, start + timedelta(days=1), start + timedelta(days=2)),
        (ShootDayKind.WRAP, start + timedelta(days=3), start + timedelta(days=3)),
    ):
        dialog.first.setDate(_qdate(first))
        dialog.last.setDate(_qdate(last))
        # Picked the way a person does: the drop-down's entry by its text.
        dialog.kind.setCurrentIndex(dialog.kind.findText(kind.value))
        qtbot.mouseClick(dialog.add_days_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    tag = context.query(lambda s: productions.list_productions(s))[0].tag
    assert _kinds(context, tag) == {
        start: ShootDayKind.PREP,
        start + timedelta(days=1): ShootDayKind.SHOOT,
        start + timedelta(days=2): ShootDayKind.SHOOT,
        start + timedelta(days=3): ShootDayKind.WRAP,
    }


def test_a_days_kind_is_changed_in_place(qtbot: Any, context: AppContext) -> None:
    start = date.today() + timedelta(days=5)
    view = context.perform(
        lambda s, a: productions.create_production(
            s,
            a,
            "Salt Flats",
            days=[
                productions.ShootDayDraft(start, ShootDayKind.SHOOT, "Desert", None),
                productions.ShootDayDraft(
                    start + timedelta(days=1), ShootDayKind.SHOOT, "Desert", None
                ),
            ],
        ),
        "production",
    )
    dialog = ProductionDialog(
        context, context.query(lambda s: productions.get_production(s, view.tag))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.day_kind_picker(start)
    assert picker is not None and picker.currentText() == "shoot"
    picker.setCurrentIndex(picker.findText("prep"))
    assert dialog.days.item(0, 1).text() == "prep"
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    assert _kinds(context, view.tag) == {
        start: ShootDayKind.PREP,
        start + timedelta(days=1): ShootDayKind.SHOOT,
    }
