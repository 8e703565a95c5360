"""Signing in reads: a right PIN never waits for another process's write on SQLite, a wrong one
is counted, and eight processes guessing at once still get no more guesses than the limit."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time

import pytest

from gearroom import sign_in
from gearroom.db import open_database
from gearroom.services import operators
from gearroom.services.actor import Actor, Role


def _house(url: str) -> None:
    db = open_database(url)
    try:
        with db.write() as s:
            operators.create_operator(s, Actor("tester", Role.ADMIN), "boss", Role.ADMIN, "246813")
    finally:
        db.dispose()


def _attempts(url: str) -> int:
    db = open_database(url)
    try:
        with db.read() as s:
            op = operators.operator_by_name(s, "boss")
            assert op is not None
            return op.failed_attempts
    finally:
        db.dispose()


@pytest.fixture
def house(db_url: str) -> str:
    _house(db_url)
    return db_url


@pytest.mark.sqlite_only
def test_a_right_pin_does_not_wait_for_a_held_write_lock(house):
    db = open_database(house)
    assert db.path is not None
    holder = sqlite3.connect(db.path, timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        started = time.monotonic()
        result = sign_in.sign_in_without_waiting(db, "boss", "246813")
        took = time.monotonic() - started
        with db.read() as s:  # and the read that follows does not wait either
            assert operators.has_operators(s)
    finally:
        holder.rollback()
        holder.close()
        db.dispose()
    assert result.actor == Actor("boss", Role.ADMIN)
    assert took < 5, took  # the busy timeout is 15 s


@pytest.mark.sqlite_only
def test_a_wrong_pin_waits_for_the_lock_and_is_counted(house):
    db = open_database(house)
    assert db.path is not None
    holder = sqlite3.connect(db.path, timeout=1, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    try:
        result = sign_in.sign_in_without_waiting(db, "boss", "000000")
    finally:
        release.join()
        holder.close()
        db.dispose()
    assert result.actor is None and result.message == "Wrong name or PIN."
    assert _attempts(house) == 1


def test_a_right_pin_puts_the_counter_back_and_the_limit_locks(house):
    db = open_database(house)
    try:
        assert sign_in.sign_in_without_waiting(db, "boss", "111111").actor is None
        assert sign_in.sign_in_without_waiting(db, "boss", "246813").actor is not None
        assert _attempts(house) == 0
        for _ in range(operators.MAX_FAILED_ATTEMPTS):
            assert sign_in.sign_in_without_waiting(db, "boss", "000000").actor is None
        locked = sign_in.sign_in_without_waiting(db, "boss", "246813")
        assert locked.actor is None and "locked" in locked.message
        assert sign_in.sign_in_without_waiting(db, "nobody", "246813").actor is None
    finally:
        db.dispose()


def _guess(url: str, pin: str, barrier, out) -> None:
    db = open_database(url)
    try:
        barrier.wait()
        for _ in range(2):
            out.put(sign_in.sign_in_without_waiting(db, "boss", pin).message)
    finally:
        db.dispose()


def test_eight_processes_get_no_more_guesses_than_the_limit(house):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(8)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_guess, args=(house, f"{n:06d}", barrier, results)) for n in range(8)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(180)
        assert w.exitcode == 0
    messages = [results.get(timeout=5) for _ in range(16)]
    guesses = sum(1 for m in messages if m == "Wrong name or PIN.")
    assert guesses <= operators.MAX_FAILED_ATTEMPTS, messages
    assert sum(1 for m in messages if "locked" in m) == 16 - guesses
