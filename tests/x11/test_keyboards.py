"""What different scanners and keyboards send, through a real X server: Shift held, Caps Lock,
keypad digits, German and French layouts (digits behind Shift, a prefix behind AltGr), Tab and
CR+LF suffixes, and scans while a dialog is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from scanning import leaked_text, unexpected

TAG = "LNS-0018"
INVENTORY_CHANGES = ("ItemTable#0(assetTable)", "HistoryView", "QPushButton")


@pytest.fixture
def inventory(apps: Any) -> Iterator[Any]:
    app = apps("keyboards")
    app.show("Inventory")
    yield app
    app.server.layout("us")


def _scan_into_search(app: Any, script: list[str]) -> dict[str, Any]:
    """Send ``script`` with focus in the inventory search: one scan of TAG (any case) arrives."""
    app.show("Inventory")
    target = app.focus("QLineEdit", 0)
    before = app.state()
    app.keys(script)
    after = app.state()
    scans = [s.upper() for s in after["scans"][len(before["scans"]) :]]
    assert scans == [TAG], app.ask("call", what="last_report")["result"]
    assert after["values"][target] == before["values"][target] == ""
    assert unexpected(before, after, INVENTORY_CHANGES) == {}
    assert leaked_text(after, TAG) == []
    return after


def test_shift_held_across_the_letters(inventory: Any) -> None:
    _scan_into_search(
        inventory,
        [
            "keydown shift",
            "type --delay 8 lns",
            "keyup shift",
            "type --delay 8 -- -0018",
            "key --delay 8 Return",
        ],
    )


def test_caps_lock_on(inventory: Any) -> None:
    """Caps Lock on: Shift+l gives "l"; the scan is recognised whatever its case."""
    try:
        _scan_into_search(
            inventory,
            ["key Caps_Lock", "sleep 0.3", "type --delay 8 LNS-0018", "key --delay 8 Return"],
        )
    finally:
        inventory.keys(["key Caps_Lock"])


def test_keypad_digits(inventory: Any) -> None:
    _scan_into_search(
        inventory,
        [
            "type --delay 8 LNS-",
            "key --delay 8 KP_0 KP_0 KP_1 KP_8 Return",
        ],
    )


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["de", "fr"])
@pytest.mark.parametrize("delay", [1, 8, 40])
def test_layouts_where_keys_need_a_modifier(inventory: Any, layout: str, delay: int) -> None:
    """German: '-' has its own key; French AZERTY: every digit needs Shift."""
    inventory.server.layout(layout)
    _scan_into_search(inventory, [f"type --delay {delay} LNS-0018", f"key --delay {delay} Return"])


def test_cr_lf_suffix_in_a_dialog_leaks_no_enter(inventory: Any) -> None:
    """Enter then a line feed: a stray Enter would press the dialog's default button."""
    assert inventory.ask("settings")["ok"]  # the dialog has the keyboard
    inventory.keys(["type --delay 8 LNS-0018", "key --delay 8 Return ctrl+j"])
    after = inventory.state()
    assert after["dialog"] == "Settings"
    assert after["dialog_values"]["QLineEdit#5(scanTest)"] == TAG
    report = inventory.ask("call", what="last_report")["result"]
    assert "Recognised scan: 'LNS-0018'" in report
    inventory.keys(["type --delay 8 LNS-0018", "key --delay 8 Return Return"])
    again = inventory.state()
    assert again["dialog"] == "Settings"
    inventory.ask("close_dialog")


def test_a_dialog_without_a_scan_field_refuses_the_scan(apps: Any) -> None:
    app = apps("keyboards")
    app.show("Productions")
    assert app.ask("call", what="new_production")["ok"]
    before = app.state()
    assert before["dialog"] == "New production"
    app.keys(["type --delay 8 LNS-0018", "key --delay 8 Return"])
    after = app.state()
    assert after["dialog"] == "New production"  # Enter did not save it
    assert after["dialog_values"] == before["dialog_values"]
    assert "takes no scans" in after["dialog_banner"]
    assert after["page"] == "Productions"
    app.ask("close_dialog")


def test_tab_suffix_and_a_prefix_behind_altgr(apps: Any) -> None:
    """A scanner set to send ']' before and Tab after the tag, on a German keyboard (AltGr+9)."""
    app = apps("tab", {"scan_suffix": "tab", "scan_prefix": "]"})
    app.server.layout("de")
    try:
        app.show("Check-in")
        target = app.focus("QLineEdit", 1)
        before = app.state()
        app.keys(["type --delay 8 ]LNS-0018", "key --delay 8 Tab"])
        after = app.state()
    finally:
        app.server.layout("us")
    assert after["scans"][-1:] == [TAG], app.ask("call", what="last_report")["result"]
    assert after["focus_key"] == target == before["focus_key"]  # Tab moved no focus
    assert after["values"][target] == ""
