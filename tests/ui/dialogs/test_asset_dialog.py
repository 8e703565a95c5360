from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from gearroom.models import Asset
from gearroom.services import catalog, history
from gearroom.ui.dialogs.asset import AssetDialog


def asset_count(context):
    return context.query(lambda s: s.scalar(select(func.count()).select_from(Asset)))


def open_dialog(qtbot, context, asset_id=None):
    dialog = AssetDialog(context, asset_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_category_fields_follow_the_category_and_keep_what_was_typed(qtbot, context):
    dialog = open_dialog(qtbot, context)
    dialog.category.setCurrentIndex(dialog.category.findText("Camera"))
    assert set(dialog.attributes()) == {"mount", "sensor_hours", "firmware"}
    dialog.attribute_input("mount").setText("PL")
    dialog.category.setCurrentIndex(dialog.category.findText("Drone"))
    assert set(dialog.attributes()) == {"registration", "remote_id", "battery_cycles"}
    assert dialog.details.title() == "Drone details"
    dialog.category.setCurrentIndex(dialog.category.findText("Lens"))
    assert dialog.attribute_input("mount").text() == "PL"
    dialog.category.setCurrentIndex(dialog.category.findText("Grip"))
    assert dialog.attributes() == {}
    assert dialog.details.isHidden()


def test_new_item_is_created_with_its_category_fields(qtbot, context):
    dialog = open_dialog(qtbot, context)
    saved = []
    dialog.saved.connect(saved.append)
    dialog.name.setText("Cooke S4/i 32mm")
    dialog.category.setCurrentIndex(dialog.category.findText("Lens"))
    dialog.serial.setText("C32-118")
    dialog.location.setCurrentIndex(dialog.location.findText("Shelf A1"))
    dialog.purchase_date.setText("2023-04-01")
    dialog.purchase_value.setText("14,500")
    dialog.attribute_input("focal_length").setText("32")
    dialog.attribute_input("max_aperture").setText("2")
    dialog.accept()
    assert dialog.result() == AssetDialog.DialogCode.Accepted
    view = context.query(lambda s: catalog.get_asset(s, "LNS-0001"))
    assert saved == [view.id]
    assert view.serial == "C32-118" and view.location == "Shelf A1"
    assert view.purchase_value == Decimal("14500.00")
    assert view.attributes == {"focal_length": "32", "max_aperture": 2.0}


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_written(qtbot, context, event_count):
    before_assets, before_events = asset_count(context), event_count()
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("Sony Venice 2")
    dialog.purchase_value.setText("lots")
    dialog.accept()
    assert dialog.isVisible()
    assert "not an amount of money" in dialog.field_error("purchase_value")
    assert dialog.purchase_value.property("invalid") is True
    assert dialog.focusWidget() is dialog.purchase_value
    assert dialog.name.text() == "Sony Venice 2"  # input kept
    assert (asset_count(context), event_count()) == (before_assets, before_events)

    # Fixing it clears the error and saves.
    dialog.purchase_value.setText("")
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.field_error("purchase_value") == ""
    assert asset_count(context) == before_assets + 1


def test_a_bad_category_field_is_shown_under_that_field(qtbot, context, event_count):
    before = event_count()
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("DJI Inspire 3")
    dialog.category.setCurrentIndex(dialog.category.findText("Drone"))
    dialog.attribute_input("battery_cycles").setText("many")
    dialog.accept()
    assert dialog.isVisible()
    assert "whole number" in dialog.field_error("battery_cycles")
    assert event_count() == before


def test_a_missing_name_is_shown_at_the_name(qtbot, context, event_count):
    before = event_count()
    dialog = open_dialog(qtbot, context)
    dialog.accept()
    assert dialog.field_error("name") == "Name is required."
    assert dialog.banner_text() == ""
    assert event_count() == before


def test_a_taken_tag_is_shown_in_the_dialog(qtbot, context, add_asset, event_count):
    add_asset(tag="CAM-0100")
    before = event_count()
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("Another camera")
    dialog.tag.setText("cam-0100")
    dialog.accept()
    assert dialog.isVisible()
    message = dialog.banner_text() or dialog.field_error("tag")
    assert "CAM-0100" in message
    assert event_count() == before


def test_editing_writes_an_event_with_before_and_after(qtbot, context, add_asset):
    view = add_asset(name="Sony FX6", location="Shelf A1", attributes={"firmware": "2.0"})
    dialog = open_dialog(qtbot, context, view.id)
    assert dialog.name.text() == "Sony FX6"
    assert dialog.location.currentText() == "Shelf A1"
    assert dialog.attribute_input("firmware").text() == "2.0"
    dialog.location.setCurrentIndex(dialog.location.findText("Prep Bay 1"))
    dialog.attribute_input("firmware").setText("4.1")
    dialog.accept()
    assert not dialog.isVisible()
    events = context.query(lambda s: history.events_for(s, "asset", view.id))
    assert events[0].action == "edit"
    assert events[0].before == {"location": "Shelf A1", "attributes": {"firmware": "2.0"}}
    assert events[0].after == {"location": "Prep Bay 1", "attributes": {"firmware": "4.1"}}
    assert len(events) == 2


def test_saving_without_changes_writes_no_event(qtbot, context, add_asset, event_count):
    view = add_asset(purchase_value="1200", purchase_date="2022-01-05", attributes={"mount": "E"})
    before = event_count()
    dialog = open_dialog(qtbot, context, view.id)
    dialog.accept()
    assert not dialog.isVisible()
    assert event_count() == before


def _save_button(dialog):
    from PySide6.QtWidgets import QDialogButtonBox

    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_the_dialog_says_loading_until_its_data_arrives_off_the_ui_thread(
    qtbot, context, add_asset
):
    asset = add_asset(name="ARRI Alexa Mini LF", serial="AML-2201")
    context.operations.inline = False  # the real door: the read runs in a pool thread
    dialog = open_dialog(qtbot, context, asset.id)
    assert dialog.loading
    assert dialog.loading_label.isVisible() and dialog.loading_label.text() == "Loading…"
    assert not _save_button(dialog).isEnabled()
    assert dialog.name.text() == ""  # nothing until the answer
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    assert not dialog.loading_label.isVisible()
    assert _save_button(dialog).isEnabled()
    assert dialog.name.text() == "ARRI Alexa Mini LF" and dialog.serial.text() == "AML-2201"
    assert dialog.category.currentText() == "Camera"


def test_a_failed_load_is_one_line_in_the_dialog_and_save_stays_off(qtbot, context, add_asset):
    asset = add_asset(name="Sony FX6")
    dialog = open_dialog(qtbot, context, asset.id + 1000)
    assert dialog.banner_text() == f"Asset #{asset.id + 1000} no longer exists."
    assert "\n" not in dialog.banner_text()
    assert not dialog.loading and not dialog.loading_label.isVisible()
    assert not _save_button(dialog).isEnabled()
    before = asset_count(context)
    dialog.accept()
    assert dialog.isVisible() and asset_count(context) == before
