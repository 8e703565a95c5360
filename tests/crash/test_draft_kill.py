"""A cart that survives: the scanning process is SIGKILLed mid-scan, another process resumes
the draft, scans the rest and commits; no acknowledged scan is lost and none is doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from draft_worker import LENSES, tags

from gearroom.db import open_database
from gearroom.services import checkout_out, drafts
from gearroom.services.actor import Actor, Role

WORKER = Path(__file__).with_name("draft_worker.py")
KILL_AFTER = 25


def test_a_killed_scanner_loses_no_scan_and_the_draft_resumes_elsewhere(tmp_path):
    path = tmp_path / "gearroom.sqlite3"
    setup = subprocess.run(
        [sys.executable, str(WORKER), "setup", str(path)],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    draft_id = int(setup.stdout.split()[-1])
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), "scan", str(path), str(draft_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged: list[str] = []
    try:
        while len(acknowledged) < KILL_AFTER:
            line = proc.stdout.readline()
            assert line.startswith("ok "), (line, proc.stderr.read() if proc.stderr else "")
            acknowledged.append(line.split()[2])
        os.kill(proc.pid, signal.SIGKILL)  # mid-scan: the next one is under way
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    db = open_database(f"sqlite:///{path}")  # "another workstation"
    actor = Actor("desk-2", Role.STAFF)
    try:
        with db.read() as s:
            (draft,) = drafts.list_drafts(s, "Night Shift")
            saved = [ln.tag for ln in draft.lines]
        # every acknowledged scan is there, in order; at most the one in flight beyond it
        assert saved[: len(acknowledged)] == acknowledged
        assert len(saved) - len(acknowledged) in (0, 1)
        assert len(set(saved)) == len(saved)
        for tag in tags():
            if tag in saved:
                continue
            with db.write() as s:
                assert drafts.scan_draft(s, actor, draft.id, tag).ok
        with db.write() as s:
            again = drafts.scan_draft(s, actor, draft.id, acknowledged[0])
            assert not again.ok and "already" in again.message
            view = drafts.commit_draft(s, actor, draft.id)
        assert len(view.lines) == LENSES
        with db.read() as s:
            assert len(checkout_out.out_items(s, production="Night Shift")) == LENSES
            assert drafts.list_drafts(s) == []
    finally:
        db.dispose()
