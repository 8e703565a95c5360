"""The fault-injection suite: what a full disk, a read-only file, a lost server, a held lock,
hostile bytes and huge numbers do to every command that writes.

Every test runs the real ``gearroom`` entry point (``gearroom.cli.main``) and asserts the same
three things: one clear line on stderr (no traceback), a non-zero exit code, and a database
exactly as it was before the command (every row of every table).
"""

from __future__ import annotations

import contextlib
import csv
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from gearroom.cli import main
from gearroom.db import open_database
from gearroom.engine import sqlite_path
from gearroom.models import Base
from gearroom.services import catalog, people, productions, stock
from gearroom.services.actor import Actor, Role
from gearroom.services.productions import ShootDayDraft
from gearroom.services.setup import ensure_standard_categories

ADMIN = Actor("tester", Role.ADMIN)
TODAY = date.today()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class House:
    """A small rental house: three lenses, a stock item, a person and a production."""

    url: str
    lenses: tuple[str, ...]
    battery: str
    badge: str
    production: str = "Nightfall"


def build_house(url: str) -> House:
    db = open_database(url)
    try:
        with db.write() as s:
            ensure_standard_categories(s, ADMIN)
            catalog.create_location(s, ADMIN, "Shelf A1")
            lenses = tuple(
                catalog.create_asset(
                    s, ADMIN, catalog.AssetDraft(name=f"Prime {mm}mm", category="Lens")
                ).tag
                for mm in (25, 35, 50)
            )
            battery = stock.create_stock_item(s, ADMIN, "V-mount battery", "Power", 10).tag
            badge = people.add_person(s, ADMIN, "Ana Costa").badge
            productions.create_production(
                s,
                ADMIN,
                "Nightfall",
                days=[
                    ShootDayDraft(TODAY, productions.ShootDayKind.PREP),
                    ShootDayDraft(TODAY + timedelta(days=1), productions.ShootDayKind.SHOOT),
                    ShootDayDraft(TODAY + timedelta(days=2), productions.ShootDayKind.WRAP),
                ],
            )
    finally:
        db.dispose()
    return House(url, lenses, battery, badge)


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every Gearroom table, in primary-key order (read without Gearroom's door)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found: dict[str, list[tuple[object, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                found[table.name] = [tuple(r) for r in rows]
            return found
    finally:
        engine.dispose()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``gearroom ARGS`` through the console entry point: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def assert_one_line_failure(code: int, err: str) -> str:
    assert code != 0, err
    assert "Traceback" not in err, err
    assert err.startswith("gearroom: ") and err.count("\n") == 1, err
    return err[len("gearroom: ") : -1]


def write_commands(house: House, tmp: Path) -> dict[str, list[str]]:
    """Every kind of command that writes, ready to run against ``house``."""
    csv_path = tmp / "lenses.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Category", "Serial", "Notes"])
        for i in range(400):
            w.writerow([f"Zoom {i}", "Lens", f"Z-{i:05d}", "n" * 200])
    day, later = TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat()
    return {
        "asset add": ["asset", "add", "--category", "Camera", "--name", "Sony FX6"],
        "asset edit": ["asset", "edit", house.lenses[0], "--location", "Shelf A1"],
        "stock add": ["stock", "add", "--category", "Power", "--name", "D-tap", "--quantity", "4"],
        "person add": ["person", "add", "Bo Lind"],
        "kit add": ["kit", "add", "Prime case", "--item", house.lenses[1]],
        "production add": ["production", "add", "Dawn", "--prep", day, "--shoot", later],
        "reserve": ["reserve", house.production, house.lenses[2]],
        "checkout": ["checkout", house.production, "--to", house.badge, house.lenses[0]],
        "import assets": ["import", "assets", str(csv_path)],
    }


@pytest.fixture
def house_url(db_url: str) -> str:
    return build_house(db_url).url


@pytest.fixture
def sqlite_house(tmp_path: Path) -> House:
    return build_house(f"sqlite:///{tmp_path / 'house.sqlite3'}")


# ----------------------------------------------------------------------------- a tiny disk


def privileged(*command: str) -> list[str]:
    """``command`` as root: directly when the tests run as root, else through ``sudo -n``."""
    return list(command) if os.geteuid() == 0 else ["sudo", "-n", *command]


def _mount_tmpfs(folder: Path, size: str) -> bool:
    options = f"size={size},uid={os.getuid()},gid={os.getgid()},mode=0700"
    try:
        result = subprocess.run(
            privileged("mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)),
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextlib.contextmanager
def tiny_file_system(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A real file system of ``size`` mounted at ``folder``; unmounted afterwards.

    Needs root (or password-less sudo). Skips when mounting is impossible here, except in CI
    (``CI=true``), where the test must run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if not _mount_tmpfs(folder, size):
        if in_ci():
            pytest.fail("cannot mount a tmpfs for the full-disk test (CI must run it)")
        pytest.skip("cannot mount a tmpfs here (needs root); the max_page_count variant runs")
    try:
        yield folder
    finally:
        subprocess.run(privileged("umount", "-l", str(folder)), capture_output=True, check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system holding ``folder`` until only about ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    if free > leave:
        with (folder / "ballast").open("wb") as f:
            f.write(b"\0" * (free - leave))


def database_file(url: str) -> Path:
    path = sqlite_path(url)
    assert path is not None
    return path


@contextlib.contextmanager
def disk_fills_at(folder: Path, statement: int) -> Iterator[None]:
    """Fill the file system holding ``folder`` just before the ``statement``-th write statement
    (INSERT, UPDATE, DELETE) of any engine in this process: the disk fills mid-operation."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen = [0]

    def before(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen[0] += 1
            if seen[0] == statement:
                fill(folder, 0)

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        with contextlib.suppress(FileNotFoundError):
            (folder / "ballast").unlink()
