from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from gearroom.ui.scanner import ScanDetector


@pytest.fixture
def setup(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    layout.addWidget(field)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    detector = ScanDetector(window, gap_ms=35)
    detector.install()
    scans: list[str] = []
    detector.scanned.connect(scans.append)
    yield field, detector, scans
    detector.uninstall()


def test_fast_burst_with_enter_is_a_scan_and_reaches_no_widget(qtbot, setup):
    field, _, scans = setup
    qtbot.keyClicks(field, "cam-0042")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scans == ["cam-0042"]
    assert field.text() == ""


def test_human_typing_reaches_the_field_in_order(qtbot, setup):
    field, _, scans = setup
    qtbot.keyClicks(field, "lens", delay=80)
    qtbot.waitUntil(lambda: field.text() == "lens")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scans == []


def test_a_fast_burst_without_enter_is_delivered_as_typing(qtbot, setup):
    field, _, scans = setup
    qtbot.keyClicks(field, "abc")
    qtbot.waitUntil(lambda: field.text() == "abc")
    assert scans == []


def test_too_short_bursts_are_not_scans(qtbot, setup):
    field, _, scans = setup
    qtbot.keyClicks(field, "ab")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field.text() == "ab")
    assert scans == []


def test_shortcuts_are_never_swallowed(qtbot, setup):
    field, _, scans = setup
    field.setText("hello")
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.selectedText() == "hello"
    assert scans == []


def test_two_scans_in_a_row(qtbot, setup):
    field, _, scans = setup
    for tag in ("LNS-0001", "LNS-0002"):
        qtbot.keyClicks(field, tag)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scans == ["LNS-0001", "LNS-0002"]
    assert field.text() == ""


def test_feedback_shows_colour_message_and_sound(qtbot):
    from gearroom.ui.feedback import COLOURS, ScanFeedback, Verdict

    banner = ScanFeedback(hold_ms=50)
    qtbot.addWidget(banner)
    banner.show_verdict(Verdict.REFUSED, "CAM-0042 is in service")
    assert banner.message == "CAM-0042 is in service"
    assert COLOURS[Verdict.REFUSED][0] in banner.styleSheet()
    assert banner.sound.last_played is Verdict.REFUSED
    qtbot.waitUntil(lambda: COLOURS[None][0] in banner.styleSheet())
