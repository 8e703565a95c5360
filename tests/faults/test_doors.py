"""No door without a PIN: every command signs in, the role is checked, guesses are bounded."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from faults_support import assert_one_line_failure, build_house, database_file, run, snapshot

from gearroom.db import open_database
from gearroom.services import operators
from gearroom.services.actor import Actor, Role

ADMIN_PIN = "246813"


def add_operators(url: str) -> None:
    db = open_database(url)
    try:
        with db.write() as s:
            local = Actor("tester", Role.ADMIN)
            operators.create_operator(s, local, "boss", Role.ADMIN, ADMIN_PIN)
            boss = Actor("boss", Role.ADMIN)
            operators.create_operator(s, boss, "sam", Role.STAFF, "1111")
            operators.create_operator(s, boss, "ana", Role.ASSISTANT, "2222")
    finally:
        db.dispose()


@pytest.fixture
def guarded_house(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    house = build_house(f"sqlite:///{tmp_path / 'house.sqlite3'}")
    add_operators(house.url)
    monkeypatch.delenv("GEARROOM_OPERATOR", raising=False)
    monkeypatch.delenv("GEARROOM_PIN", raising=False)
    return house


SIGNED_OUT_REFUSED = [
    ["backup"],
    ["report", "weekly", "--json"],
    ["operator", "list"],
    ["asset", "list"],
    ["out"],
    ["labels", "print", "LNS-0001", "--offset-x", "3", "-o", "labels.pdf"],
]


@pytest.mark.parametrize("command", SIGNED_OUT_REFUSED, ids=lambda c: " ".join(c[:2]))
def test_nothing_runs_signed_out(guarded_house, capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    before = snapshot(guarded_house.url)
    code, out, err = run(capsys, "--db", guarded_house.url, *command)
    assert "Sign in first" in assert_one_line_failure(code, err)
    assert out == ""
    assert snapshot(guarded_house.url) == before
    assert not (tmp_path / "labels.pdf").exists()
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize(
    "command",
    [["report", "weekly", "--json"], ["labels", "print", "LNS-0001", "-o", "l.pdf"], ["backup"]],
    ids=lambda c: c[0],
)
def test_an_assistant_may_not_report_print_or_back_up(
    guarded_house, capsys, tmp_path, monkeypatch, command
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GEARROOM_PIN", "2222")
    code, _out, err = run(capsys, "--db", guarded_house.url, "--operator", "ana", *command)
    assert "ana (assistant) may not" in assert_one_line_failure(code, err)
    assert not (tmp_path / "l.pdf").exists() and not (tmp_path / "backups").exists()


def test_restore_needs_an_admin_even_while_the_database_is_locked(guarded_house, capsys, tmp_path):
    old = tmp_path / "old.sqlite3"
    build_house(f"sqlite:///{old}")
    path = database_file(guarded_house.url)
    before = snapshot(guarded_house.url)
    holder = sqlite3.connect(path, timeout=1)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    try:
        code, _out, err = run(capsys, "--db", guarded_house.url, "restore", str(old), "--yes")
    finally:
        holder.rollback()
        holder.close()
    assert "Sign in first" in assert_one_line_failure(code, err)
    assert time.monotonic() - started < 10  # no waiting for the lock before asking who it is
    assert snapshot(guarded_house.url) == before


def test_an_admin_pin_is_at_least_six_characters(guarded_house, capsys, monkeypatch):
    monkeypatch.setenv("GEARROOM_PIN", ADMIN_PIN)
    monkeypatch.setenv("GEARROOM_NEW_PIN", "1234")
    args = ["--db", guarded_house.url, "--operator", "boss"]
    code, _out, err = run(capsys, *args, "operator", "add", "eve", "--role", "admin")
    assert "at least 6" in assert_one_line_failure(code, err)
    code, _out, err = run(capsys, *args, "operator", "pin", "boss")
    assert "at least 6" in assert_one_line_failure(code, err)
    monkeypatch.setenv("GEARROOM_NEW_PIN", "correct horse")
    code, _out, err = run(capsys, *args, "operator", "add", "eve", "--role", "admin")
    assert code == 0, err


def test_a_house_locked_out_of_its_only_admin_recovers_with_file_access(
    guarded_house, capsys, monkeypatch
):
    url = guarded_house.url
    monkeypatch.setenv("GEARROOM_PIN", "000000")
    for _ in range(operators.MAX_FAILED_ATTEMPTS):
        code, _out, err = run(capsys, "--db", url, "--operator", "boss", "asset", "list")
        assert "Wrong name or PIN" in assert_one_line_failure(code, err)
    monkeypatch.setenv("GEARROOM_PIN", ADMIN_PIN)
    code, _out, err = run(capsys, "--db", url, "--operator", "boss", "asset", "list")
    assert "locked" in assert_one_line_failure(code, err)

    # Step one: a one-time code, written beside the database, owner-only.
    code, out, err = run(capsys, "--db", url, "operator", "unlock", "boss")
    assert code == 0, err
    code_file = database_file(url).parent / "gearroom-unlock-code.txt"
    assert oct(code_file.stat().st_mode & 0o777) == "0o600"
    secret = code_file.read_text().split()[0]
    # A wrong code is refused and burns the file.
    monkeypatch.setenv("GEARROOM_NEW_PIN", "135792")
    code, _out, err = run(capsys, "--db", url, "operator", "unlock", "boss", "--code", "1")
    assert "wrong or expired" in assert_one_line_failure(code, err)
    assert not code_file.exists()
    # Step two, with a fresh code.
    run(capsys, "--db", url, "operator", "unlock", "boss")
    secret = code_file.read_text().split()[0]
    code, out, err = run(capsys, "--db", url, "operator", "unlock", "boss", "--code", secret)
    assert code == 0 and "unlocked" in out, err
    assert not code_file.exists()
    monkeypatch.setenv("GEARROOM_PIN", "135792")
    code, out, err = run(capsys, "--db", url, "--operator", "boss", "history", "verify")
    assert code == 0, err


def _guess(url: str, pin: str, barrier: multiprocessing.synchronize.Barrier, out: object) -> None:
    db = open_database(url)
    try:
        barrier.wait()
        for _ in range(2):
            with db.write() as s:
                result = operators.sign_in(s, "boss", pin)
            out.put(result.message)  # type: ignore[attr-defined]
    finally:
        db.dispose()


def test_eight_processes_get_no_more_guesses_than_the_limit(db_url):
    house = build_house(db_url)
    add_operators(house.url)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(8)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_guess, args=(house.url, f"{n:06d}", barrier, results)) for n in range(8)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    messages = [results.get(timeout=5) for _ in range(16)]
    guesses = sum(1 for m in messages if m == "Wrong name or PIN.")
    assert guesses <= operators.MAX_FAILED_ATTEMPTS, messages
    assert sum(1 for m in messages if "locked" in m) == 16 - guesses
