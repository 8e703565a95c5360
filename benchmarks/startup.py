"""Cold start and peak memory: the ``gearroom`` command in a fresh process on the house.

The app quits right after its first paint when ``GEARROOM_EXIT_AFTER_FIRST_PAINT=1``; the time
from spawning the process to that line on its stdout is the cold start (the database file is in
the operating system's cache after the other benchmarks, as on a workstation in daily use), and
the peak memory with the main window and its first page open is the app's own high-water mark
(``VmHWM``), which the app reads from /proc/self/status at its first paint and prints on that
line. (The ``ru_maxrss`` that ``wait4`` reports for a child can carry the harness's own peak
across fork and exec, so it measured the harness, not the app; it is the fallback only where
the app could not read its own figure.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Result, percentile, timed_result
from benchmarks.operations import TARGETS, Runs

START_TIMEOUT_S = 120


@dataclass(frozen=True)
class Start:
    seconds: float  # spawn to first paint, measured outside
    in_app_seconds: float  # what the app printed (from run_app to first paint)
    max_rss_mb: float


def gearroom_command() -> list[str]:
    """The installed ``gearroom`` script beside this Python, else ``python -m gearroom``."""
    script = Path(sys.executable).with_name("gearroom")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gearroom"]


#: Compiled bytecode for the started app, as an installed Gearroom has it (pip compiles at
#: install); without it every start compiles every module from source.
PYCACHE = Path(__file__).resolve().parent / "data" / "pycache"


def start_once(db_path: Path, home: Path | None = None) -> Start:
    """One start on ``db_path``; ``home`` is the workstation's config and data folder (kept
    between starts, as on a workstation: it remembers that the file was checked intact)."""
    with tempfile.TemporaryDirectory() as scratch:
        home = home or Path(scratch)
        env = {
            **os.environ,
            "GEARROOM_EXIT_AFTER_FIRST_PAINT": "1",
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "GEARROOM_CONFIG": str(home / "config.json"),
            "GEARROOM_DATA_DIR": str(home / "data"),
            "PYTHONPYCACHEPREFIX": str(PYCACHE),
        }
        env.pop("GEARROOM_DATABASE_URL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [*gearroom_command(), "--db", f"sqlite:///{db_path}"]
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stderr is not None
        line = ""
        for text in proc.stdout:
            if text.startswith("first paint after"):
                line = text
                break
        seconds = time.perf_counter() - started
        proc.stdout.read()
        errors = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        proc.stderr.close()
    if not line:
        raise RuntimeError(
            f"gearroom did not report its first paint (exit {proc.returncode}): {errors[-800:]}"
        )
    in_app, peak_kib = parse_first_paint(line)
    if peak_kib is None:
        peak_kib = usage.ru_maxrss  # Linux: ru_maxrss in KiB
    return Start(seconds, in_app, peak_kib / 1024)


def parse_first_paint(line: str) -> tuple[float, int | None]:
    """Seconds and peak memory (KiB) from "first paint after 0.812 s; peak memory 151234 kB"."""
    words = line.replace(";", " ").split()
    seconds = float(words[3])
    if "memory" in words:
        return seconds, int(words[words.index("memory") + 1])
    return seconds, None


def bench_startup(db_path: Path, runs: Runs) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        first = start_once(db_path, home)  # bytecode compiled, the file checked once
        starts = [start_once(db_path, home) for _ in range(runs.slow)]
    in_app = sorted(s.in_app_seconds for s in starts)
    cold = timed_result(
        "cold_start",
        "cold start to first paint",
        [s.seconds for s in starts],
        target=TARGETS["cold_start"],
        note=f"`gearroom --db …` spawn → first painted main window; in-app part "
        f"(after imports) median {in_app[len(in_app) // 2]:.2f} s; the first start (file "
        f"checked page by page, bytecode compiled) {first.seconds:.2f} s",
    )
    rss = [s.max_rss_mb for s in starts]
    memory = Result(
        key="peak_memory",
        label="peak memory, inventory open",
        unit="MB",
        runs=len(rss),
        median=sorted(rss)[len(rss) // 2],
        p95=percentile(rss, 0.95),
        target=TARGETS["peak_memory"],
        note="VmHWM of the app process, read by the app itself at its first paint",
        samples=rss,
    )
    return [cold, memory]
