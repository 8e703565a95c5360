from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gearroom.db import open_database
from gearroom.errors import DatabaseError
from gearroom.services import asset_search, catalog, demo
from gearroom.services.catalog import AssetDraft
from gearroom.ui import app
from gearroom.ui.dialogs.first_run import FirstRunChoice, FirstRunDialog


@pytest.fixture
def fake_demo(monkeypatch):
    calls = []

    def load_demo(session, actor, **_options):
        calls.append(actor.name)
        catalog.create_asset(session, actor, AssetDraft(name="Demo camera", category="Camera"))

    monkeypatch.setattr(demo, "load_demo", load_demo)
    return calls


@pytest.mark.sqlite_only
def test_first_start_asks_and_the_demo_goes_into_its_own_file(qtbot, tmp_path, fake_demo):
    url = f"sqlite:///{tmp_path / 'gearroom.sqlite3'}"
    asked = []

    def ask(demo_path):
        asked.append(demo_path)
        return FirstRunChoice.DEMO

    context, is_demo = app.open_context_first_run(url, ask)
    try:
        assert is_demo and asked == [tmp_path / "gearroom-demo.sqlite3"]
        assert context.database.url.endswith("gearroom-demo.sqlite3")
        assert fake_demo == ["tester"]
        names = [c.name for c in context.query(catalog.list_categories)]
        assert "Camera" in names and "Lens" in names
        assert context.query(lambda s: catalog.get_asset(s, "CAM-0001")).name == "Demo camera"
    finally:
        context.database.dispose()
    own = open_database(url)
    try:
        with own.read() as s:
            assert catalog.catalog_is_empty(s), "the demo went into the house's own database"
    finally:
        own.dispose()
    # the next start asks again (the house is still empty) and reuses the filled demo file
    again, is_demo = app.open_context_first_run(url, ask)
    again.database.dispose()
    assert is_demo and len(asked) == 2 and fake_demo == ["tester"]


@pytest.mark.sqlite_only
def test_starting_empty_gives_the_standard_categories_and_no_demo(qtbot, tmp_path, fake_demo):
    url = f"sqlite:///{tmp_path / 'gearroom.sqlite3'}"
    context, is_demo = app.open_context_first_run(url, lambda path: FirstRunChoice.EMPTY)
    try:
        assert not is_demo and fake_demo == []
        assert "Camera" in [c.name for c in context.query(catalog.list_categories)]
        assert (
            context.query(lambda s: asset_search.find_asset_ids(s, asset_search.AssetQuery())) == []
        )
    finally:
        context.database.dispose()
    assert not (tmp_path / "gearroom-demo.sqlite3").exists()
    # not empty any more: the question is not asked again
    again, _ = app.open_context_first_run(url, lambda path: pytest.fail("asked twice"))
    again.database.dispose()


@pytest.mark.sqlite_only
def test_closing_the_first_run_question_sets_nothing_up(qtbot, tmp_path, fake_demo):
    url = f"sqlite:///{tmp_path / 'gearroom.sqlite3'}"
    with pytest.raises(app.FirstRunCancelled):
        app.open_context_first_run(url, lambda path: FirstRunChoice.QUIT)
    own = open_database(url)
    try:
        with own.read() as s:
            assert catalog.catalog_is_empty(s)
    finally:
        own.dispose()


def test_the_first_run_dialog_offers_empty_and_demo(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "gearroom-demo.sqlite3")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(tmp_path / "first-run.png"))
    assert any("gearroom-demo.sqlite3" in label.text() for label in dialog.findChildren(QLabel))
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is FirstRunChoice.DEMO
    other = FirstRunDialog(None)
    qtbot.addWidget(other)
    other.show()
    qtbot.mouseClick(other.empty_button, Qt.MouseButton.LeftButton)
    assert other.choice is FirstRunChoice.EMPTY


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
