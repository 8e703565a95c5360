"""A deadlock on PostgreSQL is recognised as a lost race: retried, then one line."""

from __future__ import annotations

import threading

import pytest
from faults_support import build_house
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from gearroom.failures import describe_failure, is_retryable


@pytest.mark.postgresql_only
def test_a_real_deadlock_is_retryable_and_said_in_one_line(db_engine, db_url):
    house = build_house(db_url)
    engine = create_engine(house.url)
    both_locked_one = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(first: int, second: int) -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT id FROM assets WHERE id = :i FOR UPDATE"), {"i": first})
                both_locked_one.wait(10)
                conn.execute(text("SELECT id FROM assets WHERE id = :i FOR UPDATE"), {"i": second})
        except DBAPIError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=a) for a in ((1, 2), (2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.dispose()
    assert len(errors) == 1, errors  # PostgreSQL picks one loser
    assert is_retryable(errors[0])
    message = str(describe_failure(errors[0], house.url))
    assert "clashed with another workstation" in message and "\n" not in message
