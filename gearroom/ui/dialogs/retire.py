"""Retire an item for good (sold, written off): a reason is required and kept in history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.services.actor import Actor
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog

#: Retires the item with the reason given; returns the retired thing's id.
RetireFn = Callable[[Session, Actor, str], int]


class RetireDialog(FormDialog):
    """Asks why ``what`` leaves the inventory, then calls ``retire`` in one transaction."""

    def __init__(
        self,
        context: AppContext,
        what: str,
        retire: RetireFn,
        changed: str = "asset",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, f"Retire {what}", parent)
        self.setObjectName("retireDialog")
        self._retire = retire
        self._changed = changed
        intro = QLabel(
            f"<b>{what}</b> leaves the inventory for good. It stays in history and reports, "
            "but can no longer be booked, checked out or edited."
        )
        intro.setWordWrap(True)
        self.body.insertWidget(1, intro)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. sold to Studio North, written off after water damage")
        self.add_field("reason", "Reason", self.reason)
        self.finish_layout()
        save = self.buttons.button(self.buttons.StandardButton.Save)
        save.setText("Retire")
        self.setMinimumWidth(460)

    def save(self) -> int | None:
        reason = self.reason.text().strip()
        if not reason:
            raise ValidationError("Say why this item is retired.", field="reason")
        retire = self._retire
        self.write(lambda s, a: retire(s, a, reason), self._changed, lambda saved_id: saved_id)
        return None
