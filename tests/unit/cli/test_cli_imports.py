"""A plain command loads no Qt at all: the command line stays light and headless."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gearroom.db import Database

PROBE = """
import atexit, json, sys
def report():
    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    ui = sorted(m for m in sys.modules if m.startswith("gearroom.ui") or m == "gearroom.render")
    sys.stderr.write("\\nMODULES " + json.dumps({"qt": qt, "ui": ui}) + "\\n")
atexit.register(report)
from gearroom.__main__ import main
main(sys.argv[1:])
"""


def _run(args: list[str]) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return done, json.loads(line.removeprefix("MODULES "))


def test_asset_list_json_imports_no_qt(catalog_db: Database, tmp_path: Path):
    done, modules = _run(["--db", catalog_db.url, "asset", "list", "--json"])
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), list)
    assert modules == {"qt": [], "ui": []}


def test_the_help_imports_no_qt():
    done, modules = _run(["--help"])
    assert done.returncode == 0 and "Usage:" in done.stdout
    assert modules == {"qt": [], "ui": []}
