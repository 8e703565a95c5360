"""Check-out: scan the production, the custodian's badge, then the gear; commit in one go.

The cart is a plain value held here between scans (nothing is written until "Check out"). Every
scan is checked through the operation door and answers in the feedback banner; scans are checked
one after the other, each against the cart the one before left. The commit runs off the UI
thread too (a 60-item check-out does not freeze the window); a failed commit shows the service's
message and keeps the cart exactly as it was, scans that arrive meanwhile wait for it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import GearroomError
from gearroom.render.sheets import write_checkout_sheet
from gearroom.services import checkout, checkout_cart, checkout_out, desk, people, productions
from gearroom.services.actor import Permission
from gearroom.services.checkout_cart import Cart, ScanOutcome, ScanResult, ScanVerdict
from gearroom.services.checkout_out import CheckoutView
from gearroom.services.people import PersonView
from gearroom.services.productions import ProductionSummary
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.person import PersonDialog
from gearroom.ui.feedback import ScanFeedback, Verdict
from gearroom.ui.operations import Operation
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.checkout_draft import DraftDesk
from gearroom.ui.widgets.cart_table import CartTable, KitChecklistView
from gearroom.ui.widgets.desk_common import default_page_size, scan_field, to_date, verdict_of
from gearroom.ui.widgets.empty_state import ADD_PEOPLE, EMPTY_CART, EmptyState

#: The custodian picker's entry that adds a person.
NEW_PERSON = "\x00new-person"

#: Scans that need a production first (gear is checked against its dates).
NEEDS_PRODUCTION = {
    ScanOutcome.ADDED,
    ScanOutcome.KIT_ADDED,
    ScanOutcome.STOCK_ADDED,
    ScanOutcome.UNAVAILABLE,
    ScanOutcome.ALREADY_IN_CART,
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class CheckoutPage(Page):
    """Production → custodian → items, by scanner or by hand."""

    page_id = "checkout"
    title = "Check-out"
    permission = Permission.CHECKOUT
    takes_badges = True
    icon_name = "checkout"

    #: Emitted after a commit with the check-out's id.
    committed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("checkoutPage")
        self.cart = Cart()
        self.last_checkout_id: int | None = None
        self.last_sheet: Path | None = None
        #: Scans waiting for the one before to be checked (or for the commit to finish).
        self._scans: deque[str] = deque()
        self._scanning = False
        #: True while the check-out is being written.
        self.committing = False
        #: The last commit submitted to the door.
        self.commit_operation: Operation[CheckoutView] | None = None

        self.feedback = ScanFeedback()
        self.scan = scan_field("Scan or type a tag (production sheet, badge, item, kit, stock)…")
        self.scan.returnPressed.connect(self._typed)

        self.production = QComboBox()
        self.production.setObjectName("productionPicker")
        self.production.setMinimumWidth(260)
        self.production.activated.connect(self._production_picked)
        self.custodian = QComboBox()
        self.custodian.setObjectName("custodianPicker")
        self.custodian.setMinimumWidth(220)
        self.custodian.activated.connect(self._custodian_picked)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setDate(_qdate(date.today()))
        self.due.dateChanged.connect(self._due_changed)

        who = QFormLayout()
        who.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        who.addRow("Production", self.production)
        who.addRow("Signed for by", self.custodian)
        who.addRow("Due back", self.due)

        self.table = CartTable(self._quantity_changed)
        self.checklist = KitChecklistView()
        self.desk = DraftDesk(self)
        EmptyState.over(self.table, "The cart is empty", EMPTY_CART, ADD_PEOPLE)
        self.remove_button = QPushButton("Remove from cart")
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button = QPushButton("Empty cart")
        self.clear_button.clicked.connect(self.clear_cart)
        self.summary = QLabel()
        self.summary.setObjectName("cartSummary")
        self.commit_button = QPushButton("Check out")
        self.commit_button.setObjectName("commitButton")
        self.commit_button.setDefault(False)
        self.commit_button.setAutoDefault(False)
        self.commit_button.setMinimumHeight(34)
        self.commit_button.clicked.connect(self.commit)
        self.print_button = QPushButton("Print check-out sheet…")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.done = QLabel()
        self.done.setObjectName("lastCheckout")
        self.done.setWordWrap(True)

        top = QHBoxLayout()
        top.addLayout(who)
        scan_box = QVBoxLayout()
        scan_box.addWidget(self.scan)
        scan_box.addWidget(self.feedback, 1)
        top.addLayout(scan_box, 1)

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.table, 1)
        cart_buttons = QHBoxLayout()
        cart_buttons.addWidget(self.remove_button)
        cart_buttons.addWidget(self.clear_button)
        cart_buttons.addStretch(1)
        cart_buttons.addWidget(self.summary)
        left_box.addLayout(cart_buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.checklist)
        splitter.addWidget(self.desk.pick_list)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 4)

        bottom = QHBoxLayout()
        bottom.addWidget(self.done, 1)
        bottom.addWidget(self.desk.print_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.commit_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._loaded = False
        self._production_tags: dict[int, str] = {}
        self._badges: dict[int, str] = {}
        self._show_cart()

    # ------------------------------------------------------------------ pickers

    def refresh(self) -> None:
        """Read the production and crew pickers through the door."""
        today = date.today()
        self.context.operations.read(
            lambda s: (
                productions.list_productions(s, active_on_or_after=today),
                people.list_people(s),
            ),
            on_done=lambda found: self._show_pickers(*found),
            on_error=lambda exc: self.feedback.show_verdict(Verdict.REFUSED, str(exc)),
            description="Reading productions and crew",
        )
        self._loaded = True

    def _show_pickers(self, rows: list[ProductionSummary], crew: list[PersonView]) -> None:
        self._production_tags = {r.id: r.tag for r in rows}
        self._badges = {person.id: person.badge for person in crew}
        self.production.blockSignals(True)
        self.production.clear()
        self.production.addItem("Scan or choose the production…", None)
        for r in rows:
            when = f" ({r.window_start.isoformat()}…)" if r.window_start else ""
            self.production.addItem(f"{r.tag}  {r.name}{when}", r.tag)
        self.production.blockSignals(False)
        self.custodian.blockSignals(True)
        self.custodian.clear()
        self.custodian.addItem("Scan the badge or choose…", None)
        for person in crew:
            self.custodian.addItem(f"{person.name} ({person.badge})", person.badge)
        self.custodian.addItem("New person…", NEW_PERSON)
        self.custodian.blockSignals(False)
        self._show_header()
        self.desk.reload()

    def _production_picked(self, index: int) -> None:
        tag = self.production.itemData(index)
        if isinstance(tag, str):
            self.handle_scan(tag)

    def _custodian_picked(self, index: int) -> None:
        badge = self.custodian.itemData(index)
        if badge == NEW_PERSON:
            badge = self.new_person()
        if isinstance(badge, str):
            self.handle_scan(badge)

    def new_person(self) -> str | None:
        """Add someone at the counter; they are then the one who signs (their badge)."""
        dialog = PersonDialog(self.context, parent=self)
        badge = dialog.saved_badge if dialog.exec() else None
        self.refresh()
        if badge is None:
            self._show_header()
        return badge

    def _due_changed(self, value: QDate) -> None:
        self.cart = replace(self.cart, due_back=to_date(value))
        if self.desk.draft_id is not None:
            self.desk.set_due_back(to_date(value))

    def _quantity_changed(self, tag: str, quantity: int) -> None:
        if self.desk.draft_id is not None:
            self.desk.set_quantity(tag, quantity)
        self.cart = replace(
            self.cart,
            lines=tuple(
                replace(ln, quantity=quantity) if ln.tag == tag else ln for ln in self.cart.lines
            ),
        )
        self._show_summary()

    # ------------------------------------------------------------------ scans

    def _typed(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        if text.strip():
            self.handle_scan(text)

    def handle_scan(self, text: str) -> bool:
        """Feed one scan to the cart (checked through the door) and answer in the banner."""
        if not self._loaded:
            self.refresh()
        self._scans.append(text)
        self._next_scan()
        return True

    @property
    def busy(self) -> bool:
        """Scans are being checked or saved, or the check-out is being written."""
        return self._scanning or self.committing or bool(self._scans) or self.desk.busy

    def _next_scan(self) -> None:
        if self._scanning or self.committing or not self._scans:
            return
        text = self._scans.popleft()
        if self.cart.production_id is not None:
            self.desk.scan(text)  # saved into the production's draft
            self._next_scan()
            return
        cart = self.cart
        self._scanning = True

        def failed(exc: GearroomError) -> None:
            self._scanning = False
            self.feedback.show_verdict(Verdict.REFUSED, str(exc))
            self._next_scan()

        def done(result: ScanResult) -> None:
            self._scanning = False
            self._take_scan(cart, result)
            self._next_scan()

        self.context.operations.read(
            lambda s: checkout_cart.scan_into_cart(s, cart, text),
            on_done=done,
            on_error=failed,
            description="Checking the scan",
            quick=True,
        )

    def _take_scan(self, cart: Cart, result: ScanResult) -> None:
        verdict = result.verdict
        if cart.production_id is None and verdict.outcome in NEEDS_PRODUCTION:
            self.feedback.show_verdict(
                Verdict.REFUSED,
                "Scan the production sheet (or choose the production) before the gear, so it "
                "is checked against the production's dates.",
            )
            return
        self.cart = result.cart
        self.feedback.show_verdict(self._verdict(verdict), verdict.message)
        if verdict.outcome in (ScanOutcome.PRODUCTION_SET, ScanOutcome.CUSTODIAN_SET):
            self._show_header()
        self._show_cart()
        if verdict.outcome is ScanOutcome.PRODUCTION_SET and self.cart.production_id is not None:
            self.desk.open(self.cart.production_id)

    def _verdict(self, verdict: ScanVerdict) -> Verdict:
        if verdict.outcome is ScanOutcome.KIT_ADDED and self.cart.unticked():
            return Verdict.NOTICE
        return verdict_of(verdict)

    # ------------------------------------------------------------------ showing

    def _show_header(self) -> None:
        cart = self.cart
        for combo, key in (
            (self.production, self._production_tag()),
            (self.custodian, self._custodian_badge()),
        ):
            index = combo.findData(key) if key else 0
            combo.blockSignals(True)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        if cart.production_id is not None and cart.due_back is None:
            day = max(cart.return_day or date.today(), date.today())
            self.due.blockSignals(True)
            self.due.setDate(_qdate(day))
            self.due.blockSignals(False)
        self.due.setMinimumDate(_qdate(date.today()))

    def _production_tag(self) -> str | None:
        pid = self.cart.production_id
        return self._production_tags.get(pid) if pid is not None else None

    def _custodian_badge(self) -> str | None:
        cid = self.cart.custodian_id
        return self._badges.get(cid) if cid is not None else None

    def _show_cart(self) -> None:
        self.table.show_cart(self.cart)
        self.checklist.show_cart(self.cart)
        self.checklist.setVisible(bool(self.cart.kits))
        self._show_summary()

    def _show_summary(self) -> None:
        cart = self.cart
        items = sum(1 for ln in cart.lines if ln.kind == "asset")
        pieces = sum(ln.quantity for ln in cart.lines if ln.kind == "stock")
        left = len(cart.unticked())
        text = f"{items} item(s), {pieces} stock piece(s)"
        if left:
            text += f" · {left} kit member(s) not scanned"
        self.summary.setText(text)
        self.commit_button.setEnabled(bool(cart.lines) and not self.committing)

    # ------------------------------------------------------------------ cart actions

    def remove_selected(self) -> None:
        if self.desk.draft_id is not None:
            self.desk.remove(self.table.selected_tags())
            return
        for tag in self.table.selected_tags():
            self.cart = checkout_cart.remove_from_cart(self.cart, tag)
        self._show_cart()

    def ask(self, title: str, text: str, yes: str) -> bool:
        """A yes/no question; True when the person answers ``yes``."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        return box.clickedButton() is confirm

    def clear_cart(self) -> bool:
        """Empty the cart, after asking when it holds anything; True when it was emptied.

        A saved draft is discarded (on every workstation)."""
        if self.desk.draft_id is not None:
            return self.desk.discard()
        lines = len(self.cart.lines)
        if lines and not self.ask(
            "Empty the cart",
            f"Remove all {lines} line(s) from the cart? Nothing has gone out yet.",
            "Empty the cart",
        ):
            return False
        self.cart = replace(self.cart, lines=(), kits=())
        self._show_cart()
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _confirm_incomplete(self, cart: Cart) -> bool:
        missing = cart.unticked()
        if not missing:
            return True
        names = "\n".join(
            f"• {e.tag}  {e.name}"
            + (f" ({e.wanted - e.scanned} of {e.wanted})" if e.wanted > 1 else "")
            for e in missing[:15]
        )
        more = f"\n…and {len(missing) - 15} more" if len(missing) > 15 else ""
        return self.ask(
            "Kit members not scanned",
            f"{len(missing)} kit member(s) were not scanned and will not go out:\n\n"
            f"{names}{more}\n\nThe check-out sheet lists them as not taken.",
            "Check out without them",
        )

    def commit(self) -> int | None:
        """Write the check-out through the door; :attr:`committed` announces its id.

        Returns the id when the check-out was written before this returns (the door's
        synchronous mode), else None: refused, not confirmed, or still being written. On failure
        the message shows and the cart stays as it was (it is cleared only after the write).
        A kit with members not scanned goes out only after a confirmation that names them."""
        if self.committing:
            return None
        if self._scanning or self._scans or self.desk.busy:
            self.feedback.show_verdict(
                Verdict.NOTICE, "Not checked out yet: the last scans are still being checked."
            )
            return None
        cart = self.cart
        if not self._confirm_incomplete(cart):
            self.feedback.show_verdict(
                Verdict.NOTICE, "Not checked out: scan the missing kit members, or confirm."
            )
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        draft_id, pid = self.desk.draft_id, cart.production_id
        self.committing = True
        self.commit_button.setEnabled(False)
        self.feedback.show_verdict(Verdict.NOTICE, f"Checking out {len(cart.lines)} line(s)…")
        operation = self.context.operations.write(
            lambda s, a: (
                desk.commit_desk(s, a, pid, draft_id)
                if draft_id is not None and pid is not None
                else checkout.commit_checkout(s, a, cart)
            ),
            "checkout",
            on_done=self._committed,
            on_error=self._commit_failed,
            description="Checking out",
        )
        self.commit_operation = operation
        view = operation.result if operation.done else None
        return view.id if isinstance(view, CheckoutView) else None

    def _commit_failed(self, exc: GearroomError) -> None:
        self.committing = False
        self.feedback.show_verdict(Verdict.REFUSED, f"Not checked out: {exc}")
        self._show_summary()
        self._next_scan()

    def _committed(self, view: CheckoutView) -> None:
        self.committing = False
        self.last_checkout_id = view.id
        self.print_button.setEnabled(True)
        self.done.setText(
            f"Check-out #{view.id}: {len(view.lines)} line(s) out to {view.custodian} for "
            f"{view.production}, due back {view.due_back.isoformat()}."
        )
        self.feedback.show_verdict(
            Verdict.OK, f"Checked out: {len(view.lines)} line(s) to {view.custodian}."
        )
        self.cart = Cart()
        self.desk.clear()
        self.due.blockSignals(True)
        self.due.setDate(_qdate(date.today()))
        self.due.blockSignals(False)
        self._show_header()
        self._show_cart()
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
        self.committed.emit(view.id)
        self._next_scan()

    def print_sheet(self, path: Path | None = None) -> Path | None:
        """Write the last check-out's sheet as a PDF (asks where when no path is given);
        returns its path when it was written before this returns (synchronous door)."""
        checkout_id = self.last_checkout_id
        if checkout_id is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save check-out sheet", f"checkout-{checkout_id}.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        target = path
        written: list[Path] = []

        def failed(exc: GearroomError) -> None:
            self.feedback.show_verdict(Verdict.REFUSED, str(exc))

        def write(data: checkout_out.CheckoutSheet) -> None:
            try:
                sheet = write_checkout_sheet(
                    data,
                    target,
                    house_name=self.context.settings.house_name,
                    page_size=default_page_size(),
                )
            except GearroomError as exc:
                failed(exc)
                return
            written.append(sheet)
            self.last_sheet = sheet
            self.done.setText(f"{self.done.text()} Sheet saved to {sheet}.")

        # The sheet's data is read through the door; the PDF is drawn when it comes back.
        self.context.operations.read(
            lambda s: checkout_out.checkout_sheet(s, checkout_id),
            on_done=write,
            on_error=failed,
            description="Reading the check-out sheet",
        )
        return written[0] if written else None
