"""Crash safety: a desk process killed with SIGKILL mid-work leaves a consistent database.

The worker (``kill_worker.py``) checks gear out and in through the services on an SQLite file;
the test kills it at a random moment after it has reported some committed work, reopens the
file and checks that nothing is half written.
"""

from __future__ import annotations

import os
import random
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from gearroom.db import open_database
from gearroom.services import history

WORKER = Path(__file__).with_name("kill_worker.py")
RUNS = 20
PROGRESS_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rental house the worker starts from, built once for all runs."""
    path = tmp_path_factory.mktemp("house") / "gearroom.sqlite3"
    subprocess.run([sys.executable, str(WORKER), "setup", str(path)], check=True, timeout=120)
    return path


def _wait_for_progress(proc: subprocess.Popen[str], wanted: int) -> int:
    """Read the worker's ``ok N`` lines until N reaches ``wanted``; return the last N."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + PROGRESS_TIMEOUT_S
    last = 0
    try:
        while last < wanted:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                pytest.fail(f"the worker reported no progress for {PROGRESS_TIMEOUT_S} s")
            line = proc.stdout.readline()
            if not line:
                stderr = proc.stderr.read() if proc.stderr else ""
                pytest.fail(f"the worker ended early ({proc.wait()}): {stderr}")
            assert line.startswith("ok "), line
            last = int(line.split()[1])
    finally:
        selector.close()
    return last


def _check_consistent(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    db = open_database(f"sqlite:///{path}")
    try:
        with db.read() as s:
            empty = s.execute(
                text(
                    "SELECT c.id FROM checkouts c WHERE NOT EXISTS "
                    "(SELECT 1 FROM checkout_lines l WHERE l.checkout_id = c.id)"
                )
            ).all()
            assert empty == [], f"check-outs without lines: {empty}"
            # Every asset a check-out touched: OUT exactly when it has an open line.
            rows = s.execute(
                text(
                    "SELECT a.tag, a.status, "
                    "  (SELECT COUNT(*) FROM checkout_lines l "
                    "   WHERE l.asset_id = a.id AND l.returned_at IS NULL) AS open_lines "
                    "FROM assets a WHERE a.id IN (SELECT asset_id FROM checkout_lines)"
                )
            ).all()
            assert rows, "the worker touched no asset"
            wrong = [
                (tag, status, n)
                for tag, status, n in rows
                if (status == "out") != (n == 1) or n > 1
            ]
            assert wrong == [], f"status and open lines disagree: {wrong[:10]}"
            # Assets never touched were never changed either.
            others = s.execute(
                text(
                    "SELECT COUNT(*) FROM assets WHERE status <> 'available' "
                    "AND id NOT IN (SELECT asset_id FROM checkout_lines)"
                )
            ).scalar_one()
            assert others == 0
            report = history.verify_chain(s)
            assert report.ok, report
    finally:
        db.dispose()


@pytest.mark.parametrize("run", range(RUNS))
def test_killed_desk_leaves_consistent_database(house: Path, tmp_path: Path, run: int) -> None:
    rng = random.Random(run)
    path = tmp_path / "gearroom.sqlite3"
    shutil.copyfile(house, path)
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), "run", str(path), str(run)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        reported = _wait_for_progress(proc, rng.randint(2, 12))
        time.sleep(rng.uniform(0.0, 0.06))  # somewhere inside the next transaction(s)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert reported >= 2
    _check_consistent(path)
