"""The main window's actions, declared in one place: text, shortcuts, icon, tip and the
permission an operator needs to see them.

The window builds a QAction for each :class:`ActionSpec` and routes it to the open page when
the page offers the matching method (:class:`ItemActions`). :func:`apply_permissions` hides
what the signed-in operator's role cannot do (the services refuse it anyway); pages are gated
the same way by :func:`page_permission`, and buttons inside pages by a :class:`PermissionGate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from gearroom.services.actor import Actor, Permission
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
    #: What the signed-in operator must be allowed to do to see the action.
    permission: Permission = Permission.VIEW


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_item",
        "&New item…",
        ("Ctrl+N",),
        "new",
        "Add an item, kit or stock item",
        "File",
        True,
        Permission.CATALOG,
    ),
    ActionSpec(
        "edit_item",
        "&Edit…",
        ("Ctrl+E", "F2"),
        "edit",
        "Edit the selected item",
        "Edit",
        True,
        Permission.CATALOG,
    ),
    ActionSpec("find", "&Find", ("Ctrl+F",), "find", "Search the open page", "Edit", True),
    ActionSpec(
        "import",
        "&Import…",
        ("Ctrl+I",),
        "",
        "Import items, stock, people or kits from a spreadsheet",
        "File",
        permission=Permission.CATALOG,
    ),
    ActionSpec(
        "export_catalog",
        "Export &catalog…",
        (),
        "",
        "Save the whole catalog as XLSX, a zip of CSV files or CSV files",
        "File",
        permission=Permission.REPORTS,
    ),
    ActionSpec(
        "print_label",
        "&Print label…",
        ("Ctrl+P",),
        "",
        "Print the label of the item selected in the inventory",
        "File",
        permission=Permission.LABELS,
    ),
    ActionSpec(
        "settings",
        "&Settings…",
        ("Ctrl+,",),
        "settings",
        "Rental house details, database and backups",
        "File",
        True,
        Permission.SETTINGS,
    ),
    ActionSpec(
        "operators",
        "&Operators…",
        (),
        "",
        "Add operators, change roles, reset PINs",
        "File",
        permission=Permission.OPERATORS,
    ),
    ActionSpec(
        "switch_operator",
        "S&witch operator…",
        ("Ctrl+L",),
        "",
        "Let another operator sign in (or scan their badge)",
        "File",
    ),
    ActionSpec("change_pin", "Change my &PIN…", (), "", "Set a new PIN for yourself", "File"),
    ActionSpec("sign_out", "Sign &out", (), "", "Sign out and wait for the next operator", "File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "", "Close Gearroom", "File"),
)

#: Menu groups: a separator goes before each of these actions (Qt folds empty groups away).
STARTS_GROUP = frozenset({"import", "settings", "switch_operator", "quit"})


def page_permission(page: object) -> Permission:
    """What an operator must be allowed to do to see ``page`` in the navigation (the page
    says so itself: :attr:`gearroom.ui.pages.base.Page.permission`)."""
    own = getattr(page, "permission", None)
    return own if isinstance(own, Permission) else Permission.VIEW


def apply_permissions(actions: dict[str, QAction], actor: Actor) -> None:
    """Show and enable only the actions ``actor``'s role allows."""
    for spec in ACTIONS:
        action = actions.get(spec.name)
        if action is None:
            continue
        allowed = actor.can(spec.permission)
        action.setVisible(allowed)
        action.setEnabled(allowed)


class PermissionGate(QObject):
    """Keeps widgets hidden while the operator may not use them.

    A page may show and hide its own buttons as its selection changes; the gate hides a gated
    widget again whenever it is shown for an operator without the permission.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gated: dict[QWidget, Permission] = {}
        self._hidden: set[QWidget] = set()
        self._actor: Actor | None = None

    def gate(self, widget: QWidget, permission: Permission) -> None:
        self._gated[widget] = permission
        widget.installEventFilter(self)
        widget.destroyed.connect(lambda *_: self._forget(widget))
        if self._actor is not None:
            self._apply_one(widget)

    def _forget(self, widget: QWidget) -> None:
        self._gated.pop(widget, None)
        self._hidden.discard(widget)

    def allowed(self, widget: QWidget) -> bool:
        permission = self._gated.get(widget)
        return permission is None or self._actor is None or self._actor.can(permission)

    def apply(self, actor: Actor) -> None:
        self._actor = actor
        for widget in list(self._gated):
            self._apply_one(widget)

    def _apply_one(self, widget: QWidget) -> None:
        if not self.allowed(widget):
            if not widget.isHidden():
                self._hidden.add(widget)
                widget.hide()
        elif widget in self._hidden:
            self._hidden.discard(widget)
            widget.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and not self.allowed(watched)
        ):
            self._hidden.add(watched)
            watched.hide()
        return False


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
