from __future__ import annotations

from datetime import UTC, datetime

from gearroom.services.history import EventView
from gearroom.ui.widgets.history_view import HistoryView, change_lines


def event(action, before=None, after=None, summary="CAM-0001 edited"):
    return EventView(
        1,
        datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        "maya",
        action,
        "asset",
        1,
        "CAM-0001",
        summary,
        before,
        after,
    )


def test_edits_read_as_before_and_after():
    lines = change_lines(
        event(
            "edit",
            {"location": None, "purchase_value": "1200.00", "attributes": {"mount": "EF"}},
            {"location": "Shelf A1", "purchase_value": "1350.00", "attributes": {"mount": "PL"}},
        )
    )
    assert lines == [
        "Location: — → Shelf A1",
        "Purchase value: 1200.00 → 1350.00",
        "Mount: EF → PL",
    ]


def test_status_changes_use_labels_and_keep_the_reason():
    lines = change_lines(
        event("retire", {"status": "available"}, {"status": "retired", "reason": "sold"})
    )
    assert lines == ["Status: Available → Retired", "Reason: sold"]


def test_additions_say_it_in_the_summary_only(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    view.set_events([event("create", None, {"name": "Sony FX6"}, "CAM-0001 Sony FX6 added")])
    text = view.toPlainText()
    assert "maya" in text and "Added" in text and "CAM-0001 Sony FX6 added" in text
    assert "Sensor" not in text
    assert "Name:" not in text
    view.set_events([])
    assert view.toPlainText() == "No history yet."
