"""The navigation's entries say of each page what the page says of itself, and a start builds
the first page only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gearroom.services.actor import Permission
from gearroom.ui.context import AppContext
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.registry import LazyPage, page_class, page_factories


def test_every_entry_is_its_page() -> None:
    entries = page_factories()
    assert len({e.page_id for e in entries}) == len(entries)
    for entry in entries:
        cls = page_class(entry)
        assert issubclass(cls, Page)
        assert (cls.page_id, cls.title, cls.icon_name, cls.permission) == (
            entry.page_id,
            entry.title,
            entry.icon_name,
            entry.permission,
        )


def test_an_entry_that_disagrees_with_its_page_is_refused() -> None:
    wrong = LazyPage(
        "inventory", "Stock room", "inventory", "gearroom.ui.pages.inventory:InventoryPage"
    )
    with pytest.raises(TypeError, match="navigation entry"):
        wrong.page_class()
    with pytest.raises(TypeError, match="not a page"):
        LazyPage("x", "X", "x", "gearroom.ui.pages.registry:page_factories").page_class()
    assert (
        LazyPage("labels", "Labels", "labels", "gearroom.ui.pages.labels:LabelsPage").permission
        is Permission.VIEW
    )


def test_pages_are_built_when_first_shown(qtbot: Any, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert [p.page_id for p in window.built_pages()] == ["dashboard"]
    assert window.current_page() is window.built_pages()[0]
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles == [k.title for k in window.kinds]
    assert window.go_to_page("service")
    service = window.current_page()
    assert service is not None and service.page_id == "service"
    assert service.refresh_count == 1  # read when first shown
    assert [p.page_id for p in window.built_pages()] == ["dashboard", "service"]
    assert window.page("service") is service  # built once
    assert len(window.pages) == len(window.kinds) == window.stack.count()
    assert all(window.stack.widget(row) is page for row, page in enumerate(window.pages))


PROBE = """
import json, os, sys
from gearroom.ui import app
app.run_app(sys.argv[1])
pages = sorted(m for m in sys.modules if m.startswith("gearroom.ui.pages."))
heavy = sorted(m for m in ("alembic", "PIL", "qrcode", "openpyxl", "gearroom.cli.catalog")
               if m in sys.modules)
print("MODULES " + json.dumps({"pages": pages, "heavy": heavy}))
"""


def test_a_start_imports_the_first_page_only(tmp_path: Path) -> None:
    """The app's start to its first paint loads the first page's module and none of the
    others, nor Alembic, the image and code libraries or the workbook writer."""
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    env = {
        **os.environ,
        "GEARROOM_EXIT_AFTER_FIRST_PAINT": "1",
        "QT_QPA_PLATFORM": "offscreen",
        "GEARROOM_CONFIG": str(tmp_path / "config.json"),
        "GEARROOM_DATA_DIR": str(tmp_path / "data"),
    }
    init = [sys.executable, "-m", "gearroom", "--db", url, "init"]
    subprocess.run(init, env=env, capture_output=True, check=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("MODULES "))
    modules = json.loads(line.removeprefix("MODULES "))
    assert [m for m in modules["pages"] if m.count(".") == 3] == [
        "gearroom.ui.pages.base",
        "gearroom.ui.pages.dashboard",
        "gearroom.ui.pages.registry",
    ]
    assert modules["heavy"] == []
