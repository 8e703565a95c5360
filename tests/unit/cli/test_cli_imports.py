"""A plain command loads no Qt at all: the command line stays light and headless."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_no_subcommand_asks_the_entry_point_to_open_the_app(monkeypatch):
    from gearroom import cli

    opened: list[str | None] = []

    def open_app(url: str | None) -> int:
        opened.append(url)
        return 3

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--db", "sqlite:///x.db"], open_app=open_app)
    assert exit_info.value.code == 3
    assert opened == ["sqlite:///x.db"]


def test_without_an_app_opener_no_subcommand_is_a_one_line_error(capsys):
    from gearroom import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code != 0
    assert capsys.readouterr().err.strip() == "gearroom: Give a subcommand: see gearroom --help."


OPEN_PROBE = """
import atexit, json, sys
def report():
    cli = sorted(m for m in sys.modules if m.startswith("gearroom.cli."))
    sys.stderr.write("\\nMODULES " + json.dumps(cli) + "\\n")
atexit.register(report)
from gearroom import cli
cli.main(sys.argv[1:], open_app=lambda url: 0)
"""


def test_opening_the_app_imports_no_command_module(tmp_path: Path):
    """No subcommand: the app opens without the command modules (and their services) loaded;
    a named command loads them."""
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"

    def modules(args: list[str]) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", OPEN_PROBE, *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
        return list(json.loads(line.removeprefix("MODULES ")))

    assert modules(["--db", url]) == ["gearroom.cli.common"]
    assert "gearroom.cli.catalog" in modules(["--db", url, "asset", "list", "--json"])
