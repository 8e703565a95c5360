"""What to do next on an empty page: a short message and buttons, laid over an empty view.

One line in a page puts it over a table (or any view with a model)::

    EmptyState.over(self.table, "No gear yet", "Import a spreadsheet…", IMPORT, NEW_ITEM)

It shows itself while the view's model has no rows (and ``when`` agrees, e.g. no search is
typed) and hides as soon as rows arrive. Its buttons trigger the main window's actions by
name (``action_import``, ``action_new_item``…), so the page needs no wiring of its own, or a
callable of the page's own: :meth:`Page.step_to <gearroom.ui.pages.base.Page.step_to>` makes a
button that asks the window to show another page (``Page.open_page``, wired in the window's
``_connect_signals``).

Over a widget that is not an item view (a tab widget waiting for a report), ``when`` alone
decides; the page calls :meth:`EmptyState.update_visibility` when its answer changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class NextStep:
    """A button of the empty state: its text and the window action it triggers (by name), or
    a callable of the page's own (its "New…" button's click)."""

    text: str
    action: str | Callable[[], object]
    #: The button's object name is ``emptyState_<name>`` (default: the action's name, or
    #: ``own`` for a callable).
    name: str = ""


IMPORT = NextStep("Import a spreadsheet…", "import")
NEW_ITEM = NextStep("Add an item…", "new_item")
#: People (crew, clients) arrive with the import wizard's People kind.
ADD_PEOPLE = NextStep("Add people from a spreadsheet…", "import")


EMPTY_INVENTORY = (
    "Bring your gear in from your old system's export (Snipe-IT, Cheqroom, Shelf, any CSV or "
    "XLSX), or add items one by one. Each gets a tag and a QR label."
)
EMPTY_PRODUCTIONS = (
    "A production is a client job with its prep, shoot and wrap days; reserve gear for it "
    "and check it out against it."
)
EMPTY_DASHBOARD = (
    "What goes out, comes back and is overdue shows here. Start by bringing in your gear "
    "and people, then book gear for a production on the Productions page."
)
EMPTY_CART = (
    "Scan the production sheet, the custodian's badge, then the gear. No people yet? Import "
    "your crew and clients, or run <code>gearroom person add NAME</code>."
)


class EmptyState(QWidget):
    """A message over an empty view, with buttons for the next step."""

    def __init__(
        self,
        view: QWidget,
        title: str,
        text: str,
        steps: tuple[NextStep, ...] = (),
        when: Callable[[], bool] | None = None,
    ) -> None:
        host = view.viewport() if isinstance(view, QAbstractScrollArea) else view
        super().__init__(host)
        #: The widget this lies over (an item view's viewport, or the widget itself).
        self.host = host
        if host is view:  # not an empty viewport: hide what the widget holds beneath
            self.setBackgroundRole(QPalette.ColorRole.Base)
            self.setAutoFillBackground(True)
        self.setObjectName("emptyState")
        self.view = view
        self.when = when
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setObjectName("emptyStateTitle")
        self.text = QLabel(text)
        self.text.setObjectName("emptyStateText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addStretch(1)
        for step in steps:
            button = QPushButton(step.text)
            name = step.name or (step.action if isinstance(step.action, str) else "own")
            button.setObjectName(f"emptyState_{name}")
            button.clicked.connect(lambda _=False, a=step.action: self.trigger(a))
            self.buttons.append(button)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addStretch(2)
        self.host.installEventFilter(self)
        model = view.model() if isinstance(view, QAbstractItemView) else None
        if model is not None:
            for signal in (
                model.modelReset,
                model.rowsInserted,
                model.rowsRemoved,
                model.layoutChanged,
            ):
                signal.connect(self.update_visibility)
        self.update_visibility()

    @classmethod
    def over(
        cls,
        view: QWidget,
        title: str,
        text: str,
        *steps: NextStep,
        when: Callable[[], bool] | None = None,
    ) -> EmptyState:
        """Lay an empty state over ``view``."""
        return cls(view, title, text, steps, when)

    def is_empty(self) -> bool:
        view = self.view
        model = view.model() if isinstance(view, QAbstractItemView) else None
        empty = model is None or model.rowCount() == 0
        return empty and (self.when is None or self.when())

    def update_visibility(self, *_: object) -> None:
        """Shown while the view is empty (and ``when`` agrees), hidden otherwise."""
        self.setGeometry(self.host.rect())
        self.setVisible(self.is_empty())
        self.raise_()

    def say(self, title: str, text: str) -> None:
        """Change the message (the page's situation changed, e.g. what a report found)."""
        self.title.setText(f"<b>{title}</b>")
        self.text.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
        return False

    def trigger(self, name: str | Callable[[], object]) -> bool:
        """Trigger the window's action ``name``; False when there is none (page on its own)."""
        if not isinstance(name, str):
            name()
            return True
        window = self.window()
        action = window.findChild(QAction, f"action_{name}") if window else None
        if action is None or not action.isEnabled():
            return False
        action.trigger()
        return True
