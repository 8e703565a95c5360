"""The contract every page of the main window follows.

A page is a component: the window knows it by its stable :attr:`Page.page_id` (never by the
title it shows, which may be renamed or translated), asks it what permission it needs, whether
it takes a person's badge itself, what item is selected, to open an item, and which of its
widgets a role without a permission must not see. Which changes concern a page is declared by
:attr:`Page.concerns`: the window hands every announced change to every page, and a page
refreshes once per change that concerns it — at once when it is shown, when it is next shown
otherwise (it marks itself stale meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from gearroom.services.actor import Permission
from gearroom.services.changes import ALL_KINDS, ChangeKind, DataChange
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.empty_state import NextStep


@dataclass(frozen=True)
class SelectedItem:
    """What a page has selected: an asset, kit or stock item (``kind``), its id and tag."""

    kind: str
    id: int
    tag: str


class Page(QWidget):
    """A page in the main window's navigation.

    Subclasses set ``page_id`` (stable, never shown), ``title`` (shown in the navigation) and
    ``permission``, and may override :meth:`handle_scan` (a tag read by the scanner while this
    page is open), :meth:`refresh` (data changed, here or on another workstation),
    :meth:`selected_item`, :meth:`show_item` and :meth:`gated_widgets`.
    """

    #: A stable identifier: what the window and the role gating know the page by.
    page_id: ClassVar[str] = ""
    title: str = ""
    #: Name of a standard theme icon or a file in resources/icons (without extension).
    icon_name: str = ""
    #: What an operator must be allowed to do to see the page.
    permission: ClassVar[Permission] = Permission.VIEW
    #: Whether the page takes a person's badge itself (rather than it switching operator).
    takes_badges: ClassVar[bool] = False
    #: Whether the page shows items when asked (:meth:`show_item`); the window opens items
    #: on the first such page.
    shows_items: ClassVar[bool] = False
    #: The kinds of item :meth:`show_item` shows, when :attr:`shows_items` is set.
    item_kinds: ClassVar[frozenset[str]] = frozenset({"asset", "kit", "stock"})
    #: The kinds of change that make this page refresh.
    concerns: ClassVar[frozenset[ChangeKind]] = ALL_KINDS

    #: The page asks the window to open an item (kind, id: "asset", "kit" or "stock") on the
    #: page that shows it (:meth:`show_item`).
    open_item = Signal(str, int)
    #: The page asks the window to show another page, by its :attr:`page_id` (an empty
    #: state's "Go to Check-out").
    open_page = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: Data this page shows changed while it was hidden: refresh when it is shown.
        self.stale = True
        #: How many times a change (or being shown while stale) refreshed the page.
        self.refresh_count = 0

    def handle_scan(self, text: str) -> bool:
        """A scan arrived while this page is shown; return True if the page took it."""
        return False

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def activated(self) -> None:
        """The page was brought to the front: refresh when something changed meanwhile."""
        if self.stale:
            self._refresh_now()

    def data_changed(self, change: DataChange, shown: bool | None = None) -> None:
        """A change was announced: refresh once if it concerns this page, later if hidden.

        ``shown`` says whether the page is the one in front (default: whether it is visible)."""
        if not change.concerns(self.concerns):
            return
        if self.isVisible() if shown is None else shown:
            self._refresh_now()
        else:
            self.stale = True

    def _refresh_now(self) -> None:
        self.stale = False
        self.refresh_count += 1
        self.refresh()

    # ------------------------------------------------------------------ the component

    def selected_item(self) -> SelectedItem | None:
        """The item, kit or stock item selected on this page (for Print label)."""
        return None

    def show_item(self, kind: str, item_id: int) -> bool:
        """Show an item ("asset", "kit" or "stock") on this page; False if it does not."""
        return False

    def gated_widgets(self) -> Iterable[tuple[QWidget, Permission]]:
        """Widgets of this page that a role without the permission must not see."""
        return ()

    def step_to(self, page_id: str, text: str) -> NextStep:
        """An empty state's button that shows the page ``page_id`` (through the window)."""
        return NextStep(text, lambda: self.open_page.emit(page_id), name=f"go_{page_id}")


def page_by_id(pages: Iterable[Page], page_id: str) -> Page | None:
    return next((p for p in pages if p.page_id == page_id), None)
