"""An item's history as a readable timeline: when, who, what, and before → after."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from gearroom.models import AssetStatus
from gearroom.services.history import EventView
from gearroom.ui.models.status import status_label

ACTION_LABELS = {
    "create": "Added",
    "edit": "Edited",
    "status": "Status",
    "retire": "Retired",
    "kit_add": "Contents",
    "kit_remove": "Contents",
}
FIELD_LABELS = {"purchase_date": "Purchase date", "purchase_value": "Purchase value"}
EMPTY = "—"


def local_time(moment: datetime) -> datetime:
    """A stored (UTC) time in the workstation's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def format_value(key: str, value: Any) -> str:
    """A stored history value as a person reads it."""
    if value is None or value == "" or value == {} or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "status":
        try:
            return status_label(AssetStatus(value))
        except ValueError:
            return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)} {format_value(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(format_value(key, v) for v in value)
    return str(value)


def change_lines(event: EventView) -> list[str]:
    """The changes an event records, one ``Label: before → after`` line each (plain text)."""
    if event.action == "create" or not event.before or not event.after:
        # Additions and kit moves say everything in their summary.
        return []
    before = event.before or {}
    after = event.after or {}
    lines: list[str] = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key == "attributes" and isinstance(old, dict | None) and isinstance(new, dict | None):
            old, new = old or {}, new or {}
            for sub in [*old, *(k for k in new if k not in old)]:
                if old.get(sub) != new.get(sub):
                    lines.append(
                        f"{field_label(sub)}: {format_value(sub, old.get(sub))} → "
                        f"{format_value(sub, new.get(sub))}"
                    )
        elif key in before and key in after:
            lines.append(f"{field_label(key)}: {format_value(key, old)} → {format_value(key, new)}")
        elif key in after:
            lines.append(f"{field_label(key)}: {format_value(key, new)}")
        else:
            lines.append(f"{field_label(key)}: {format_value(key, old)}")
    return lines


def event_html(event: EventView, first: bool = False) -> str:
    """One event: a heading (when · who · what), then its changes, or its summary."""
    when = local_time(event.at).strftime("%Y-%m-%d %H:%M")
    action = ACTION_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
    top = 0 if first else 10
    lines = change_lines(event)
    body = (
        "".join(
            f"<p style='margin:1px 0 0 12px; color:#374151'>{escape(line)}</p>" for line in lines
        )
        if lines
        else f"<p style='margin:1px 0 0 12px; color:#374151'>{escape(event.summary)}</p>"
    )
    return (
        f"<p style='margin:{top}px 0 0 0'><span style='color:#6b7280'>{escape(when)}</span>"
        f" · <b>{escape(event.operator)}</b> · "
        f"<span style='color:#2f5fa7; font-weight:600'>{escape(action)}</span></p>{body}"
    )


def timeline_html(events: list[EventView]) -> str:
    if not events:
        return "<p style='color:#6b7280'>No history yet.</p>"
    return "".join(event_html(e, first=i == 0) for i, e in enumerate(events))


class HistoryView(QTextBrowser):
    """A read-only, scrollable timeline of events, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setObjectName("historyView")
        self._events: list[EventView] = []

    def set_events(self, events: list[EventView]) -> None:
        self._events = list(events)
        self.setHtml(timeline_html(self._events))

    def events(self) -> list[EventView]:
        return self._events
