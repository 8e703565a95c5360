"""The check-in page's offer of a return receipt: what came back since the last receipt, in
what condition, and what is still out, as a PDF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from gearroom.errors import GearroomError
from gearroom.render.receipt import write_receipt
from gearroom.services.receipts import return_receipt
from gearroom.services.returns import CheckinOutcome, CheckinResult
from gearroom.ui.context import AppContext


class ReceiptOffer(QObject):
    """A "Return receipt…" button, enabled once something came back."""

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.parent_widget = parent
        self.items: list[CheckinOutcome] = []
        self.last: CheckinResult | None = None
        self.last_pdf: Path | None = None
        self.button = QPushButton("Return receipt…")
        self.button.setObjectName("receiptButton")
        self.button.setToolTip("A PDF of what came back since the last receipt")
        self.button.setEnabled(False)
        self.button.clicked.connect(lambda: self.save())

    def add(self, result: CheckinResult) -> None:
        """A check-in answered: its items go on the next receipt."""
        if not result.items:
            return
        self.items.extend(result.items)
        self.last = result
        self.button.setEnabled(True)
        self.button.setText(f"Return receipt ({len(self.items)})…")

    def save(self, path: Path | None = None) -> Path | None:
        """Write the receipt (asks where when no path is given); then start a new one."""
        if self.last is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.parent_widget, "Save return receipt", "return-receipt.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        receipt = return_receipt(
            replace(self.last, items=tuple(self.items)), self.context.actor.name
        )
        try:
            written = write_receipt(receipt, path, house_name=self.context.settings.house_name)
        except (GearroomError, OSError) as exc:
            self.button.setToolTip(f"Receipt not saved: {exc}")
            return None
        self.last_pdf = written
        self.items = []
        self.last = None
        self.button.setEnabled(False)
        self.button.setText("Return receipt…")
        return written
