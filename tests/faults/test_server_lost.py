"""The PostgreSQL server lost mid-operation: one line, non-zero, nothing of it committed."""

from __future__ import annotations

import contextlib
import csv
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from engines import PostgresServer, PostgresUnavailable, require_postgres
from faults_support import assert_one_line_failure, build_house, run, snapshot, write_commands
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


@contextlib.contextmanager
def connection_killed_at(server: PostgresServer, statement: int) -> Iterator[None]:
    """Terminate the server process of the connection that sends the ``statement``-th write
    statement, just before it is sent (the server end of the connection goes away)."""
    seen = [0]

    def before(conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen[0] += 1
            if seen[0] == statement:
                pid = conn.connection.dbapi_connection.info.backend_pid  # type: ignore[attr-defined]
                with server.admin() as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", before)


@pytest.mark.postgresql_only
@pytest.mark.parametrize("command", WRITES)
def test_every_write_is_undone_when_the_connection_is_lost(
    db_engine, db_url, postgres_server, capsys, tmp_path, command
):
    house = build_house(db_url)
    args = write_commands(house, tmp_path)[command]
    before = snapshot(house.url)
    with connection_killed_at(postgres_server, 2):
        code, _out, err = run(capsys, "--db", house.url, *args)
    message = assert_one_line_failure(code, err)
    assert "Lost the connection" in message and "Nothing was saved" in message, message
    assert snapshot(house.url) == before


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A server of this test's own, to stop and start again."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        if require_postgres():
            pytest.fail(f"GEARROOM_REQUIRE_POSTGRES is set but {exc}", pytrace=False)
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.mark.slow
def test_an_import_survives_the_server_stopping_mid_way(own_server, tmp_path):
    _name, url = own_server.fresh_database()
    house = build_house(url)
    before = snapshot(house.url)
    source = tmp_path / "big.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Category", "Serial"])
        for i in range(20000):
            w.writerow([f"Lens {i}", "Lens", f"S-{i:06d}"])
    env = {**os.environ, "GEARROOM_DATABASE_URL": house.url}
    child = subprocess.Popen(
        [sys.executable, "-m", "gearroom", "import", "assets", str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    # Stop the server once the import is writing (its transaction is open on the server).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with own_server.admin() as admin:
            busy = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state <> 'idle'",
                (make_dbname(house.url),),
            ).fetchone()
        if busy and busy[0]:
            break
        time.sleep(0.05)
    time.sleep(1.0)
    own_server.halt()
    _out, err = child.communicate(timeout=120)
    message = assert_one_line_failure(child.returncode, err)
    assert "connection" in message.lower() and "nothing" in message.lower(), message
    own_server.resume()
    assert snapshot(house.url) == before


def make_dbname(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)
