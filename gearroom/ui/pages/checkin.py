"""Check-in: scan gear back from anywhere; each scan closes its line with the chosen condition.

OK is the default (one scan, done), and the condition returns to OK after each scan unless it is
set to apply to every scan. Damaged and needs-service take a note and open a service ticket;
missing keeps the line open and marks the item lost. A kit's tag shows which of its
members are still out. After each check-in the page lists what that production still has out.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import ReturnCondition
from gearroom.services import checkout_out, returns
from gearroom.services.actor import Permission
from gearroom.services.checkout_out import OutLine
from gearroom.services.returns import CheckinResult
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.checkin_condition import NEEDS_NOTE, ConditionSelector
from gearroom.ui.feedback import ScanFeedback, Verdict
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import scan_field, section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EmptyState
from gearroom.ui.widgets.receipt_offer import ReceiptOffer

NOTHING_OUT = (
    "Gear comes back here once it has gone out. Check gear out on the Check-out page: scan "
    "the production sheet, the custodian's badge, then the gear."
)
SCAN_BACK = (
    "{count} out now. Scan an item, kit or stock tag (TAG:QTY) as it comes back, with its "
    "condition; what its production still has out shows here."
)

OUT_COLUMNS: tuple[RecordColumn[OutLine], ...] = (
    RecordColumn("Tag", lambda o: o.tag, 96),
    RecordColumn("Item", lambda o: o.name, 240, stretch=True),
    RecordColumn("Qty", lambda o: o.quantity, 44, align_right=True),
    RecordColumn("Kit", lambda o: o.kit_tag or "", 80),
    RecordColumn("Custodian", lambda o: o.custodian, 130),
    RecordColumn("Due back", lambda o: o.due_back.isoformat(), 90),
    RecordColumn("", lambda o: "missing" if o.missing else ("overdue" if o.overdue else ""), 70),
)


class CheckinPage(Page):
    """Scan items in; condition and note stay at hand."""

    page_id = "checkin"
    title = "Check-in"
    permission = Permission.CHECKIN
    icon_name = "checkin"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("checkinPage")
        self.last_result: CheckinResult | None = None
        self._in_flight = 0
        self.feedback = ScanFeedback()
        self.scan = scan_field("Scan or type the tag of an item, kit or stock (TAG:QTY)…")
        self.scan.returnPressed.connect(self._typed)
        self.condition = ConditionSelector()
        self.whole_kit = QCheckBox("A kit's tag checks in every member that is out")
        self.returned = QListWidget()
        self.returned.setObjectName("returnedList")
        self.returned.setWordWrap(True)
        self.kit_status = QLabel()
        self.kit_status.setObjectName("kitStatus")
        self.kit_status.setWordWrap(True)
        self.kit_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.still_title = section_label("Still out")
        self.still_out: DeskTable[OutLine] = DeskTable(OUT_COLUMNS, lambda o: o.line_id)
        #: How many check-out lines are out in the whole house (None until read).
        self.out_count: int | None = None
        self.nothing_out = EmptyState.over(
            self.still_out,
            "Nothing is out",
            NOTHING_OUT,
            self.step_to("checkout", "Go to Check-out"),
            when=lambda: self.out_count == 0,
        )
        self.scan_hint = EmptyState.over(
            self.still_out,
            "Scan gear as it comes back",
            "",
            when=lambda: bool(self.out_count),
        )

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(section_label("Checked in here"))
        left_box.addWidget(self.returned, 1)
        left_box.addWidget(self.kit_status)
        self.receipt = ReceiptOffer(context, self)
        left_box.addWidget(self.receipt.button)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.still_title)
        right_box.addWidget(self.still_out, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        top = QHBoxLayout()
        controls = QVBoxLayout()
        controls.addWidget(self.scan)
        controls.addWidget(self.condition)
        controls.addWidget(self.whole_kit)
        top.addLayout(controls, 3)
        top.addWidget(self.feedback, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def _typed(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        if text.strip():
            self.handle_scan(text)

    def handle_scan(self, text: str) -> bool:
        """Check one scanned tag in with the selected condition and note (through the door:
        scans are written one after the other, in the order they came)."""
        condition = self.condition.condition()
        note = self.condition.note_text()
        whole = self.whole_kit.isChecked()
        self._in_flight += 1

        def failed(exc: GearroomError) -> None:
            self._in_flight -= 1
            self.feedback.show_verdict(Verdict.REFUSED, str(exc))
            if isinstance(exc, ValidationError) and condition in NEEDS_NOTE and not note:
                self.condition.note.setFocus(Qt.FocusReason.OtherFocusReason)

        def done(result: CheckinResult) -> None:
            self._in_flight -= 1
            self.last_result = result
            self._show(result, condition)
            self.receipt.add(result)
            if result.items:
                # Cleared after the write, and only when it still holds what was sent.
                if note and self.condition.note_text() == note:
                    self.condition.note.clear()
                self.condition.scanned()

        self.context.operations.write(
            lambda s, a: returns.checkin(
                s, a, [text], condition=condition, note=note, whole_kit=whole
            ),
            "checkin",
            on_done=done,
            on_error=failed,
            description="Checking in",
        )
        return True

    @property
    def busy(self) -> bool:
        """Check-ins are being written."""
        return self._in_flight > 0

    def _show(self, result: CheckinResult, condition: ReturnCondition) -> None:
        messages = [item.message for item in result.items]
        for item in result.items:
            self.returned.insertItem(0, f"{item.message}  {item.name} ({item.production})")
        verdict = Verdict.OK if condition is ReturnCondition.OK else Verdict.NOTICE
        kit_lines = []
        for kit in result.kits:
            if kit.complete:
                kit_lines.append(f"Kit {kit.kit_tag} {kit.name}: all {kit.member_count} back.")
            else:
                tags = ", ".join(o.tag for o in kit.members_out[:12])
                more = len(kit.members_out) - 12
                kit_lines.append(
                    f"Kit {kit.kit_tag} {kit.name}: {len(kit.members_out)} of "
                    f"{kit.member_count} still out: {tags}"
                    + (f" …and {more} more" if more > 0 else "")
                )
                verdict = Verdict.NOTICE
        if kit_lines:
            self.kit_status.setText("\n".join(kit_lines))
        self.feedback.show_verdict(verdict, " ".join(messages + kit_lines) or "Nothing came back.")
        self.still_out.set_records(result.still_out)
        productions = sorted({o.production for o in result.still_out})
        if result.still_out:
            self.still_title.setText(
                f"Still out for {', '.join(productions)}: {len(result.still_out)} line(s)"
            )
        else:
            back_from = sorted({i.production for i in result.items})
            where = f" for {', '.join(back_from)}" if back_from else ""
            self.still_title.setText(f"Nothing is still out{where}.")

    def refresh(self) -> None:
        """Re-read how much is out, and what the productions shown still have out."""
        self.context.operations.read(
            checkout_out.open_line_count,
            on_done=self._show_out_count,
            on_error=lambda exc: self.feedback.show_verdict(Verdict.REFUSED, str(exc)),
            description="Reading what is out",
        )
        if not self.still_out.records_model.records():
            return
        ids = sorted({o.production_id for o in self.still_out.records_model.records()})
        today = date.today()
        self.context.operations.read(
            lambda s: [line for pid in ids for line in checkout_out.still_out(s, pid, today)],
            on_done=self.still_out.set_records,
            on_error=lambda exc: self.feedback.show_verdict(Verdict.REFUSED, str(exc)),
            description="Reading what is still out",
        )

    def _show_out_count(self, count: int) -> None:
        self.out_count = count
        lines = f"{count} line{'s' if count != 1 else ''}"
        self.scan_hint.say("Scan gear as it comes back", SCAN_BACK.format(count=lines))
        self.nothing_out.update_visibility()
        self.scan_hint.update_visibility()
