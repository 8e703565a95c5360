"""PostgreSQL over a LAN: the scan through a local TCP proxy that adds 1 ms each way, and a
mixed load of eight workers (:mod:`benchmarks.pg_load`).

A PostgreSQL server is started for the run with the test suite's helper
(:class:`tests.engines.PostgresServer`, the machine's own server binaries); the generated
quick house is copied into a fresh database (every table, row for row). The proxy
(:class:`DelayProxy`, asyncio on a thread of its own) forwards each chunk after sleeping
``delay`` seconds, in both directions, and counts round trips: a message from the client after
an answer from the server starts a new one.

``python -m benchmarks.pg_lan`` runs the scan alone and prints the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import Integer, create_engine, insert, select, text

from benchmarks.generate import QUICK, HouseInfo, ensure_house
from benchmarks.harness import Result, Target, timed_result
from gearroom.db import Database, open_database
from gearroom.models import Base

LAN_DELAY_S = 0.001
TARGET = Target(10.0)


class DelayProxy:
    """A TCP proxy on 127.0.0.1 that delays every chunk by ``delay`` seconds each way."""

    def __init__(self, target_port: int, delay: float = LAN_DELAY_S) -> None:
        self.target_port = target_port
        self.delay = delay
        self.round_trips = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="delay-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def start(self) -> int:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delay proxy did not start")
        return self.port

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            pipes = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pipes:
                task.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def begin() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(begin())
        self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        last = ["down"]

        async def pipe(
            src: asyncio.StreamReader, dst: asyncio.StreamWriter, direction: str
        ) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    if direction == "up" and last[0] == "down":
                        self.round_trips += 1
                    last[0] = direction
                    await asyncio.sleep(self.delay)
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pipe(client_r, server_w, "up"), pipe(server_r, client_w, "down"))


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
                    + (f"; {trips:.1f} round trips per scan (counted at the proxy)" if lan else ""),
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
