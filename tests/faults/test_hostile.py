"""A read-only file, a held lock, hostile bytes and huge numbers: one line, nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time

import pytest
from faults_support import (
    assert_one_line_failure,
    build_house,
    database_file,
    privileged,
    run,
    snapshot,
    tiny_file_system,
    write_commands,
)

WRITES = [
    "asset add",
    "asset edit",
    "stock add",
    "person add",
    "kit add",
    "production add",
    "reserve",
    "checkout",
    "import assets",
]


@pytest.mark.parametrize("command", WRITES)
def test_a_read_only_database_refuses_every_write_in_one_line(tmp_path, capsys, command):
    with tiny_file_system(tmp_path / "disk", "8m") as disk:
        house = build_house(f"sqlite:///{disk / 'house.sqlite3'}")
        args = write_commands(house, tmp_path)[command]
        before = snapshot(house.url)
        subprocess.run(privileged("mount", "-o", "remount,ro", str(disk)), check=True)
        try:
            code, _out, err = run(capsys, "--db", house.url, *args)
            message = assert_one_line_failure(code, err)
            assert "read-only" in message or "cannot be reached" in message, message
            assert "nothing" in message, message
        finally:
            subprocess.run(privileged("mount", "-o", "remount,rw", str(disk)), check=True)
        assert snapshot(house.url) == before


def _hold_write_lock(path, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, timeout=1, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE assets SET notes = 'held' WHERE id = 1")
    ready.set()
    time.sleep(seconds)
    conn.rollback()
    conn.close()


@pytest.mark.slow
def test_a_held_write_lock_lets_reads_through_and_fails_writes_in_one_line(sqlite_house, capsys):
    path = database_file(sqlite_house.url)
    before = snapshot(sqlite_house.url)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 25, ready))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        for command in (["asset", "show", sqlite_house.lenses[0]], ["asset", "list"], ["out"]):
            code, _out, err = run(capsys, "--db", sqlite_house.url, *command)
            assert code == 0, err
        assert time.monotonic() - started < 8, "a read waited for the write lock"
        code, _out, err = run(
            capsys, "--db", sqlite_house.url, "asset", "add", "--category", "Camera", "--name", "X"
        )
        message = assert_one_line_failure(code, err)
        assert "busy" in message and "nothing" in message, message
    finally:
        holder.join()
    assert snapshot(sqlite_house.url) == before


HOSTILE = [
    ["find", "\udcff"],
    ["asset", "add", "--category", "Camera", "--name", "FX6 \udcfe\udcff"],
    ["person", "add", "\udcc3("],
    ["asset", "add", "--category", "Camera", "--name", "Lens\uffff"],
    ["asset", "add", "--category", "Camera", "--name", "\u200b"],
    ["person", "add", "Ana\x1b[31m"],
]


@pytest.mark.parametrize("args", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bytes_are_refused_in_one_line(house_url, capsys, args):
    before = snapshot(house_url)
    code, _out, err = run(capsys, "--db", house_url, *args)
    assert_one_line_failure(code, err)
    assert snapshot(house_url) == before


def test_hostile_bytes_from_a_real_shell(sqlite_house, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [
            os.fsencode(os.sys.executable),
            b"-m",
            b"gearroom",
            b"--db",
            os.fsencode(sqlite_house.url),
            b"find",
            b"\xff",
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    err = result.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert "not valid UTF-8" in err


HUGE = "99999999999999999999"


def test_quantities_past_64_bits_are_refused_in_one_line(house_url, capsys):
    db = house_url
    before = snapshot(db)
    for args in (
        ["stock", "add", "--category", "Power", "--name", "Bat", "--quantity", HUGE],
        ["checkout", "Nightfall", "--to", "P-0001", f"PWR-0001:{HUGE}"],
        ["reserve", "Nightfall", f"PWR-0001:{HUGE}"],
        ["kit", "add", "Case", "--item", f"PWR-0001:{HUGE}"],
        ["asset", "add", "--category", "Camera", "--name", "X", "--purchase-value", HUGE],
    ):
        code, _out, err = run(capsys, "--db", db, *args)
        assert_one_line_failure(code, err)
    assert snapshot(db) == before
