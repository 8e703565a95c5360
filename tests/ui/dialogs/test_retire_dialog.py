from __future__ import annotations

from gearroom.models import AssetStatus
from gearroom.services import catalog, history
from gearroom.services.changes import ChangeKind
from gearroom.ui.dialogs.retire import RetireDialog


def retire_fn(tag):
    def retire(session, actor, reason):
        return catalog.retire_asset(session, actor, tag, reason).id

    return retire


def test_a_reason_is_required(qtbot, context, add_asset, event_count):
    view = add_asset()
    before = event_count()
    dialog = RetireDialog(context, f"{view.tag} {view.name}", retire_fn(view.tag))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("   ")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.field_error("reason") == "Say why this item is retired."
    assert event_count() == before
    assert context.query(lambda s: catalog.get_asset(s, view.tag)).status is AssetStatus.AVAILABLE


def test_retiring_records_the_reason(qtbot, context, add_asset):
    view = add_asset()
    dialog = RetireDialog(context, view.tag, retire_fn(view.tag))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(context.changed) as changed:
        dialog.reason.setText("Sold to Studio North")
        dialog.accept()
    assert changed.args[0].kinds == {ChangeKind.ASSET}
    assert not dialog.isVisible()
    assert context.query(lambda s: catalog.get_asset(s, view.tag)).status is AssetStatus.RETIRED
    event = context.query(lambda s: history.events_for(s, "asset", view.id))[0]
    assert event.action == "retire"
    assert event.after["reason"] == "Sold to Studio North"


def test_a_refused_retirement_is_shown_and_changes_nothing(qtbot, context, add_asset, event_count):
    view = add_asset()
    context.perform(lambda s, a: catalog.retire_asset(s, a, view.tag, "first"), "asset")
    before = event_count()
    dialog = RetireDialog(context, view.tag, retire_fn(view.tag))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("again")
    dialog.accept()
    assert dialog.isVisible()
    assert "retired already" in dialog.banner_text()
    assert event_count() == before
