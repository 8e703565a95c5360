from __future__ import annotations

import json

from gearroom.config import load_settings
from gearroom.ui.dialogs.settings import SettingsDialog, describe_database


def open_dialog(qtbot, context, path):
    dialog = SettingsDialog(context, config_file=path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_saves_the_house_details_and_the_next_database(qtbot, context, tmp_path):
    path = tmp_path / "config.json"
    dialog = open_dialog(qtbot, context, path)
    assert dialog.current_database.text() == describe_database(context.database)
    if context.database.path is not None:
        assert dialog.current_database.text() == str(context.database.path)
    dialog.house_name.setText("Northlight Camera Rentals")
    dialog.house_address.setText("12 Dock Road, Leith")
    dialog.house_phone.setText("+44 131 555 0100")
    dialog.default_location.setCurrentIndex(dialog.default_location.findText("Prep Bay 1"))
    dialog.database_url.setText("postgresql+psycopg://gear@db.local/gearroom")
    with qtbot.waitSignal(context.changed):
        dialog.accept()
    assert not dialog.isVisible()
    saved = load_settings(path)
    assert saved.house_name == "Northlight Camera Rentals"
    assert saved.house_address == "12 Dock Road, Leith"
    assert saved.house_phone == "+44 131 555 0100"
    assert saved.default_location == "Prep Bay 1"
    assert saved.database_url == "postgresql+psycopg://gear@db.local/gearroom"
    assert context.settings == saved


def test_bad_url_and_empty_name_are_refused_and_nothing_is_saved(qtbot, context, tmp_path):
    path = tmp_path / "config.json"
    dialog = open_dialog(qtbot, context, path)
    dialog.database_url.setText("not a url")
    dialog.accept()
    assert dialog.isVisible()
    assert "not a database URL" in dialog.field_error("database_url")
    dialog.database_url.setText("mysql://x@y/z")
    dialog.accept()
    assert "SQLite and PostgreSQL" in dialog.field_error("database_url")
    dialog.database_url.setText("")
    dialog.house_name.setText(" ")
    dialog.accept()
    assert dialog.field_error("house_name") == "Give the rental house a name."
    assert not path.exists()


def test_new_items_start_at_the_default_location(qtbot, context, tmp_path):
    from gearroom.ui.dialogs.asset import AssetDialog

    path = tmp_path / "config.json"
    dialog = open_dialog(qtbot, context, path)
    dialog.default_location.setCurrentIndex(dialog.default_location.findText("Shelf A1"))
    dialog.accept()
    assert json.loads(path.read_text())["default_location"] == "Shelf A1"
    asset_dialog = AssetDialog(context)
    qtbot.addWidget(asset_dialog)
    assert asset_dialog.location.currentText() == "Shelf A1"


def test_scanner_gap_suffix_and_prefix_are_saved_and_applied(qtbot, context, tmp_path):
    from gearroom.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    path = tmp_path / "config.json"
    dialog = open_dialog(qtbot, context, path)
    dialog.scanner.gap.setValue(45)
    dialog.scanner.suffix.setCurrentIndex(dialog.scanner.suffix.findData("tab"))
    dialog.scanner.prefix.setText("]")
    with qtbot.waitSignal(context.changed):
        dialog.accept()
    saved = load_settings(path)
    assert (saved.scan_gap_ms, saved.scan_suffix, saved.scan_prefix) == (45, "tab", "]")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["scan_suffix"] == "tab"
    detector = window.scanner
    assert (detector.gap_ms, detector.suffix, detector.prefix) == (45, "tab", "]")


def test_a_letter_is_no_scanner_prefix(qtbot, context, tmp_path):
    path = tmp_path / "config.json"
    dialog = open_dialog(qtbot, context, path)
    dialog.scanner.prefix.setText("A")
    dialog.accept()
    assert dialog.isVisible()
    assert "prefix" in dialog.field_error("scan_prefix")
    assert not path.exists()


def test_the_test_box_shows_what_the_last_scan_sent(qtbot, context, tmp_path):
    from PySide6.QtCore import Qt

    from gearroom.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    dialog.house_name.setFocus()
    qtbot.waitUntil(dialog.house_name.hasFocus)
    before = dialog.house_name.text()
    qtbot.keyClicks(dialog.house_name, "LNS-0018")
    qtbot.keyClick(dialog.house_name, Qt.Key.Key_Return)
    assert dialog.isVisible()  # the Enter of the scan did not press Save
    assert dialog.house_name.text() == before
    assert dialog.scanner.test_field.text() == "LNS-0018"
    details = dialog.scanner.test_details.toPlainText()
    assert "Recognised scan: 'LNS-0018'" in details
    assert "Timing: 8 key(s)" in details and "Return" in details
    dialog.reject()
