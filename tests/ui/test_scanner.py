from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from gearroom.ui.scanner import DEFAULT_GAP_MS, BurstReport, ScanDetector


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


# --------------------------------------------------------------------------------------------
# Key events as a window system sends them: modifier keys pressed and released on their own,
# key releases, window-system timestamps. (QTest's keyClicks sends neither.)


Mod = Qt.KeyboardModifier
SHIFTED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")


class KeySpy(QObject):
    """Records every key event that reaches a widget (after the application's filters)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.seen: list[tuple[str, int, str]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
        ):
            kind = "press" if event.type() == QEvent.Type.KeyPress else "release"
            self.seen.append((kind, event.key(), event.text()))
        return False


class Keyboard:
    """Sends key events to the focused widget with window-system timestamps (ms)."""

    def __init__(self, start: int = 1_000_000) -> None:
        self.now = start

    def event(self, pressed: bool, key: int, mods: Mod, text: str, step: float) -> None:
        self.now += int(step)
        kind = QEvent.Type.KeyPress if pressed else QEvent.Type.KeyRelease
        target = QApplication.focusWidget()
        assert target is not None
        event = QKeyEvent(kind, key, mods, text)
        event.setTimestamp(self.now)
        QApplication.sendEvent(target, event)

    def tap(self, key: int, text: str, mods: Mod = Mod.NoModifier, step: float = 4) -> None:
        """Press ``step`` ms after the last event, release 1 ms later."""
        self.event(True, key, mods, text, step)
        self.event(False, key, mods, text, 1)

    def char(self, ch: str, step: float = 4, keypad: bool = False) -> None:
        """One character as an X server delivers it: Shift down and up around capitals."""
        key = ord(ch.upper()) if ch.isalpha() else ord(ch)
        if ch in SHIFTED:
            self.event(True, Qt.Key.Key_Shift, Mod.NoModifier, "", step)
            self.event(True, key, Mod.ShiftModifier, ch, 1)
            self.event(False, key, Mod.ShiftModifier, ch, 1)
            self.event(False, Qt.Key.Key_Shift, Mod.ShiftModifier, "", 1)
        else:
            mods = Mod.KeypadModifier if keypad and ch.isdigit() else Mod.NoModifier
            self.tap(key, ch, mods, step)

    def scan(self, tag: str, step: float = 4, suffix: str = "enter") -> None:
        for ch in tag:
            self.char(ch, step)
        if suffix == "tab":
            self.tap(Qt.Key.Key_Tab, "\t", step=step)
        else:
            self.tap(Qt.Key.Key_Return, "\r", step=step)
            if suffix == "crlf":
                self.tap(Qt.Key.Key_J, "\n", Mod.ControlModifier, step=step)


@pytest.fixture
def real_keys(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    combo = QComboBox()
    combo.addItems(["Morning Show Promo", "Desert Run", "Lighthouse", "Salt Flats", "Promo 2"])
    combo.setCurrentIndex(0)
    nav = QListWidget()
    nav.addItems(["Dashboard", "Inventory", "Productions", "Check-out", "Labels", "Service"])
    nav.setCurrentRow(1)
    for w in (field, combo, nav):
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    detector = ScanDetector(window, gap_ms=35)
    detector.install()
    scans: list[str] = []
    detector.scanned.connect(scans.append)
    yield {"field": field, "combo": combo, "nav": nav, "detector": detector, "scans": scans}
    detector.uninstall()


def _focus(qtbot, widget: QWidget) -> KeySpy:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    return KeySpy(widget)


@pytest.mark.parametrize("tag", ["LNS-0018", "PWR-0001", "lns-0018", "PRD-0004"])
@pytest.mark.parametrize("where", ["field", "combo", "nav"])
def test_shift_around_capitals_is_part_of_the_scan_and_no_key_reaches_the_widget(
    qtbot, real_keys, where: str, tag: str
) -> None:
    spy = _focus(qtbot, real_keys[where])
    Keyboard().scan(tag)
    assert real_keys["scans"] == [tag]
    assert spy.seen == []  # not a press, not a release, not a modifier
    assert real_keys["field"].text() == ""
    assert real_keys["combo"].currentIndex() == 0
    assert real_keys["nav"].currentRow() == 1


def test_the_releases_of_a_scan_after_its_suffix_are_swallowed(qtbot, real_keys) -> None:
    spy = _focus(qtbot, real_keys["combo"])
    kb = Keyboard()
    for ch in "CAM-0042":
        kb.char(ch)
    kb.event(True, Qt.Key.Key_Return, Mod.NoModifier, "\r", 4)
    assert real_keys["scans"] == ["CAM-0042"]
    qtbot.wait(80)  # the scan is handled; the Return release comes late
    kb.event(False, Qt.Key.Key_Return, Mod.NoModifier, "\r", 80)
    assert spy.seen == []


def test_shift_held_caps_and_keypad_digits(qtbot, real_keys) -> None:
    spy = _focus(qtbot, real_keys["field"])
    kb = Keyboard()
    kb.event(True, Qt.Key.Key_Shift, Mod.NoModifier, "", 4)
    for ch in "LNS":
        kb.tap(ord(ch), ch, Mod.ShiftModifier)
    kb.event(False, Qt.Key.Key_Shift, Mod.ShiftModifier, "", 2)
    kb.char("-")
    for ch in "0018":
        kb.char(ch, keypad=True)
    kb.tap(Qt.Key.Key_Enter, "\r", Mod.KeypadModifier)  # the keypad's Enter
    # Caps Lock on: a Caps Lock press, then letters whose text is upper-case without Shift.
    kb.tap(Qt.Key.Key_CapsLock, "")
    for ch in "CAM-0001":
        kb.tap(ord(ch), ch)
    kb.tap(Qt.Key.Key_Return, "\r")
    assert real_keys["scans"] == ["LNS-0018", "CAM-0001"]
    assert spy.seen == []


def test_altgr_and_shifted_digits_of_other_layouts(qtbot, real_keys) -> None:
    """French AZERTY: digits need Shift; German: a prefix like ']' needs AltGr."""
    spy = _focus(qtbot, real_keys["field"])
    real_keys["detector"].prefix = "]"
    kb = Keyboard()
    kb.event(True, Qt.Key.Key_AltGr, Mod.NoModifier, "", 4)
    kb.tap(Qt.Key.Key_BracketRight, "]", Mod.GroupSwitchModifier, step=1)
    kb.event(False, Qt.Key.Key_AltGr, Mod.GroupSwitchModifier, "", 1)
    for ch in "LNS":
        kb.char(ch)
    kb.tap(Qt.Key.Key_Minus, "-")
    for ch in "0018":
        kb.event(True, Qt.Key.Key_Shift, Mod.NoModifier, "", 4)
        kb.tap(ord(ch), ch, Mod.ShiftModifier, step=1)
        kb.event(False, Qt.Key.Key_Shift, Mod.ShiftModifier, "", 1)
    kb.tap(Qt.Key.Key_Return, "\r")
    assert real_keys["scans"] == ["LNS-0018"]
    assert spy.seen == []


def test_tab_and_cr_lf_suffixes(qtbot, real_keys) -> None:
    spy = _focus(qtbot, real_keys["field"])
    detector = real_keys["detector"]
    Keyboard().scan("LNS-0018", suffix="crlf")
    assert real_keys["scans"] == ["LNS-0018"]
    assert spy.seen == []  # neither the Enter nor the line feed reached the field
    detector.suffix = "tab"
    Keyboard(2_000_000).scan("CAM-0042", suffix="tab")
    assert real_keys["scans"] == ["LNS-0018", "CAM-0042"]
    assert real_keys["field"].hasFocus()  # the Tab moved no focus
    assert spy.seen == []


@pytest.mark.parametrize("step", [1, 8, 40])
def test_scanner_speeds(qtbot, real_keys, step: int) -> None:
    """1 to 40 ms a key, with the default gap."""
    real_keys["detector"].gap_ms = DEFAULT_GAP_MS
    spy = _focus(qtbot, real_keys["combo"])
    Keyboard().scan("KIT-0003", step=step)
    assert real_keys["scans"] == ["KIT-0003"]
    assert spy.seen == []


def test_a_person_typing_capitals_with_shift_types(qtbot, real_keys) -> None:
    field = real_keys["field"]
    _focus(qtbot, field)
    kb = Keyboard()
    for ch in "Ab":
        kb.char(ch, step=150)
        qtbot.wait(120)  # a person: the held key is let go before the next one
    qtbot.waitUntil(lambda: field.text() == "Ab")
    kb.tap(Qt.Key.Key_Return, "\r", step=150)
    assert real_keys["scans"] == []
    report = real_keys["detector"].last_report
    assert isinstance(report, BurstReport) and report.scan is None


def test_a_slow_burst_is_typing_even_when_delivered_late(qtbot, real_keys) -> None:
    """The gaps come from the window system's timestamps, not from when Qt delivers them."""
    field = real_keys["field"]
    _focus(qtbot, field)
    kb = Keyboard()
    for ch in "abcd":
        kb.char(ch, step=120)  # delivered at once, stamped 120 ms apart
    kb.tap(Qt.Key.Key_Return, "\r", step=120)
    qtbot.waitUntil(lambda: field.text() == "abcd")
    assert real_keys["scans"] == []


def test_the_report_says_what_the_scanner_sent(qtbot, real_keys) -> None:
    _focus(qtbot, real_keys["field"])
    reports: list[BurstReport] = []
    real_keys["detector"].burst_finished.connect(reports.append)
    Keyboard().scan("LN-1")
    (report,) = reports
    assert report.scan == "LN-1" and report.suffix == "Return"
    text = report.describe()
    assert "Recognised scan: 'LN-1'" in text
    assert "Shift↓" in text and "Shift↑" in text and "4 key(s)" in text


def test_an_enter_a_little_late_after_a_scanner_fast_burst_still_ends_the_scan(
    qtbot, real_keys
) -> None:
    spy = _focus(qtbot, real_keys["field"])
    kb = Keyboard()
    for ch in "LNS-0018":
        kb.char(ch, step=8)
    qtbot.wait(400)
    kb.tap(Qt.Key.Key_Return, "\r", step=400)
    assert real_keys["scans"] == ["LNS-0018"]
    assert spy.seen == []


def test_a_scan_in_a_dialog_goes_to_its_scan_field(qtbot, context, add_asset):
    """Kit dialog: the scan lands in its member list, not in the focused name field."""
    from gearroom.ui.dialogs.kit import KitDialog
    from gearroom.ui.main_window import MainWindow

    lens = add_asset(name="Cooke S4/i 32mm", category="Lens")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dialog = KitDialog(context, parent=window)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    dialog.name.setFocus()
    qtbot.waitUntil(dialog.name.hasFocus)
    qtbot.keyClicks(dialog.name, lens.tag.lower())
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert [m.tag for m in dialog.members()] == [lens.tag]
    assert dialog.name.text() == ""
    assert dialog.isVisible()
    dialog.reject()


def test_a_dialog_without_a_scan_field_refuses_the_scan(qtbot, context):
    from gearroom.ui.dialogs.production import ProductionDialog
    from gearroom.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dialog = ProductionDialog(context, parent=window)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    dialog.name.setFocus()
    qtbot.waitUntil(dialog.name.hasFocus)
    qtbot.keyClicks(dialog.name, "LNS-0018")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter did not save it
    assert dialog.name.text() == ""
    assert "takes no scans" in dialog.banner.text()
    assert "takes no scans" in window.statusBar().currentMessage()
    dialog.reject()
