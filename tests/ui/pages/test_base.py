"""Pages as components: refreshed once per change that concerns them, hidden pages when shown,
and known by their id (renaming a page changes nothing in role gating)."""

from __future__ import annotations

from typing import Any

from gearroom.models import AssetStatus, Role
from gearroom.services.actor import Actor, Permission
from gearroom.services.changes import ChangeKind, DataChange
from gearroom.ui.context import AppContext
from gearroom.ui.live import ChangeWatcher
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.inventory import InventoryPage
from gearroom.ui.pages.reports import ReportsPage


class ProductionsOnly(Page):
    page_id = "productions-only"
    title = "Productions only"
    concerns = frozenset({ChangeKind.PRODUCTION})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.refreshes = 0

    def refresh(self) -> None:
        self.refreshes += 1


def _window(qtbot: Any, context: AppContext, pages: list[Any]) -> MainWindow:
    window = MainWindow(context, pages)
    qtbot.addWidget(window)
    window.show()
    return window


def test_one_local_status_change_refreshes_the_inventory_exactly_once(
    qtbot: Any, context: AppContext, small_catalog: dict[str, Any]
) -> None:
    window = _window(qtbot, context, [InventoryPage, ProductionsOnly])
    inventory, other = window.pages
    assert isinstance(inventory, InventoryPage)
    watcher = ChangeWatcher(context, poll_ms=100, min_interval_ms=100, parent=window)
    watcher.start()
    noticed: list[str] = []
    watcher.noticed.connect(noticed.append)
    try:
        panel = inventory.assets
        panel.table.selectRow(panel.model.row_of(small_catalog["fx6"].id))
        refreshes, searches = inventory.refresh_count, panel.model.searches
        panel.detail.status_actions[AssetStatus.AVAILABLE].trigger()
        assert panel.detail.details is not None
        assert panel.detail.details.asset.status is AssetStatus.AVAILABLE
        qtbot.wait(800)  # several polls of the watcher: it sees only our own events
    finally:
        watcher.stop()
    assert inventory.refresh_count == refreshes + 1
    assert panel.model.searches == searches + 1
    assert noticed == []
    assert other.stale is True and other.refreshes == 0  # an asset is not its concern


def test_a_hidden_page_marks_itself_stale_and_refreshes_when_shown(
    qtbot: Any, context: AppContext
) -> None:
    window = _window(qtbot, context, [ProductionsOnly, ProductionsOnly])
    front, hidden = window.pages
    assert (front.refreshes, hidden.refreshes) == (1, 0)
    change = DataChange.local("production")
    context.changed.emit(change)
    context.changed.emit(change)
    assert front.refreshes == 3 and hidden.refreshes == 0 and hidden.stale
    context.changed.emit(DataChange.local("operator"))  # concerns neither
    assert front.refreshes == 3
    window.nav.setCurrentRow(1)
    assert hidden.refreshes == 1 and not hidden.stale  # once, however many changes
    window.nav.setCurrentRow(0)
    assert front.refreshes == 3  # nothing changed meanwhile: no refresh on show


def test_renaming_a_page_changes_nothing_in_role_gating(
    qtbot: Any, context: AppContext, monkeypatch: Any
) -> None:
    def gated(window: MainWindow) -> dict[str, bool]:
        return {p.page_id: window.controls.page_visible(p.page_id) for p in window.pages}

    context.set_actor(Actor("ash", Role.ASSISTANT))
    before = gated(_window(qtbot, context, [InventoryPage, ReportsPage]))
    monkeypatch.setattr(ReportsPage, "title", "Berichte")
    monkeypatch.setattr(InventoryPage, "title", "Reports")  # even a title another page had
    window = _window(qtbot, context, [InventoryPage, ReportsPage])
    assert [window.nav.item(r).text() for r in range(2)] == ["Reports", "Berichte"]
    assert gated(window) == before == {"inventory": True, "reports": False}
    assert ReportsPage.permission is Permission.REPORTS
    inventory = window.pages[0]
    assert all(not w.isVisible() for w, _p in inventory.gated_widgets())
    context.set_actor(Actor("kai", Role.ADMIN))
    assert gated(window) == {"inventory": True, "reports": True}


def test_the_open_page_says_what_is_selected_for_print_label(
    qtbot: Any, context: AppContext, small_catalog: dict[str, Any]
) -> None:
    window = _window(qtbot, context, [InventoryPage])
    page = window.pages[0]
    assert window.controls.selected_tag() is None
    assert window.open_item("asset", small_catalog["vespid"].id)
    selected = page.selected_item()
    assert selected is not None and (selected.kind, selected.tag) == ("asset", "LNS-0001")
    assert window.controls.selected_tag() == "LNS-0001"
    assert window.open_item("kit", small_catalog["kit"].id)
    assert window.controls.selected_tag() == small_catalog["kit"].tag
