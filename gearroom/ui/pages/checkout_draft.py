"""The check-out page's cart as the production's draft: each scan saved at once, resumable on any
workstation, shown beside the production's pick list."""

from __future__ import annotations

import socket
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QPushButton
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.render.picklist import write_picklist
from gearroom.services import desk, drafts
from gearroom.services.actor import Actor
from gearroom.services.desk import DeskScan, DeskState
from gearroom.services.drafts import DraftOutcome
from gearroom.ui.feedback import Verdict
from gearroom.ui.widgets.pick_list import PickListView

if TYPE_CHECKING:
    from gearroom.ui.pages.checkout import CheckoutPage

#: What a draft write announces: the production's draft and pick list changed.
CHANGED = "production"


class DraftDesk(QObject):
    """The draft behind the check-out page's cart, and the pick list beside it."""

    def __init__(self, page: CheckoutPage) -> None:
        super().__init__(page)
        self.page = page
        self.draft_id: int | None = None
        self.state: DeskState | None = None
        self.pick_list = PickListView()
        self.print_button = QPushButton("Print pick list…")
        self.print_button.setObjectName("printPickList")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(lambda: self.print_pick_list())
        self.workstation = socket.gethostname()[:120]
        self._queue: deque[tuple[str, str | None]] = deque()
        self._busy = False
        #: Answers the "not booked" question (tests replace it): the reason, or None.
        self.ask_reason = self._ask_reason
        self.last_pick_pdf: Path | None = None

    # ------------------------------------------------------------------ reading

    def open(self, production_id: int) -> None:
        """Show the production's pick list and its draft in progress, if any."""
        self.page.context.operations.read(
            lambda s: desk.desk_state(s, production_id),
            on_done=self.show,
            on_error=self._refused,
            description="Reading the pick list",
        )

    def reload(self) -> None:
        cart = self.page.cart
        if cart.production_id is not None and not self._busy:
            pid, draft_id = cart.production_id, self.draft_id
            self.page.context.operations.read(
                lambda s: desk.desk_state(s, pid, draft_id),
                on_done=self._reloaded,
                description="Reading the pick list",
            )

    def _reloaded(self, state: DeskState) -> None:
        if state.cart.production_id == self.page.cart.production_id and not self._busy:
            self.show(state)

    def show(self, state: DeskState) -> None:
        page = self.page
        old = page.cart
        self.state = state
        self.draft_id = state.draft_id
        cart = state.cart
        if state.draft is None and old.production_id == cart.production_id:
            # Nothing scanned yet: keep who signs and the day chosen until the draft starts.
            cart = replace(
                cart, custodian_id=old.custodian_id, custodian=old.custodian, due_back=old.due_back
            )
        page.cart = cart
        self.pick_list.show_pick(state.pick)
        self.print_button.setEnabled(True)
        page.clear_button.setText("Discard draft" if self.draft_id else "Empty cart")
        page._show_header()
        page._show_cart()

    def clear(self) -> None:
        self.draft_id = None
        self.state = None
        self.pick_list.show_pick(None)
        self.print_button.setEnabled(False)
        self.page.clear_button.setText("Empty cart")

    # ------------------------------------------------------------------ scanning

    @property
    def busy(self) -> bool:
        """Scans are waiting to be saved into the draft, or one is being saved."""
        return self._busy or bool(self._queue)

    def scan(self, text: str, reason: str | None = None) -> None:
        """Save one scan into the draft (scans wait their turn: each sees the one before)."""
        self._queue.append((text, reason))
        if not self._busy:
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self._busy = False
            return
        self._busy = True
        text, reason = self._queue.popleft()
        page = self.page
        cart = page.cart
        pid = cart.production_id
        assert pid is not None
        draft_id = self.draft_id
        badge = page._custodian_badge()
        due = cart.due_back
        station = self.workstation
        page.context.operations.write(
            lambda s, a: desk.desk_scan(
                s,
                a,
                pid,
                draft_id,
                text,
                custodian=badge,
                due_back=due,
                unbooked_reason=reason,
                workstation=station,
            ),
            CHANGED,
            on_done=lambda result: self._scanned(result, text),
            on_error=self._scan_failed,
            description="Saving the scan",
        )

    def _scan_failed(self, exc: GearroomError) -> None:
        self._refused(exc)
        self._next()

    def _scanned(self, result: DeskScan, text: str) -> None:
        page = self.page
        self.show(result.state)
        if result.outcome is DraftOutcome.NOT_BOOKED:
            page.feedback.show_verdict(Verdict.NOTICE, result.message)
            reason = self.ask_reason(result.message)
            if reason:
                self._queue.appendleft((text, reason))
            else:
                page.feedback.show_verdict(
                    Verdict.NOTICE, f"{result.tag} not added: it is not booked."
                )
        elif result.outcome is DraftOutcome.REFUSED:
            verdict = Verdict.NOTICE if result.already else Verdict.REFUSED
            page.feedback.show_verdict(verdict, result.message)
        else:
            verdict = Verdict.NOTICE if result.switched or result.kit_members_left else Verdict.OK
            page.feedback.show_verdict(verdict, result.message)
        self._next()

    def _ask_reason(self, message: str) -> str | None:
        reason, ok = QInputDialog.getText(
            self.page,
            "Not booked",
            f"{message}\n\nWhy does it go out?",
            QLineEdit.EchoMode.Normal,
        )
        self.page.scan.setFocus(Qt.FocusReason.OtherFocusReason)
        return reason.strip() if ok and reason.strip() else None

    def _refused(self, exc: GearroomError) -> None:
        self.page.feedback.show_verdict(Verdict.REFUSED, str(exc))

    # ------------------------------------------------------------------ the draft's lines

    def _write_then_reload(self, fn: Callable[[Session, Actor], Any], description: str) -> None:
        self.page.context.operations.write(
            fn,
            CHANGED,
            on_done=lambda _v: self.reload(),
            on_error=self._refused,
            description=description,
        )

    def set_quantity(self, tag: str, quantity: int) -> None:
        draft_id = self.draft_id
        assert draft_id is not None
        self._write_then_reload(
            lambda s, a: desk.set_quantity(s, a, draft_id, tag, quantity), "Saving the quantity"
        )

    def set_due_back(self, day: date) -> None:
        draft_id = self.draft_id
        assert draft_id is not None
        self._write_then_reload(
            lambda s, a: desk.set_due_back(s, a, draft_id, day), "Saving the due-back day"
        )

    def remove(self, tags: list[str]) -> None:
        draft_id = self.draft_id
        assert draft_id is not None

        def work(s: Session, a: Actor) -> None:
            for tag in tags:
                drafts.remove_from_draft(s, a, draft_id, tag)

        self._write_then_reload(work, "Removing from the draft")

    def discard(self) -> bool:
        """Throw the draft away after asking (through the door); True once confirmed and not
        refused (the banner answers when the discard is written)."""
        draft_id = self.draft_id
        if draft_id is None:
            return False
        lines = len(self.page.cart.lines)
        if not self.page.ask(
            "Empty the cart",
            f"Remove all {lines} line(s) from the cart? Nothing has gone out yet: draft "
            f"check-out #{draft_id} is discarded on every workstation.",
            "Empty the cart",
        ):
            return False
        pid = self.page.cart.production_id

        def discarded(_result: object) -> None:
            if self.draft_id == draft_id:
                self.draft_id = None
            self.page.feedback.show_verdict(Verdict.OK, f"Draft #{draft_id} discarded.")
            if pid is not None:
                self.open(pid)

        operation = self.page.context.operations.write(
            lambda s, a: drafts.discard_draft(s, a, draft_id, "discarded at the desk"),
            CHANGED,
            on_done=discarded,
            on_error=self._refused,
            description="Discarding the draft",
        )
        return operation.error is None

    # ------------------------------------------------------------------ printing

    def print_pick_list(self, path: Path | None = None) -> Path | None:
        state = self.state
        if state is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.page,
                "Save pick list",
                f"picklist-{state.pick.production_tag}.pdf",
                "PDF (*.pdf)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            written = write_picklist(
                state.pick, path, house_name=self.page.context.settings.house_name
            )
        except (GearroomError, OSError) as exc:
            self.page.feedback.show_verdict(Verdict.REFUSED, f"Pick list not saved: {exc}")
            return None
        self.last_pick_pdf = written
        self.page.feedback.show_verdict(Verdict.OK, f"Pick list saved to {written}.")
        return written
