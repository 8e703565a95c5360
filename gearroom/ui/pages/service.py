"""Service: open tickets (open, add a note, close) and the gear that did not come back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.services import checkout_out, dashboard, returns, service_tickets
from gearroom.services.actor import Actor, Permission
from gearroom.services.checkout_out import OutLine
from gearroom.services.dashboard import InService
from gearroom.services.service_tickets import TicketView
from gearroom.ui.context import AppContext
from gearroom.ui.feedback import ScanFeedback, Verdict
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import EmptyState

NO_TICKETS = (
    "Gear checked in damaged or needing service opens a ticket here, and cannot be booked "
    "until the ticket is closed. To open one by hand, scan the item or type its tag above."
)
NOTHING_MISSING = (
    "Gear checked in as missing stays here until it turns up (check it in) or is written "
    "off as lost."
)

TICKET_COLUMNS: tuple[RecordColumn[TicketView], ...] = (
    RecordColumn("Ticket", lambda t: f"#{t.id}", 60),
    RecordColumn("Tag", lambda t: t.tag, 90),
    RecordColumn("Item", lambda t: t.name, 240),
    RecordColumn("Opened", lambda t: t.opened_at.astimezone().strftime("%Y-%m-%d"), 90),
    RecordColumn("From", lambda t: t.production or "", 130),
    RecordColumn("Note", lambda t: t.note, 200, stretch=True),
)
MISSING_COLUMNS: tuple[RecordColumn[OutLine], ...] = (
    RecordColumn("Tag", lambda o: o.tag, 90),
    RecordColumn("Item", lambda o: o.name, 200, stretch=True),
    RecordColumn("Serial", lambda o: o.serial, 110),
    RecordColumn("Production", lambda o: o.production, 140),
    RecordColumn("Custodian", lambda o: o.custodian, 130),
    RecordColumn("Out since", lambda o: o.out_at.astimezone().strftime("%Y-%m-%d"), 90),
)


class ServicePage(Page):
    """The service bench and the lost-and-missing list."""

    page_id = "service"
    title = "Service"
    permission = Permission.SERVICE
    icon_name = "service"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("servicePage")
        self.feedback = ScanFeedback()
        self.tickets: DeskTable[TicketView] = DeskTable(TICKET_COLUMNS, lambda t: t.id)
        self.tickets.selectionModel().currentRowChanged.connect(lambda *_: self._show_ticket())
        self.history = QListWidget()
        self.history.setObjectName("ticketNotes")
        self.history.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("A note: what was found, what was done…")
        self.add_note_button = QPushButton("Add note")
        self.add_note_button.clicked.connect(self.add_note)
        self.close_button = QPushButton("Close ticket (item available)")
        self.close_button.clicked.connect(self.close_ticket)

        self.new_tag = QLineEdit()
        self.new_tag.setPlaceholderText("Tag (scan it)")
        self.new_note = QLineEdit()
        self.new_note.setPlaceholderText("What needs doing")
        self.open_button = QPushButton("Open ticket")
        self.open_button.clicked.connect(self.open_ticket)

        self.missing: DeskTable[OutLine] = DeskTable(MISSING_COLUMNS, lambda o: o.line_id)
        EmptyState.over(
            self.tickets,
            "No open tickets",
            NO_TICKETS,
            self.step_to("checkin", "Go to Check-in"),
        )
        EmptyState.over(self.missing, "Nothing is missing", NOTHING_MISSING)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it is written off (police report, insurance claim…)")
        self.write_off_button = QPushButton("Write off as lost")
        self.write_off_button.clicked.connect(self.write_off)

        open_form = QFormLayout()
        open_row = QHBoxLayout()
        open_row.addWidget(self.new_tag)
        open_row.addWidget(self.new_note, 2)
        open_row.addWidget(self.open_button)
        open_form.addRow("New ticket", open_row)

        detail = QWidget()
        detail_box = QVBoxLayout(detail)
        detail_box.setContentsMargins(0, 0, 0, 0)
        self.detail_title = section_label("Ticket")
        detail_box.addWidget(self.detail_title)
        detail_box.addWidget(self.history, 1)
        detail_box.addWidget(self.note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.add_note_button)
        note_row.addStretch(1)
        note_row.addWidget(self.close_button)
        detail_box.addLayout(note_row)

        upper = QSplitter()
        tickets_box = QWidget()
        tb = QVBoxLayout(tickets_box)
        tb.setContentsMargins(0, 0, 0, 0)
        self.tickets_title = section_label("Open tickets")
        tb.addWidget(self.tickets_title)
        tb.addWidget(self.tickets, 1)
        self.by_hand = QLabel()
        self.by_hand.setObjectName("inServiceByHand")
        self.by_hand.setWordWrap(True)
        self.by_hand.hide()
        tb.addWidget(self.by_hand)
        upper.addWidget(tickets_box)
        upper.addWidget(detail)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)

        lower = QWidget()
        lb = QVBoxLayout(lower)
        lb.setContentsMargins(0, 0, 0, 0)
        self.missing_title = section_label("Missing and lost")
        lb.addWidget(self.missing_title)
        lb.addWidget(self.missing, 1)
        wo = QHBoxLayout()
        wo.addWidget(self.reason, 1)
        wo.addWidget(self.write_off_button)
        lb.addLayout(wo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.feedback)
        layout.addLayout(open_form)
        layout.addWidget(upper, 3)
        layout.addWidget(lower, 2)
        self._show_ticket()

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Read the tickets, what is out and the bench through the door; shown on arrival."""
        self.context.operations.read(
            lambda s: (
                service_tickets.list_open_tickets(s),
                checkout_out.out_items(s),
                dashboard.in_service(s),
            ),
            on_done=self._show_data,
            on_error=lambda exc: self.feedback.show_verdict(Verdict.REFUSED, str(exc)),
            description="Reading the service desk",
        )

    def _show_data(self, data: tuple[list[TicketView], list[OutLine], list[InService]]) -> None:
        tickets, out, bench = data
        current = self.tickets.current_record()
        self.tickets.set_records(tickets)
        by_hand = [i.tag for i in bench if i.ticket_id is None]
        self.by_hand.setText(
            f"Also in service without a ticket: {', '.join(by_hand)}. Scan one to open a "
            "ticket for it."
            if by_hand
            else ""
        )
        self.by_hand.setVisible(bool(by_hand))
        self.tickets_title.setText(f"Open tickets ({len(tickets)})")
        missing = [o for o in out if o.missing]
        self.missing.set_records(missing)
        self.missing_title.setText(f"Missing and lost ({len(missing)})")
        if (current is None or not self.select_ticket(current.id)) and tickets:
            self.select_ticket(tickets[0].id)
        self._show_ticket()

    def select_ticket(self, ticket_id: int) -> bool:
        row = self.tickets.records_model.row_of(ticket_id)
        if row is None:
            return False
        self.tickets.selectRow(row)
        self.tickets.setCurrentIndex(self.tickets.records_model.index(row, 0))
        return True

    def _show_ticket(self) -> None:
        ticket = self.tickets.current_record()
        self.history.clear()
        for button in (self.add_note_button, self.close_button):
            button.setEnabled(ticket is not None)
        if ticket is None:
            self.detail_title.setText("Choose a ticket")
            return
        self.detail_title.setText(f"#{ticket.id} {ticket.tag} {ticket.name} ({ticket.serial})")
        opened = ticket.opened_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.history.addItem(f"{opened}  {ticket.opened_by}: opened — {ticket.note}")
        for n in ticket.notes:
            self.history.addItem(f"{n.at.astimezone():%Y-%m-%d %H:%M}  {n.operator}: {n.text}")

    # ------------------------------------------------------------------ actions

    def _run(
        self, what: str, fn: Callable[[Session, Actor], object], then: Callable[[], object]
    ) -> bool:
        """Write through the door; on success say so, run ``then`` (clear what was typed) and
        read the desk again. True when the write succeeded before this returns (the door's
        synchronous mode); an error shows on the page and keeps what was typed."""
        written: list[bool] = []

        def done(message: object) -> None:
            written.append(True)
            self.feedback.show_verdict(Verdict.OK, str(message) if message else what)
            then()
            self.refresh()

        self.context.operations.write(
            fn,
            "service",
            on_done=done,
            on_error=lambda exc: self.feedback.show_verdict(Verdict.REFUSED, str(exc)),
            description="Saving the service desk",
        )
        return bool(written)

    def open_ticket(self) -> bool:
        tag, note = self.new_tag.text(), self.new_note.text()

        def cleared() -> None:
            self.new_tag.clear()
            self.new_note.clear()

        return self._run(
            "",
            lambda s, a: (
                f"Ticket #{(t := service_tickets.open_ticket(s, a, tag, note)).id} opened for "
                f"{t.tag}; it is unavailable until the ticket is closed."
            ),
            cleared,
        )

    def add_note(self) -> bool:
        ticket = self.tickets.current_record()
        if ticket is None:
            return False
        text = self.note.text()
        return self._run(
            f"Note added to ticket #{ticket.id}.",
            lambda s, a: service_tickets.add_note(s, a, f"#{ticket.id}", text) and None,
            self.note.clear,
        )

    def close_ticket(self) -> bool:
        ticket = self.tickets.current_record()
        if ticket is None:
            return False
        text = self.note.text()
        return self._run(
            f"Ticket #{ticket.id} closed: {ticket.tag} is available again.",
            lambda s, a: service_tickets.close_ticket(s, a, f"#{ticket.id}", text) and None,
            self.note.clear,
        )

    def write_off(self) -> bool:
        line = self.missing.current_record()
        if line is None:
            self.feedback.show_verdict(Verdict.REFUSED, "Choose the missing item to write off.")
            return False
        reason = self.reason.text()
        return self._run(
            f"{line.tag} written off as lost.",
            lambda s, a: returns.write_off_missing(s, a, line.tag, reason) and None,
            self.reason.clear,
        )

    def handle_scan(self, text: str) -> bool:
        """A scanned item shows its open ticket, or goes in the new-ticket field."""
        tag = text.strip().upper()
        for ticket in self.tickets.records_model.records():
            if ticket.tag == tag:
                self.select_ticket(ticket.id)
                self.feedback.show_verdict(Verdict.OK, f"{tag}: ticket #{ticket.id}.")
                return True
        self.new_tag.setText(tag)
        self.new_note.setFocus()
        self.feedback.show_verdict(
            Verdict.NOTICE, f"{tag} has no open ticket; say what needs doing to open one."
        )
        return True
