"""An empty house says what to do next on every page, and the hints go once there is data."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QPushButton

from gearroom.ui.dialogs.import_wizard import ImportWizard
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.checkout import CheckoutPage
from gearroom.ui.pages.dashboard import DashboardPage
from gearroom.ui.pages.inventory import InventoryPage
from gearroom.ui.pages.productions import ProductionsPage
from gearroom.ui.widgets.empty_state import EmptyState

SHOTS = Path(os.environ.get("GEARROOM_SHOTS", "")) if os.environ.get("GEARROOM_SHOTS") else None


def _window(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    return window


def _states(page):
    return list(page.findChildren(EmptyState))


def test_every_page_with_a_table_says_what_to_do_next(qtbot, context):
    window = _window(qtbot, context)
    for kind in (DashboardPage, InventoryPage, ProductionsPage, CheckoutPage):
        page = next(p for p in window.pages if isinstance(p, kind))
        window.stack.setCurrentWidget(page)
        page.activated()
        qtbot.waitUntil(lambda p=page: any(s.isVisible() for s in _states(p)), timeout=3000)
        state = next(s for s in _states(page) if s.isVisible())
        assert state.text.text(), kind.__name__
        if SHOTS:
            window.grab().save(str(SHOTS / f"empty-{kind.__name__}.png"))


def test_the_hint_goes_when_gear_arrives_and_stays_away_while_searching(qtbot, context, add_asset):
    page = InventoryPage(context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    page.activated()
    state = next(s for s in _states(page) if s.view is page.assets.table)
    qtbot.waitUntil(state.isVisible, timeout=3000)
    assert [b.text() for b in state.buttons] == ["Import a spreadsheet…", "Add an item…"]
    page.assets.search.setText("nothing like this")
    page.assets.apply_query()
    assert not state.isVisible()
    page.assets.search.setText("")
    page.assets.apply_query()
    qtbot.waitUntil(state.isVisible, timeout=3000)
    add_asset(name="Sony FX6")
    page.refresh()
    qtbot.waitUntil(lambda: not state.isVisible(), timeout=3000)


def test_the_import_button_opens_the_import_wizard(qtbot, context, monkeypatch):
    opened = []
    monkeypatch.setattr(ImportWizard, "open", lambda self: opened.append(self))
    window = _window(qtbot, context)
    page = next(p for p in window.pages if isinstance(p, InventoryPage))
    window.stack.setCurrentWidget(page)
    page.activated()
    button = page.findChild(QPushButton, "emptyState_import")
    qtbot.waitUntil(button.isVisible, timeout=3000)
    button.click()
    QApplication.processEvents()
    assert len(opened) == 1
