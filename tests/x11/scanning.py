"""What the X11 scan tests share: the comparison of page states before and after a scan."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The widget values that differ between two states of a page."""
    keys = set(before["values"]) | set(after["values"])
    return {
        k: (before["values"].get(k), after["values"].get(k))
        for k in sorted(keys)
        if before["values"].get(k) != after["values"].get(k)
    }


def unexpected(
    before: dict[str, Any], after: dict[str, Any], allowed: tuple[str, ...]
) -> dict[str, tuple[Any, Any]]:
    """Changes of widgets the scan must leave alone (``allowed``: key prefixes it may change)."""
    return {k: v for k, v in changed(before, after).items() if not k.startswith(allowed)}


#: Widgets a stray key could type into.
EDITABLE = ("QLineEdit", "QComboBox", "QSpinBox", "QDoubleSpinBox", "QDateEdit", "QPlainTextEdit")


def leaked_text(state: dict[str, Any], tag: str) -> list[str]:
    """Widgets whose text holds a piece of ``tag`` (two characters or more) it should not."""
    pieces = {tag[:2].lower(), tag[:3].lower(), tag[-4:].lower()}
    out = []
    for key, value in state["values"].items():
        if not key.startswith(EDITABLE):
            continue
        if isinstance(value, list):  # a combo box: [index, text]
            value = value[1]
        if isinstance(value, str) and any(p in value.lower() for p in pieces):
            out.append(f"{key}={value!r}")
    return out


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, args))


def free_assets(db: Path, limit: int) -> list[str]:
    """Available assets without a reservation and outside any kit: they can go out."""
    return [
        r[0]
        for r in rows(
            db,
            "SELECT tag FROM assets WHERE status = 'available' "
            "AND id NOT IN (SELECT asset_id FROM reservations WHERE asset_id IS NOT NULL) "
            "AND id NOT IN (SELECT asset_id FROM kit_assets) ORDER BY tag LIMIT ?",
            limit,
        )
    ]


def out_assets(db: Path) -> list[str]:
    """Assets on an open check-out line (not marked missing)."""
    return [
        r[0]
        for r in rows(
            db,
            "SELECT a.tag FROM checkout_lines l JOIN assets a ON a.id = l.asset_id "
            "WHERE l.returned_at IS NULL AND l.condition IS NULL "
            "ORDER BY a.tag",
        )
    ]


def book_for_desk(db: Path, production: str, items: list[str | tuple[str, int]]) -> None:
    """Book ``items`` for ``production`` and drop its drafts in progress: a check-out that starts
    from a clean cart and scans only what was booked (nothing asks for a reason)."""
    from gearroom.db import open_database
    from gearroom.services import drafts, reservations
    from gearroom.services.actor import Actor, Role

    database = open_database(f"sqlite:///{db}")
    actor = Actor("tester", Role.ADMIN)
    try:
        with database.write() as session:
            reservations.reserve(session, actor, production, items)
            for draft in drafts.list_drafts(session, production):
                drafts.discard_draft(session, actor, draft.id, "the test starts afresh")
    finally:
        database.dispose()
