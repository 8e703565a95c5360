"""The write-ahead log is checkpointed off the writer's path, not inside a commit."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from gearroom import wal
from gearroom.db import open_database


def _fill(db, rows: int) -> None:
    with db.write() as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS ballast (id INTEGER PRIMARY KEY, b BLOB)"))
    for _ in range(rows):
        with db.write() as s:
            s.execute(text("INSERT INTO ballast (b) VALUES (randomblob(16000))"))


@pytest.mark.sqlite_only
def test_commits_leave_the_checkpoint_to_a_quiet_moment(db_url, monkeypatch):
    monkeypatch.setattr(wal, "CHECKPOINT_BYTES", 64 * 4096)
    monkeypatch.setattr(wal, "QUIET_S", 0.05)
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("wal_autocheckpoint", "synchronous", "journal_mode")
            }
        assert pragmas == {
            "wal_autocheckpoint": wal.AUTOCHECKPOINT_PAGES,
            "synchronous": 2,  # FULL: a commit is on the disk when it returns
            "journal_mode": "wal",
        }
        checkpointer = db.checkpointer
        assert checkpointer is not None
        _fill(db, 40)  # about 160 pages: past the (lowered) threshold
        deadline = time.monotonic() + 30
        while checkpointer.checkpoints == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert checkpointer.checkpoints >= 1
        busy, frames, copied = checkpointer.run_now()
        assert busy == 0 and frames == copied  # everything is in the database file
        # The next write starts the log again from its beginning.
        with db.write() as s:
            s.execute(text("INSERT INTO ballast (b) VALUES (x'00')"))
        _busy, frames, _copied = checkpointer.run_now()
        assert frames < 10
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_a_short_log_is_left_alone(db_url):
    db = open_database(db_url)
    try:
        _fill(db, 3)
        time.sleep(wal.QUIET_S * 2)
        assert db.checkpointer is not None and db.checkpointer.checkpoints == 0
    finally:
        db.dispose()
