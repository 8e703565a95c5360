"""The main window's actions, declared in one place: text, shortcuts, icon and tip.

The window builds a QAction for each :class:`ActionSpec` and routes it to the open page when
the page offers the matching method (:class:`ItemActions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from gearroom.ui.icons import icon


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str, ...] = ()
    icon: str = ""
    tip: str = ""
    menu: str = "File"
    toolbar: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_item", "&New item…", ("Ctrl+N",), "new", "Add an item, kit or stock item", "File", True
    ),
    ActionSpec(
        "edit_item", "&Edit…", ("Ctrl+E", "F2"), "edit", "Edit the selected item", "Edit", True
    ),
    ActionSpec("find", "&Find", ("Ctrl+F",), "find", "Search the open page", "Edit", True),
    ActionSpec(
        "settings",
        "&Settings…",
        ("Ctrl+,",),
        "settings",
        "Rental house details and database",
        "File",
        True,
    ),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "", "Close Gearroom", "File"),
)


@runtime_checkable
class ItemActions(Protocol):
    """What a page offers to the window's New / Edit / Find actions."""

    def new_item(self) -> None: ...

    def edit_item(self) -> None: ...

    def focus_search(self) -> None: ...


def create_actions(parent: QObject) -> dict[str, QAction]:
    """One QAction per registered action, keyed by name (not yet connected)."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.name}")
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            keys = " / ".join(spec.shortcuts)
            action.setToolTip(f"{spec.tip} ({keys})" if spec.tip else keys)
        elif spec.tip:
            action.setToolTip(spec.tip)
        if spec.icon:
            action.setIcon(icon(spec.icon))
        actions[spec.name] = action
    return actions
