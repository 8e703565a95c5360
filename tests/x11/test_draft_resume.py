"""A check-out scanned half way survives the app being killed: the restarted app opens the same
production and finds every scan in its cart and ticked on its pick list."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from scanning import rows

PRODUCTION = "PRD-0005"


def _pickable(db: Path) -> list[str]:
    """The production's booked serials that can go out today, in pick-list order."""
    from gearroom.db import open_database
    from gearroom.services import picklist

    database = open_database(f"sqlite:///{db}")
    try:
        with database.read() as session:
            pick = picklist.build_picklist(session, PRODUCTION)
    finally:
        database.dispose()
    tags = [ln.tag for ln in pick.lines if ln.kind == "asset" and not ln.picked]
    available = {r[0] for r in rows(db, "SELECT tag FROM assets WHERE status = 'available'")}
    return [t for t in tags if t in available]


def _draft_scans(db: Path) -> list[str]:
    return [
        r[0]
        for r in rows(
            db,
            "SELECT s.tag FROM draft_scans s JOIN draft_checkouts d ON d.id = s.draft_id "
            "JOIN productions p ON p.id = d.production_id WHERE p.tag = ? ORDER BY s.id",
            PRODUCTION,
        )
    ]


@pytest.mark.slow
def test_half_a_pick_list_survives_a_killed_app(apps: Any, x_server: Any, tmp_path: Path) -> None:
    app = apps("draft-resume")
    tags = _pickable(app.db_path)
    assert len(tags) >= 6, tags
    half = tags[: len(tags) // 2][:6]
    app.show("Check-out")
    app.focus("QLineEdit", 0)
    app.scan(PRODUCTION)
    first = app.state()
    assert first["values"]["QComboBox#0(productionPicker)"][1].startswith(PRODUCTION)
    booked = first["values"]["PickListView#0(pickList)"]["rows"]
    assert booked > 0
    for tag in half:
        app.scan(tag)
        after = _answered(app, tag)
        assert after["feedback"].startswith(tag), after["feedback"]
    assert _cart_rows(app.state()) == len(half)

    # Killed without a chance to save anything more.
    app.process.kill()
    app.process.wait(10)
    assert _draft_scans(app.db_path) == half
    with sqlite3.connect(app.db_path) as conn:  # the last connection folds the WAL into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    kept = tmp_path / "after-kill.sqlite3"
    shutil.copyfile(app.db_path, kept)

    again = type(app)(x_server, tmp_path / "restarted", kept)
    try:
        again.show("Check-out")
        again.focus("QComboBox", 0)
        again.scan(PRODUCTION)
        state = again.state()
        assert _cart_rows(state) == len(half), state["feedback"]
        rest = tags[len(half)]
        again.scan(rest)
        after = _answered(again, rest)
        assert after["feedback"].startswith(rest), after["feedback"]
        assert _cart_rows(after) == len(half) + 1
        assert _draft_scans(again.db_path) == [*half, rest]
        drafts = rows(
            again.db_path,
            "SELECT COUNT(*) FROM draft_checkouts d JOIN productions p ON p.id = d.production_id "
            "WHERE p.tag = ?",
            PRODUCTION,
        )
        assert drafts == [(1,)]
    finally:
        again.close()


def _answered(app: Any, tag: str) -> dict[str, Any]:
    """The page once the scan of ``tag`` was answered (each scan is a write off the UI thread)."""
    state = app.state()
    for _ in range(20):
        if str(state["feedback"]).startswith(tag):
            break
        state = app.state(after_ms=250)
    return dict(state)


def _cart_rows(state: dict[str, Any]) -> int:
    return int(state["values"]["CartTable#0"]["rows"])
