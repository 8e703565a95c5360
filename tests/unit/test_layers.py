"""The core (models, services, database) stays free of Qt, and the import contracts hold."""

from __future__ import annotations

import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gearroom.models
import gearroom.services

REPO = Path(__file__).resolve().parents[2]
CORE_PACKAGES = (gearroom.models, gearroom.services)
QT_MODULES = ("PySide6", "shiboken6", "gearroom.ui")


def core_modules() -> list[str]:
    names = ["gearroom.db", "gearroom.config", "gearroom.errors", "gearroom.paths", "gearroom.text"]
    for package in CORE_PACKAGES:
        names.append(package.__name__)
        names += [
            m.name for m in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
        ]
    return names


PROBE = """
import importlib, json, sys
qt = {qt!r}
found = {{}}
for name in {modules!r}:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in qt or m.startswith(qt))
    if loaded:
        found[name] = loaded
        break
print(json.dumps(found))
"""


def _loaded_qt(modules: list[str]) -> dict[str, list[str]]:
    """Import ``modules`` one after another in a fresh interpreter; the first that pulls in Qt."""
    code = PROBE.format(qt=QT_MODULES, modules=modules)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    result: dict[str, list[str]] = json.loads(out.stdout)
    return result


def test_every_core_module_is_listed():
    modules = core_modules()
    assert "gearroom.services.catalog" in modules
    assert "gearroom.models.history" in modules
    assert len(modules) == len(set(modules))


def test_the_core_imports_without_qt():
    assert _loaded_qt(core_modules()) == {}


def test_the_probe_notices_qt():
    """The check above would catch a core module that pulled in Qt."""
    assert "gearroom.ui.context" in _loaded_qt(["gearroom.ui.context"])


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("lint-imports")
    if not tool.exists():
        pytest.fail(f"import-linter is not installed ({tool}); install the test extras")
    return subprocess.run(
        [str(tool), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_the_import_contracts_hold():
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_import_contracts_catch_qt_in_a_service(tmp_path):
    shutil.copytree(
        REPO / "gearroom", tmp_path / "gearroom", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "gearroom" / "services" / "sneaky.py").write_text(
        "from PySide6.QtCore import QObject\n"
    )
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "gearroom.services.sneaky" in result.stdout


# --------------------------------------------------------------------------- size

MAX_LINES = 600


def files_over(root: Path, limit: int = MAX_LINES) -> list[str]:
    """``path (lines)`` of every Python file under ``root`` longer than ``limit`` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        if lines > limit:
            found.append(f"{path.relative_to(root.parent).as_posix()} ({lines})")
    return found


def test_the_size_rule_notices_a_long_file(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "short.py").write_text("x = 1\n" * MAX_LINES)
    (package / "sub" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert files_over(package) == [f"pkg/sub/long.py ({MAX_LINES + 1})"]


def test_no_file_in_gearroom_is_over_600_lines():
    over = files_over(REPO / "gearroom")
    assert over == [], f"Files over {MAX_LINES} lines (split them by responsibility): {over}"


def shared_basenames(root: Path) -> dict[str, list[str]]:
    """Test modules whose file names repeat: pytest's default import mode refuses them."""
    seen: dict[str, list[str]] = {}
    for path in sorted(root.rglob("test_*.py")):
        seen.setdefault(path.name, []).append(path.relative_to(root).as_posix())
    return {name: paths for name, paths in seen.items() if len(paths) > 1}


def test_the_basename_rule_notices_a_repeat(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "test_x.py").write_text("")
    (tmp_path / "b" / "test_x.py").write_text("")
    (tmp_path / "b" / "test_y.py").write_text("")
    assert shared_basenames(tmp_path) == {"test_x.py": ["a/test_x.py", "b/test_x.py"]}


def test_no_two_test_modules_share_a_file_name():
    repeats = shared_basenames(REPO / "tests")
    assert repeats == {}, f"Rename one of each (the suite would not even be collected): {repeats}"
