"""The database engines the test suite runs on: SQLite (a file per test) and a real PostgreSQL.

The PostgreSQL server is started once per test session from the server binaries installed on
the machine (Debian puts them under ``/usr/lib/postgresql/<version>/bin``; ``GEARROOM_PG_BIN``
overrides the folder). PostgreSQL refuses to run as root, so when the tests run as root the
server runs as the ``postgres`` account (``runuser``) in a data folder that account owns.
``GEARROOM_TEST_POSTGRES_URL`` points the tests at an existing server instead (a superuser URL).

The schema is migrated once into a template database; every test gets a fresh copy of it
(``CREATE DATABASE … TEMPLATE``), which takes milliseconds.

Without the binaries the PostgreSQL half of the suite is skipped with the reason, unless
``GEARROOM_REQUIRE_POSTGRES=1`` is set (CI), in which case it fails.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

ENGINES = ("sqlite", "postgresql")
TEMPLATE_DB = "gearroom_template"
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started on this machine (the message says why)."""


def require_postgres() -> bool:
    """Whether a missing PostgreSQL must fail the run instead of skipping (CI sets it)."""
    return os.environ.get("GEARROOM_REQUIRE_POSTGRES", "") not in ("", "0")


def _version_key(path: str) -> tuple[int, ...]:
    name = Path(path).parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def find_pg_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first."""
    env = os.environ.get("GEARROOM_PG_BIN")
    if env:  # an explicit choice: only that folder
        folder = Path(env)
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
        raise PostgresUnavailable(f"GEARROOM_PG_BIN={env} holds no initdb and pg_ctl")
    candidates: list[Path] = []
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += [Path(p) for p in debian]
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout
            candidates.append(Path(out.strip()))
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(Path(which).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the 'postgresql' "
        "package or set GEARROOM_PG_BIN (or GEARROOM_TEST_POSTGRES_URL for a running server)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    admin_url: str  # a superuser URL on the maintenance database, psycopg style
    _stop: list[Sequence[str]] = field(default_factory=list)
    _start: list[Sequence[str]] = field(default_factory=list)
    _workdir: Path | None = None
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    template_ready: bool = False
    _version: int | None = None

    # -- starting and stopping ------------------------------------------------------------
    @classmethod
    def start(cls) -> PostgresServer:
        external = os.environ.get("GEARROOM_TEST_POSTGRES_URL")
        if external:
            return cls(admin_url=_plain_url(external))
        bindir = find_pg_bindir()
        as_root = os.geteuid() == 0
        prefix: list[str] = []
        owner: pwd.struct_passwd | None = None
        if as_root:
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"the tests run as root and PostgreSQL refuses root; no '{SERVER_USER}' "
                    "account to run the server as"
                ) from exc
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            prefix = [runuser, "-u", SERVER_USER, "--"]
        # Not under pytest's temp folder: that one is private to the user running the tests.
        # In memory when the machine has /dev/shm: creating a database per test is then cheap.
        shm = Path("/dev/shm")
        base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        _stop_abandoned_servers(bindir, prefix, base)
        workdir = Path(tempfile.mkdtemp(prefix="gearroom-pg-", dir=base))
        (workdir / "owner.pid").write_text(str(os.getpid()))
        data = workdir / "data"
        log = workdir / "server.log"
        if owner is not None:
            os.chown(workdir, owner.pw_uid, owner.pw_gid)
        port = _free_port()
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        try:
            subprocess.run(
                [
                    *prefix,
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    SERVER_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ],
                check=True,
                capture_output=True,
                text=True,
                env=env,
                cwd=workdir,
            )
            options = (
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                "-c wal_level=minimal -c max_wal_senders=0"
            )
            pg_ctl = str(bindir / "pg_ctl")
            subprocess.run(
                [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"],
                check=True,
                capture_output=True,
                text=True,
                env=env,
                cwd=workdir,
            )
        except subprocess.CalledProcessError as exc:
            details = (exc.stderr or exc.stdout or "").strip()
            if log.exists():
                details += "\n" + log.read_text(errors="replace")[-2000:]
            shutil.rmtree(workdir, ignore_errors=True)
            raise PostgresUnavailable(f"cannot start PostgreSQL from {bindir}: {details}") from exc
        server = cls(
            admin_url=f"postgresql://{SERVER_USER}@127.0.0.1:{port}/postgres",
            _stop=[[*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]],
            _start=[
                [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]
            ],
            _workdir=workdir,
        )
        server._wait_ready()
        return server

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.admin_url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def halt(self) -> None:
        """Stop the server at once (as a crash or a pulled cable would), keeping its data."""
        for command in self._stop:
            subprocess.run(command, check=False, capture_output=True)

    def resume(self) -> None:
        """Start a halted server again on the same data and port."""
        for command in self._start:
            subprocess.run(command, check=True, capture_output=True, cwd=self._workdir)
        self._wait_ready()

    def stop(self) -> None:
        for command in self._stop:
            subprocess.run(command, check=False, capture_output=True)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    # -- databases --------------------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for ``dbname`` on this server."""
        parsed = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=dbname)
        return parsed.render_as_string(hide_password=False)

    def version(self) -> int:
        """The server's version number (150004 for 15.4)."""
        if self._version is None:
            with psycopg.connect(self.admin_url) as conn:
                self._version = conn.info.server_version
        return self._version

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A superuser connection (autocommit) to the maintenance database."""
        return psycopg.connect(self.admin_url, autocommit=True)

    def _admin(self, statement: sql.Composed) -> None:
        with self.admin() as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create ``name`` (dropping an old one), optionally as a copy of ``template``."""
        self.drop_database(name)
        if template is None:
            self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            # FILE_COPY (PostgreSQL 15+) copies the small template faster than WAL logging it.
            strategy = sql.SQL(" STRATEGY = FILE_COPY" if self.version() >= 150000 else "")
            self._admin(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                    sql.Identifier(name), sql.Identifier(template), strategy
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def unique_name(self, prefix: str = "gearroom_test") -> str:
        return f"{prefix}_{os.getpid()}_{next(self._counter)}"

    def prepare_template(self) -> None:
        """Create the template database at the head revision (once per session)."""
        if self.template_ready:
            return
        from gearroom.db import open_database

        url = self.create_database(TEMPLATE_DB)
        db = open_database(url)
        db.dispose()
        self.template_ready = True

    def fresh_database(self) -> tuple[str, str]:
        """A new database at the head revision: (name, SQLAlchemy URL)."""
        self.prepare_template()
        name = self.unique_name()
        return name, self.create_database(name, template=TEMPLATE_DB)

    def empty_database(self) -> tuple[str, str]:
        """A new, empty database (no tables, no revision): (name, SQLAlchemy URL)."""
        name = self.unique_name("gearroom_empty")
        return name, self.create_database(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_abandoned_servers(bindir: Path, prefix: list[str], base: Path | None) -> None:
    """Stop and remove servers left behind by test runs that were killed before tearing down."""
    folder = base or Path(tempfile.gettempdir())
    for workdir in folder.glob("gearroom-pg-*"):
        try:
            owner = int((workdir / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        if (workdir / "data" / "postmaster.pid").exists():
            subprocess.run(
                [
                    *prefix,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(workdir / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def _plain_url(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)
