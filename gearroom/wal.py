"""Checkpoints of SQLite's write-ahead log, off the writer's path."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

#: Once the write-ahead log holds this many pages after a write, it is copied into the database
#: file by a checkpoint on a thread of its own (see :class:`WalCheckpointer`).
CHECKPOINT_PAGES = 1000
#: SQLite's own automatic checkpoint runs inside the commit that crosses its threshold (a
#: second or more on a large house): it stays only as a bound on the log's size, far above
#: the background checkpoint's threshold, for a log that nobody else checkpoints.
AUTOCHECKPOINT_PAGES = 20 * CHECKPOINT_PAGES
#: The log's size in bytes at CHECKPOINT_PAGES pages of the default 4 KiB.
CHECKPOINT_BYTES = CHECKPOINT_PAGES * 4096
#: How long writes must have paused before the background checkpoint runs.
QUIET_S = 0.2


class WalCheckpointer:
    """Copies the write-ahead log into the database file off the writer's path.

    SQLite checkpoints automatically inside the commit that takes the log past 1,000 pages, so
    one commit in every few dozen paid for copying (and syncing) megabytes into a large file
    while it held the write lock. Here, after a write that leaves the log past
    :data:`CHECKPOINT_PAGES`, a daemon thread with a connection of its own waits until writes
    have paused for :data:`QUIET_S` and then checkpoints (PASSIVE: it never waits for, nor
    blocks, readers and writers); one such thread at a time. ``journal_size_limit`` truncates
    the log file once it restarts, so its size says how much is waiting. The last connection
    to close checkpoints what is left, as SQLite always does.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wal = path.with_name(path.name + "-wal")
        self._lock = threading.Lock()
        self._running = False
        self._last_write = 0.0
        #: Checkpoints run so far (for tests and benchmarks).
        self.checkpoints = 0

    def due(self) -> bool:
        try:
            return self.wal.stat().st_size > CHECKPOINT_BYTES
        except OSError:
            return False

    def after_write(self) -> None:
        """Note a write; start the waiting checkpoint thread when the log is long."""
        self._last_write = time.monotonic()
        if not self.due():
            return
        with self._lock:
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="gearroom-wal-checkpoint", daemon=True).start()

    def run_now(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint on this thread: (busy, frames in the log, frames copied)."""
        conn = sqlite3.connect(self.path, timeout=1)
        try:
            conn.execute(f"PRAGMA journal_size_limit={CHECKPOINT_BYTES}")
            busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.checkpoints += 1
            return int(busy), int(frames), int(copied)
        finally:
            conn.close()

    def _run(self) -> None:
        try:
            while (wait := self._last_write + QUIET_S - time.monotonic()) > 0:
                time.sleep(wait)
            self.run_now()
        except sqlite3.Error:
            pass  # busy or gone: the next write tries again, SQLite's own bound still holds
        finally:
            with self._lock:
                self._running = False
