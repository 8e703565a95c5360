from __future__ import annotations

from gearroom.models import TagKind
from gearroom.services import history, kits, stock
from gearroom.ui.dialogs.kit import KitDialog


def open_dialog(qtbot, context, tag=None):
    dialog = KitDialog(context, tag)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def add_member(dialog, tag, quantity=1):
    dialog.member_tag.setText(tag)
    dialog.member_quantity.setValue(quantity)
    dialog.add_button.click()


def test_new_kit_with_items_and_stock_is_saved_in_one_go(qtbot, context, add_asset):
    camera = add_asset(name="ARRI Alexa 35")
    cable = context.perform(
        lambda s, a: stock.create_stock_item(s, a, "SDI cable 3m", "Grip", 20), "stock"
    )
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("Alexa 35 package")
    dialog.location.setCurrentIndex(dialog.location.findText("Shelf A1"))
    add_member(dialog, camera.tag.lower())
    add_member(dialog, cable.tag, 3)
    add_member(dialog, cable.tag, 1)
    assert [(m.tag, m.kind, m.quantity) for m in dialog.members()] == [
        (camera.tag, TagKind.ASSET, 1),
        (cable.tag, TagKind.STOCK, 4),
    ]
    assert dialog.member_table.item(0, 1).text() == "ARRI Alexa 35"
    dialog.accept()
    assert not dialog.isVisible()
    view = context.query(lambda s: kits.get_kit(s, "KIT-0001"))
    assert view.name == "Alexa 35 package" and view.location == "Shelf A1"
    assert [a.tag for a in view.assets] == [camera.tag]
    assert view.all_stock() == {cable.tag: 4}


def test_unknown_or_wrong_tags_are_refused_at_the_member_field(qtbot, context, add_asset):
    camera = add_asset()
    dialog = open_dialog(qtbot, context)
    add_member(dialog, "ZZZ-0404")
    assert "Unknown tag 'ZZZ-0404'" in dialog.member_error_text()
    add_member(dialog, "LOC-0001")
    assert "is a location" in dialog.member_error_text()
    add_member(dialog, camera.tag)
    add_member(dialog, camera.tag)
    assert dialog.member_error_text() == f"{camera.tag} is in this kit already."
    assert len(dialog.members()) == 1


def test_edit_renames_removes_a_member_and_records_it(qtbot, context, add_asset):
    a, b = add_asset(name="Lens A", category="Lens"), add_asset(name="Lens B", category="Lens")
    kit = context.perform(lambda s, act: kits.create_kit(s, act, "Lens case"), "kit")
    for member in (a, b):
        context.perform(lambda s, act, t=member.tag: kits.add_to_kit(s, act, kit.tag, t), "kit")
    dialog = open_dialog(qtbot, context, kit.tag)
    assert [m.tag for m in dialog.members()] == [a.tag, b.tag]
    dialog.name.setText("Prime case")
    dialog.member_table.selectRow(0)
    dialog.remove_button.click()
    dialog.accept()
    assert not dialog.isVisible()
    view = context.query(lambda s: kits.get_kit(s, kit.tag))
    assert view.name == "Prime case"
    assert [m.tag for m in view.assets] == [b.tag]
    actions = [e.action for e in context.query(lambda s: history.events_for(s, "kit", kit.id))]
    assert actions[:2] == ["kit_remove", "edit"]


def test_a_refused_member_keeps_the_dialog_open_and_writes_nothing(
    qtbot, context, add_asset, event_count
):
    camera = add_asset()
    other = context.perform(lambda s, a: kits.create_kit(s, a, "Other case"), "kit")
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("New case")
    add_member(dialog, camera.tag)
    # Meanwhile the camera goes into another kit.
    context.perform(lambda s, a: kits.add_to_kit(s, a, other.tag, camera.tag), "kit")
    before = event_count()
    dialog.accept()
    assert dialog.isVisible()
    assert "take it out of that kit first" in dialog.banner_text()
    assert event_count() == before
    assert [k.tag for k in context.query(kits.list_kits)] == [other.tag]
