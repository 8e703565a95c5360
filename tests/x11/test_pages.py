"""A scanner typing through a real X server on every page, focus in every kind of widget.

The scan must reach the open page (which does what it means: opens the item, selects the
production, queues the label…) and nothing else may change: no character in the focused field,
no other item in a combo box, no other row in the sidebar, no page switch unless meant.
"""

from __future__ import annotations

from typing import Any

import pytest
from scanning import changed, leaked_text, unexpected

#: page → (tag to scan, key prefixes of widgets the page itself changes for that scan,
#:         the page the scan should end on)
PAGES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "Dashboard": ("LNS-0018", (), "Inventory"),
    "Inventory": (
        "LNS-0018",
        ("ItemTable#0(assetTable)", "HistoryView", "QPushButton"),
        "Inventory",
    ),
    "Productions": ("PRD-0004", ("DeskTable", "QComboBox#0"), "Productions"),
    "Service": ("LNS-0018", ("DeskTable", "QListWidget#0(ticketNotes)", "QLineEdit"), "Service"),
    "Labels": ("LNS-0018", ("QListWidget#1",), "Labels"),
    "Reports": ("LNS-0018", (), "Reports"),
}

#: page → the widgets focused before scanning: (kind, index among the focusable ones)
FOCUS: dict[str, list[tuple[str, int]]] = {
    "Dashboard": [("DeskTable", 0), ("DeskTable", 2), ("navigation", 0)],
    "Inventory": [
        ("QLineEdit", 0),
        ("QComboBox", 0),
        ("QComboBox", 1),
        ("QComboBox", 2),
        ("ItemTable", 0),
        ("QPushButton", 0),
        ("navigation", 0),
    ],
    "Productions": [("DeskTable", 0), ("QComboBox", 0), ("QPushButton", 0), ("navigation", 0)],
    "Service": [("QLineEdit", 0), ("QLineEdit", 2), ("DeskTable", 0), ("navigation", 0)],
    "Labels": [
        ("QComboBox", 0),
        ("QSpinBox", 0),
        ("QDoubleSpinBox", 0),
        ("QCheckBox", 0),
        ("QLineEdit", 0),
        ("QListWidget", 0),
        ("QDateEdit", 0),
        ("navigation", 0),
    ],
    "Reports": [("QComboBox", 0), ("QSpinBox", 0), ("QPushButton", 0), ("navigation", 0)],
}

CASES = [
    pytest.param(page, kind, index, id=f"{page}-{kind}{index}")
    for page, kinds in FOCUS.items()
    for kind, index in kinds
]


def scan_on(app: Any, page: str, kind: str, index: int, tag: str, delay: int = 8) -> Any:
    app.show(page)
    target = app.focus(kind, index)
    before = app.state()
    app.scan(tag, delay_ms=delay)
    after = app.state()
    return target, before, after


def check(page: str, target: str, before: Any, after: Any, tag: str) -> None:
    _, allowed, lands_on = PAGES[page]
    assert after["scans"][-1:] == [tag], f"the scan was not routed: {after['scans']}"
    assert after["page"] == lands_on
    if lands_on == page:
        assert after["nav_row"] == before["nav_row"]
        surprise = unexpected(before, after, allowed)
        assert surprise == {}, f"the scan changed {surprise} (focus was on {target})"
        if target != "navigation" and not target.startswith(allowed):
            assert after["values"].get(target) == before["values"].get(target)
        assert leaked_text(after, tag) == leaked_text(before, tag)
    else:
        assert leaked_text(after, tag) == [], "a piece of the tag landed in a field"
    assert after["dialog"] is None


@pytest.mark.parametrize(("page", "kind", "index"), CASES)
def test_an_upper_case_scan_at_8_ms_reaches_the_page_and_changes_nothing_else(
    apps: Any, page: str, kind: str, index: int
) -> None:
    app = apps("browse")
    tag = PAGES[page][0]
    target, before, after = scan_on(app, page, kind, index, tag)
    check(page, target, before, after, tag)


@pytest.mark.parametrize("delay", [1, 8, 40])
@pytest.mark.parametrize("lower", [False, True], ids=["upper", "lower"])
@pytest.mark.parametrize(
    ("page", "kind"),
    [("Inventory", "QLineEdit"), ("Inventory", "QComboBox"), ("Labels", "navigation")],
)
def test_scanner_speeds_and_lower_case_tags(
    apps: Any, page: str, kind: str, delay: int, lower: bool
) -> None:
    app = apps("browse")
    tag = PAGES[page][0].lower() if lower else PAGES[page][0]
    target, before, after = scan_on(app, page, kind, 0, tag, delay=delay)
    check(page, target, before, after, tag)


def test_the_inventory_scan_opens_the_item(apps: Any) -> None:
    app = apps("browse")
    app.show("Inventory")
    app.focus("QComboBox", 1)
    app.scan("LNS-0018")
    after = app.state()
    assert after["feedback"] is None or "Unknown" not in str(after["feedback"])
    table = after["values"]["ItemTable#0(assetTable)"]
    assert table["current"][0] >= 0 and table["selected"], after


def test_a_person_typing_still_types(apps: Any) -> None:
    """Typing at human speed reaches the focused field, and Enter is not taken as a scan."""
    app = apps("browse")
    app.show("Inventory")
    target = app.focus("QLineEdit", 0)
    before = app.state()
    app.type_slowly("zeiss", delay_ms=150)
    after = app.state()
    assert after["values"][target] == before["values"][target] + "zeiss"
    assert after["scans"] == before["scans"]
    app.server.xdotool_script(["key ctrl+a", "key BackSpace"])
    cleared = app.state()
    assert cleared["values"][target] == ""
    assert changed(before, cleared).keys() <= {"ItemTable#0(assetTable)"}
