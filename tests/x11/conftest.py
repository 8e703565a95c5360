"""Real-X11 fixtures: an Xvfb server, xdotool, and Gearroom's main window in a separate process.

The pytest process's QApplication runs offscreen; these tests open the app with the xcb plugin
on a virtual X server (tests/x11/driver.py) and type into it with xdotool, which goes through the
X server exactly as a USB keyboard-wedge scanner does (XTEST key events, Shift pressed and released
around capitals, the keymap of the configured layout).

Xvfb and xdotool missing: the tests skip, or fail when ``CI=true`` or ``GEARROOM_REQUIRE_X11=1``.
``GEARROOM_X11_DISPLAYS=200-299`` makes the server take a free display number in that range
(otherwise Xvfb picks one with ``-displayfd``).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gearroom.db import open_database
from gearroom.paths import demo_dir
from gearroom.services import demo, operators
from gearroom.services.actor import Actor, Role
from gearroom.services.setup import ensure_standard_categories

DRIVER = Path(__file__).with_name("driver.py")
ROOT = Path(__file__).resolve().parents[2]


def require_x11() -> bool:
    """Whether a missing X server or xdotool must fail the run instead of skipping."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get(
        "GEARROOM_REQUIRE_X11", ""
    ) not in ("", "0")


def _missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool", "setxkbmap") if shutil.which(tool) is None]


class XServer:
    def __init__(self, process: subprocess.Popen[bytes], display: str) -> None:
        self.process = process
        self.display = display

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def xdotool_script(self, lines: list[str]) -> None:
        """Run xdotool commands in one xdotool process (no start-up gap between them)."""
        subprocess.run(
            ["xdotool", "-"],
            input="\n".join(lines) + "\n",
            text=True,
            env=self.env,
            check=True,
            timeout=60,
        )

    def layout(self, *args: str) -> None:
        subprocess.run(["setxkbmap", *args], env=self.env, check=True, timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _start_xvfb() -> XServer:
    args = ["-screen", "0", "1600x1000x24", "-nolisten", "tcp"]
    wanted = os.environ.get("GEARROOM_X11_DISPLAYS", "")
    if wanted:
        first, _, last = wanted.partition("-")
        for number in range(int(first), int(last or first) + 1):
            if Path(f"/tmp/.X{number}-lock").exists():
                continue
            proc = subprocess.Popen(
                ["Xvfb", f":{number}", *args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    return XServer(proc, f":{number}")
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
            proc.kill()
            proc.wait()
        raise RuntimeError(f"no free X display in {wanted}")
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), *args],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return XServer(proc, f":{number}")


@pytest.fixture(scope="session")
def x_server() -> Iterator[XServer]:
    missing = _missing_tools()
    if missing:
        message = f"{', '.join(missing)} not installed (apt-get install xvfb xdotool x11-xkb-utils)"
        if require_x11():
            pytest.fail(f"The X11 tests must run here but {message}", pytrace=False)
        pytest.skip(f"X11 tests skipped: {message}")
    server = _start_xvfb()
    server.layout("us")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo rental house in an SQLite file, built once per session."""
    path = tmp_path_factory.mktemp("x11-template") / "demo.sqlite3"
    database = open_database(f"sqlite:///{path}")
    actor = Actor("tester", Role.ADMIN)
    try:
        with database.write() as session:
            ensure_standard_categories(session, actor)
            demo.load_demo(session, actor, files=demo_dir())
            operators.create_demo_operators(session, actor)
    finally:
        database.dispose()
    return path


class App:
    """One Gearroom main window in its own process, on the test X server."""

    def __init__(
        self,
        server: XServer,
        folder: Path,
        template: Path,
        config: dict[str, Any] | None = None,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.server = server
        self.db_path = folder / "gearroom.sqlite3"
        shutil.copyfile(template, self.db_path)
        self.config = folder / "config.json"
        if config:
            self.config.write_text(json.dumps(config), encoding="utf-8")
        env = {
            **server.env,
            "QT_QPA_PLATFORM": "xcb",
            "GEARROOM_SOUND": "off",
            "GEARROOM_CONFIG": str(self.config),
            "GEARROOM_DATA_DIR": str(folder / "data"),
            "GEARROOM_OPERATOR": "tester",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("GEARROOM_DATABASE_URL", None)
        self.stderr = (folder / "driver.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), f"sqlite:///{self.db_path}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=env,
        )
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = self._read(120)
        assert ready.get("ready"), ready
        self.window_id = str(ready["window"])

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        if not self._selector.select(timeout):
            raise AssertionError(f"the app did not answer within {timeout} s")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the app exited (code {self.process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise AssertionError(answer["error"])
        return answer

    def ask(self, cmd: str, timeout: float = 60, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        return self._read(timeout)

    def show(self, title: str) -> None:
        self.ask("page", title=title)

    def focus(self, kind: str, index: int = 0) -> str:
        """Focus a widget of the open page; returns its key in :meth:`state` values."""
        self.server.xdotool_script([f"windowfocus --sync {self.window_id}"])
        answer = self.ask("focus", kind=kind, index=index)
        assert answer["ok"], answer
        return str(answer["target"])

    def state(self, after_ms: int = 350) -> dict[str, Any]:
        return self.ask("state", after_ms=after_ms)

    def scan(self, tag: str, delay_ms: int = 8, suffix: str = "Return") -> None:
        """What a keyboard-wedge scanner sends: the tag's keys, then the suffix key(s)."""
        self.keys([f"type --delay {delay_ms} {tag}", f"key --delay {delay_ms} {suffix}"])

    def keys(self, script: list[str]) -> None:
        """Send xdotool commands (one xdotool process: no gap between them)."""
        self.server.xdotool_script(script)

    def type_slowly(self, text: str, delay_ms: int = 150) -> None:
        """A person typing."""
        self.server.xdotool_script([f"type --delay {delay_ms} {text}"])

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(AssertionError):
                self.ask("quit", timeout=10)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()


@pytest.fixture(scope="session")
def apps(x_server: XServer, demo_template: Path) -> Iterator[Any]:
    """``apps(name)``: the app process called ``name`` (started once, then reused)."""
    started: dict[str, App] = {}
    folder = Path(tempfile.mkdtemp(prefix="gearroom-x11-"))

    def get(name: str, config: dict[str, Any] | None = None) -> App:
        """The app called ``name``, started with ``config`` as its config file."""
        if name not in started:
            for other in list(started.values()):
                other.close()  # one window on the screen at a time: it has the keyboard
            started.clear()
            started[name] = App(x_server, folder / name, demo_template, config)
        return started[name]

    yield get
    for app in started.values():
        app.close()
    shutil.rmtree(folder, ignore_errors=True)
