from __future__ import annotations

import pytest

from gearroom.errors import DatabaseError
from gearroom.services import catalog, demo
from gearroom.services.catalog import AssetDraft
from gearroom.ui import app


@pytest.fixture
def fake_demo(monkeypatch):
    calls = []

    def load_demo(session, actor):
        calls.append(actor.name)
        catalog.create_asset(session, actor, AssetDraft(name="Demo camera", category="Camera"))

    monkeypatch.setattr(demo, "load_demo", load_demo)
    return calls


@pytest.mark.sqlite_only
def test_first_start_loads_the_demo_once(qtbot, tmp_path, fake_demo):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    context = app.open_context(url)
    try:
        assert fake_demo == ["tester"]
        names = [c.name for c in context.query(catalog.list_categories)]
        assert "Camera" in names and "Lens" in names
        assert context.query(lambda s: catalog.get_asset(s, "CAM-0001")).name == "Demo camera"
    finally:
        context.database.dispose()
    again = app.open_context(url)
    again.database.dispose()
    assert fake_demo == ["tester"]


@pytest.mark.sqlite_only
def test_a_catalog_with_categories_gets_no_demo(qtbot, catalog_db, fake_demo):
    context = app.open_context(catalog_db.url)
    context.database.dispose()
    assert fake_demo == []


@pytest.mark.sqlite_only
def test_a_database_that_cannot_open_is_a_message_and_an_exit_code(qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("this is not a database, it is my shopping list\n" * 100)
    shown = []
    monkeypatch.setattr(app, "show_startup_error", lambda error, parent=None: shown.append(error))
    code = app.run_app(f"sqlite:///{bad}")
    assert code == DatabaseError.exit_code
    assert len(shown) == 1 and isinstance(shown[0], DatabaseError)
    assert "not a Gearroom database" in str(shown[0])
