"""What the Quote and Invoice tabs of a production share: the frame (a heading and a state line,
the table of lines, the totals, a message line), reading the production's money through the
operation door, writing through it, and saving the PDF of the document shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.services.actor import Actor, Permission
from gearroom.services.documents import DocumentView
from gearroom.services.production_money import ProductionMoney, production_money
from gearroom.ui.context import AppContext
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.money_lines import line_table, save_document_pdf, totals_label

T = TypeVar("T")


class DocumentTab(QWidget):
    """The frame of a production's money tab; subclasses add their controls and actions."""

    #: A document changed (built, discounted, issued, paid…): the other money tab reloads too.
    money_changed = Signal()
    #: What a write changes (the kind of change announced) and what the door's jobs are called.
    change_kind = ""
    noun = ""

    def __init__(self, context: AppContext, empty_heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.production_id: int | None = None
        self.money: ProductionMoney | None = None
        self.heading = section_label(empty_heading)
        self.heading.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.state = QLabel()
        self.lines = line_table()
        self.totals = totals_label()
        self.message = QLabel()
        self.message.setWordWrap(True)

    def frame(self, beside_heading: Sequence[QWidget], above: QLayout, below: QLayout) -> None:
        """Lay the tab out: heading row, ``above`` the lines, the totals, ``below``, message."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.heading)
        for widget in beside_heading:
            head.addWidget(widget)
        head.addStretch(1)
        head.addWidget(self.state)
        layout.addLayout(head)
        layout.addLayout(above)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.totals)
        layout.addLayout(below)
        layout.addWidget(self.message)

    # ------------------------------------------------------------------ data

    def set_production(self, production_id: int | None) -> None:
        self.production_id = production_id
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the production's quote and invoices again (nothing for those who may not see
        prices); ``select``: the document number to show once they are in."""
        pid = self.production_id
        if pid is None or not self.context.actor.can(Permission.PRICES):
            self.money = None
            self.refresh(select)
            return
        actor = self.context.actor
        self.context.operations.read(
            lambda s: production_money(s, actor, pid),
            on_done=lambda m: self._loaded(pid, m, select),
            on_error=self.show_error,
            description=f"Reading the {self.noun}",
        )

    def _loaded(self, pid: int, money: ProductionMoney, select: str | None) -> None:
        if pid == self.production_id:  # an answer for a production no longer shown is dropped
            self.money = money
            self.refresh(select)

    def refresh(self, select: str | None) -> None:
        """Show ``self.money`` (subclasses)."""
        raise NotImplementedError

    def shown(self) -> DocumentView | None:
        """The document the tab shows (subclasses)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ actions

    def write(self, fn: Callable[[Session, Actor], T], done: Callable[[T], str]) -> None:
        """Run a write through the door; then say ``done(result)``, reload, announce it."""

        def finished(result: T) -> None:
            self.message.setText(done(result))
            number = getattr(result, "number", None)
            self.reload(number if isinstance(number, str) else None)
            self.money_changed.emit()

        self.context.operations.write(
            fn,
            self.change_kind,
            on_done=finished,
            on_error=self.show_error,
            description=f"Saving the {self.noun}",
        )

    def show_error(self, exc: GearroomError) -> None:
        self.message.setText(str(exc))

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Write the PDF of the document shown (asks where when no path is given)."""
        view = self.shown()
        if view is None:
            return None
        try:
            written = save_document_pdf(self.context, view, self, path)
        except (GearroomError, OSError) as exc:
            self.message.setText(str(exc))
            return None
        if written is not None:
            self.message.setText(f"{view.number} saved to {written}.")
        return written
