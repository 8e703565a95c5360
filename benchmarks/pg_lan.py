"""PostgreSQL over a LAN: the scan through a local TCP proxy that adds 1 ms each way, and a
mixed load of eight workers (:mod:`benchmarks.pg_load`).

A PostgreSQL server is started for the run with the test suite's helper
(:class:`tests.engines.PostgresServer`, the machine's own server binaries); the generated
quick house is copied into a fresh database (every table, row for row). The proxy
(:class:`DelayProxy`, in a process of its own) forwards each chunk after sleeping
``delay`` seconds, in both directions, and counts round trips: a message from the client after
an answer from the server starts a new one; what it really adds to a round trip is measured
with ``SELECT 1`` and given in the note.

``python -m benchmarks.pg_lan`` runs the scan alone and prints the figures.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, create_engine, insert, select, text

from benchmarks.generate import QUICK, HouseInfo, ensure_house
from benchmarks.harness import Result, Target, timed_result
from gearroom.db import Database, open_database
from gearroom.models import Base

LAN_DELAY_S = 0.001
TARGET = Target(10.0)


class DelayProxy:
    """A TCP proxy on 127.0.0.1 that delays every chunk by ``delay`` seconds each way.

    It runs in a process of its own: in the measuring process it would wait for the
    interpreter lock behind the work it measures and add more than ``delay`` to each trip.
    ``round_trips`` counts, over every connection, a client message after a server answer.
    """

    def __init__(self, target_port: int, delay: float = LAN_DELAY_S) -> None:
        self.target_port = target_port
        self.delay = delay
        self.port = 0
        context = multiprocessing.get_context("spawn")
        self._trips = context.Value("q", 0)
        self._ports, child = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_run_proxy,
            args=(target_port, delay, self._trips, child),
            name="delay-proxy",
            daemon=True,
        )

    @property
    def round_trips(self) -> int:
        return int(self._trips.value)

    def start(self) -> int:
        self._process.start()
        if not self._ports.poll(30):
            raise RuntimeError("the delay proxy did not start")
        self.port = int(self._ports.recv())
        return self.port

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(5)


def _run_proxy(target_port: int, delay: float, trips: Any, ports: Any) -> None:
    """The proxy process: serve until terminated. Plain sockets and a thread per direction:
    ``time.sleep`` keeps to the delay within some 0.1 ms, where asyncio's timers (epoll waits
    in whole milliseconds) added up to a millisecond more each way."""
    listener = socket.create_server(("127.0.0.1", 0))
    ports.send(listener.getsockname()[1])
    while True:
        client, _address = listener.accept()
        server = socket.create_connection(("127.0.0.1", target_port))
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        last = ["down"]
        for src, dst, direction in ((client, server, "up"), (server, client, "down")):
            threading.Thread(
                target=_pipe, args=(src, dst, direction, last, delay, trips), daemon=True
            ).start()


def _pipe(
    src: socket.socket,
    dst: socket.socket,
    direction: str,
    last: list[str],
    delay: float,
    trips: Any,
) -> None:
    """Forward what ``src`` sends to ``dst``, each chunk ``delay`` seconds after it arrived."""
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            arrived = time.perf_counter()
            if direction == "up" and last[0] == "down":
                with trips.get_lock():
                    trips.value += 1
            last[0] = direction
            time.sleep(max(0.0, delay - (time.perf_counter() - arrived)))
            dst.sendall(data)
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)


def proxy_overhead(url: str, proxy: DelayProxy, runs: int = 200) -> float:
    """The median time one ``SELECT 1`` round trip gains through the proxy, in seconds (2 ×
    the delay, plus what the proxy itself costs)."""
    import psycopg
    from sqlalchemy.engine import make_url

    def median_trip(target: str) -> float:
        parsed = make_url(target)
        with psycopg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username,
            password=parsed.password, dbname=parsed.database, autocommit=True,
        ) as conn:  # fmt: skip
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute("SELECT 1").fetchone()
                times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2]

    return median_trip(_through(url, proxy.port)) - median_trip(url)


def copy_house(source: Path, url: str) -> None:
    """Every row of the SQLite house into the (migrated, empty) database at ``url``."""
    src = create_engine(f"sqlite:///{source}")
    dst = create_engine(url)
    try:
        with src.connect() as s, dst.begin() as d:
            for table in Base.metadata.sorted_tables:
                if table.name == "alembic_version":
                    continue
                columns = [c for c in table.columns if c.computed is None]
                rows = [dict(r._mapping) for r in s.execute(select(*columns))]
                for i in range(0, len(rows), 5000):
                    d.execute(insert(table), rows[i : i + 5000])
            for table in Base.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer):
                    column = pk[0].name
                    d.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                            f"coalesce(max({column}), 1)) FROM {table.name}"
                        )
                    ).all()
    finally:
        src.dispose()
        dst.dispose()


@contextlib.contextmanager
def postgres_house() -> Iterator[tuple[str, int, HouseInfo]]:
    """A server with the quick house copied in: (URL, server port, the house's info)."""
    from sqlalchemy.engine import make_url

    from tests.engines import PostgresServer

    path, house = ensure_house(QUICK, log=lambda _t: None)
    server = PostgresServer.start()
    try:
        _name, url = server.fresh_database()
        copy_house(path, url)
        port = make_url(url).port
        assert port is not None
        yield url, port, house
    finally:
        server.stop()


def _through(url: str, port: int) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def bench_scan_lan(runs: int) -> list[Result]:
    """The check-out scan on PostgreSQL, direct and through the 1 ms-each-way proxy."""
    results = []
    with postgres_house() as (url, port, house):
        proxy = DelayProxy(port)
        proxy.start()
        try:
            added_ms = proxy_overhead(url, proxy) * 1000
            for key, label, target_url in (
                ("scan_pg", "scan on PostgreSQL (local socket)", url),
                ("scan_pg_lan", "scan on PostgreSQL, +1 ms each way", _through(url, proxy.port)),
            ):
                db = open_database(target_url)
                try:
                    times, trips = _scans(db, house, runs, proxy)
                finally:
                    db.dispose()
                lan = key == "scan_pg_lan"
                result = timed_result(
                    key,
                    label,
                    times,
                    target=TARGET if lan else None,
                    note="checkout_cart.scan_into_cart in db.quick_read(), quick house copied in"
                    + (
                        f"; {trips:.1f} round trips per scan (counted at the proxy), each "
                        f"{added_ms:.2f} ms longer through it (SELECT 1, median)"
                        if lan
                        else ""
                    ),
                )
                if lan:
                    result.round_trips = trips
                results.append(result)
        finally:
            proxy.stop()
    return results


def _scans(
    db: Database, house: HouseInfo, runs: int, proxy: DelayProxy
) -> tuple[list[float], float]:
    from gearroom.services import checkout_cart

    today = date.fromisoformat(house.anchor)
    with db.read() as session:
        cart = checkout_cart.new_cart(session, house.production_tag, house.custodian_badge)
    tags = house.scan_tags

    def scan(i: int) -> None:
        db.quick_read(
            lambda s: checkout_cart.scan_into_cart(s, cart, tags[i % len(tags)], today=today)
        )

    for i in range(5):
        scan(i)
    before = proxy.round_trips
    out = []
    for i in range(runs):
        started = time.perf_counter()
        scan(i)
        out.append(time.perf_counter() - started)
    return out, (proxy.round_trips - before) / runs


def main(argv: list[str]) -> int:
    from benchmarks.harness import format_table

    runs = int(argv[0]) if argv else 200
    print(format_table(bench_scan_lan(runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
