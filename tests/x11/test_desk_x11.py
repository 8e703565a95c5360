"""Check-out and check-in through a real X server: the scans land in the cart and in the
database, whatever had focus, and nothing else on the page changes."""

from __future__ import annotations

from typing import Any

import pytest
from scanning import book_for_desk, free_assets, leaked_text, out_assets, rows, unexpected

#: (focus kind, index, ms a key, lower-case tag)
DESK_FOCUS = [
    ("QLineEdit", 0, 8, False),
    ("QComboBox", 0, 8, False),
    ("QComboBox", 1, 1, False),
    ("QDateEdit", 0, 40, False),
    ("CartTable", 0, 8, True),
    ("QPushButton", 0, 8, False),
    ("navigation", 0, 8, False),
    ("QComboBox", 0, 40, True),
]


def _cart_rows(state: dict[str, Any]) -> int:
    return int(state["values"]["CartTable#0"]["rows"])


@pytest.mark.slow
def test_check_out_by_scanner_with_focus_anywhere(apps: Any) -> None:
    app = apps("checkout")
    free = free_assets(app.db_path, len(DESK_FOCUS))
    assert len(free) == len(DESK_FOCUS)
    # What is scanned is booked (an unbooked scan asks for a reason first).
    booked = free_assets(app.db_path, len(DESK_FOCUS) + 1)
    book_for_desk(app.db_path, "PRD-0004", [*booked, ("PWR-0022", 1)])
    app.show("Check-out")
    # The production sheet scanned while its own combo box has focus, the badge likewise.
    app.focus("QComboBox", 0)
    app.scan("PRD-0004")
    app.focus("QComboBox", 1)
    app.scan("P-0004")
    state = app.state()
    assert state["values"]["QComboBox#0(productionPicker)"][1].startswith("PRD-0004")
    assert state["values"]["QComboBox#1(custodianPicker)"][1].endswith("(P-0004)")
    sent = []
    for (kind, index, delay, lower), tag in zip(DESK_FOCUS, free, strict=True):
        target = app.focus(kind, index)
        before = app.state()
        app.scan(tag.lower() if lower else tag, delay_ms=delay)
        after = app.state()
        assert after["scans"][-1].upper() == tag, (target, after["scans"])
        assert _cart_rows(after) == _cart_rows(before) + 1, (target, after["feedback"])
        assert after["feedback"].startswith(tag), after["feedback"]
        surprise = unexpected(before, after, ("CartTable",))
        assert surprise == {}, f"scanning {tag} with focus on {target} changed {surprise}"
        assert after["nav_row"] == before["nav_row"] and after["page"] == "Check-out"
        assert leaked_text(after, tag) == []
        sent.append(tag)
    # Stock scanned with focus on the production: the production must not change.
    app.focus("QComboBox", 0)
    before = app.state()
    app.scan("PWR-0022")
    after = app.state()
    assert unexpected(before, after, ("CartTable",)) == {}
    editors = after["values"]["CartTable#0"]["editors"]
    assert [e[2] for e in editors] == ["1"]
    # And with focus in that line's quantity spin box: the quantity stays 1.
    app.focus("tableEditor")
    tag = booked[-1]  # the next free asset (booked above)
    app.scan(tag)
    after = app.state()
    assert [e[2] for e in after["values"]["CartTable#0"]["editors"]] == ["1"]
    sent.append(tag)

    answer = app.ask("call", what="commit")
    checkout_id = answer["result"]
    assert isinstance(checkout_id, int)
    lines = rows(
        app.db_path,
        "SELECT COALESCE(a.tag, s.tag), l.quantity FROM checkout_lines l "
        "LEFT JOIN assets a ON a.id = l.asset_id LEFT JOIN stock_items s ON s.id = l.stock_item_id "
        "WHERE l.checkout_id = ?",
        checkout_id,
    )
    assert sorted(lines) == sorted([(t, 1) for t in sent] + [("PWR-0022", 1)])
    production = rows(
        app.db_path,
        "SELECT p.tag FROM checkouts c JOIN productions p ON p.id = c.production_id WHERE c.id = ?",
        checkout_id,
    )
    assert production == [("PRD-0004",)]
    done = app.state()
    assert done["focus_key"] == "QLineEdit#0(scanField)"


CHECKIN_FOCUS = [
    ("QLineEdit", 0, 8, False),  # the scan field
    ("QLineEdit", 1, 8, False),  # the note
    ("QPushButton", 0, 8, False),  # condition OK
    ("QPushButton", 3, 1, True),  # condition Missing (focused, not pressed)
    ("QCheckBox", 0, 40, False),  # the whole-kit switch
    ("DeskTable", 0, 8, True),
    ("QListWidget", 0, 8, False),
    ("navigation", 0, 40, True),
]


def _line(db: Any, tag: str) -> tuple[Any, ...]:
    found = rows(
        db,
        "SELECT l.returned_at IS NOT NULL, l.condition, l.note FROM checkout_lines l "
        "JOIN assets a ON a.id = l.asset_id WHERE a.tag = ? ORDER BY l.id DESC LIMIT 1",
        tag,
    )
    return found[0]


@pytest.mark.slow
def test_check_in_by_scanner_with_focus_anywhere(apps: Any) -> None:
    app = apps("checkin")
    out = out_assets(app.db_path)
    assert len(out) > len(CHECKIN_FOCUS) + 1
    app.show("Check-in")
    for (kind, index, delay, lower), tag in zip(CHECKIN_FOCUS, out, strict=False):
        target = app.focus(kind, index)
        before = app.state()
        app.scan(tag.lower() if lower else tag, delay_ms=delay)
        after = app.state()
        assert after["scans"][-1].upper() == tag
        assert _line(app.db_path, tag) == (1, "ok", ""), f"{tag} with focus on {target}"
        surprise = unexpected(before, after, ("DeskTable", "QListWidget#0(returnedList)"))
        assert surprise == {}, f"scanning {tag} with focus on {target} changed {surprise}"
        assert after["nav_row"] == before["nav_row"] and after["page"] == "Check-in"
        assert leaked_text(after, tag) == []
    # A note typed by hand goes with the next scan, and only the note: no piece of the tag.
    tag = out[len(CHECKIN_FOCUS)]
    app.focus("QLineEdit", 1)
    app.type_slowly("cap-loose", delay_ms=120)
    typed = app.state()
    assert typed["values"]["QLineEdit#1(conditionNote)"] == "cap-loose"
    app.scan(tag)
    after = app.state()
    assert _line(app.db_path, tag) == (1, "ok", "cap-loose")
    assert after["values"]["QLineEdit#1(conditionNote)"] == ""
