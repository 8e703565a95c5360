"""People at the counter: crew and client contacts, their badge, what they have out and their
history; add and edit them, print a badge label."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gearroom.errors import GearroomError
from gearroom.services import crew, people
from gearroom.services.changes import ChangeKind
from gearroom.services.checkout_out import OutLine
from gearroom.services.crew import PersonDesk, SignedFor
from gearroom.services.people import PersonView
from gearroom.text import format_day
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.person import ROLE_NAMES, PersonDialog
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import ADD_PEOPLE, EmptyState, NextStep
from gearroom.ui.widgets.history_view import HistoryView

PEOPLE_COLUMNS: tuple[RecordColumn[PersonView], ...] = (
    RecordColumn("Name", lambda p: p.name, 150, stretch=True),
    RecordColumn("Badge", lambda p: p.badge, 64),
    RecordColumn("Role", lambda p: p.role.value, 50),
    RecordColumn("Company", lambda p: p.company, 90),
)
OUT_COLUMNS: tuple[RecordColumn[OutLine], ...] = (
    RecordColumn("Tag", lambda o: o.tag, 80),
    RecordColumn("Item", lambda o: o.name, 170, stretch=True),
    RecordColumn("Qty", lambda o: o.quantity, 34, align_right=True),
    RecordColumn("Production", lambda o: o.production, 140),
    RecordColumn("Due", lambda o: format_day(o.due_back), 90),
)
SIGNED_COLUMNS: tuple[RecordColumn[SignedFor], ...] = (
    RecordColumn("Check-out", lambda c: f"#{c.checkout_id}", 70),
    RecordColumn("Production", lambda c: c.production, 160, stretch=True),
    RecordColumn("Due", lambda c: format_day(c.due_back), 90),
    RecordColumn("Lines", lambda c: c.lines, 44, align_right=True),
    RecordColumn("Still out", lambda c: c.still_out, 60, align_right=True),
)


class PeoplePage(Page):
    """The list of people on the left; the one chosen on the right."""

    page_id = "people"
    title = "People"
    icon_name = "people"
    takes_badges = True
    concerns = frozenset(
        {ChangeKind.PERSON, ChangeKind.ASSET, ChangeKind.STOCK, ChangeKind.PRODUCTION}
    )

    #: Tags to put on the labels page (a person's badge).
    print_labels = Signal(list)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("peoplePage")
        self.current: PersonDesk | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search people by name, badge or company…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.list: DeskTable[PersonView] = DeskTable(PEOPLE_COLUMNS, lambda p: p.id, self._chosen)
        self.list.clicked.connect(lambda _i: self._chosen_current())
        self.add_button = QPushButton("New person…")
        self.add_button.clicked.connect(lambda: self.new_person())
        EmptyState.over(
            self.list,
            "No people yet",
            "Crew and client contacts sign for gear at check-out; each gets a badge to scan.",
            NextStep("New person…", self.add_button.click, name="new_person"),
            ADD_PEOPLE,
            when=lambda: not self.search.text().strip(),
        )
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(lambda: self.edit_person())
        self.badge_button = QPushButton("Print badge label…")
        self.badge_button.clicked.connect(self.print_badge)
        self.heading = QLabel("Choose a person")
        self.heading.setObjectName("personHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.out: DeskTable[OutLine] = DeskTable(
            OUT_COLUMNS, lambda o: o.line_id, lambda o: self.open_item.emit(o.item_kind, o.item_id)
        )
        self.signed: DeskTable[SignedFor] = DeskTable(SIGNED_COLUMNS, lambda c: c.checkout_id)
        self.history = HistoryView()

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.search)
        left_box.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        left_box.addLayout(buttons)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.badge_button)
        right_box.addLayout(top)
        right_box.addWidget(self.details)
        self.out_label = section_label("Out now")
        right_box.addWidget(self.out_label)
        right_box.addWidget(self.out, 2)
        right_box.addWidget(section_label("Signed for"))
        right_box.addWidget(self.signed, 2)
        right_box.addWidget(section_label("History"))
        right_box.addWidget(self.history, 2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(splitter)
        self._show_person(None)

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        text = self.search.text()
        self.context.operations.read(
            lambda s: people.list_people(s, text, include_inactive=True),
            on_done=self._listed,
            on_error=self._failed,
            description="Reading people",
        )

    def _listed(self, rows: list[PersonView]) -> None:
        self.list.set_records(rows)
        if self.current is not None:
            self.show_person(self.current.person.badge)

    def _failed(self, exc: GearroomError) -> None:
        self.details.setText(str(exc))

    def _chosen(self, person: PersonView) -> None:
        self.show_person(person.badge)

    def _chosen_current(self) -> None:
        person = self.list.current_record()
        if person is not None:
            self.show_person(person.badge)

    def show_person(self, key: str) -> None:
        self.context.operations.read(
            lambda s: crew.person_desk(s, key),
            on_done=self._show_person,
            on_error=self._failed,
            description="Reading the person",
        )

    def _show_person(self, desk: PersonDesk | None) -> None:
        self.current = desk
        for button in (self.edit_button, self.badge_button):
            button.setEnabled(desk is not None)
        if desk is None:
            self.heading.setText("Choose a person")
            self.details.setText("")
            self.out.set_records([])
            self.signed.set_records([])
            self.history.set_events([])
            return
        p = desk.person
        self.heading.setText(f"{p.name}  ·  {p.badge}" + ("" if p.active else "  (inactive)"))
        facts = [ROLE_NAMES.get(p.role, p.role.value)]
        facts += [x for x in (p.company, p.email, p.phone) if x]
        self.details.setText(" · ".join(facts) + (f"\n{p.notes}" if p.notes else ""))
        self.out_label.setText(f"Out now ({len(desk.out)})")
        self.out.set_records(desk.out)
        self.signed.set_records(desk.signed_for)
        self.history.set_events(list(desk.history))

    # ------------------------------------------------------------------ writing

    def new_person(self) -> str | None:
        """Add a person; returns their badge once saved."""
        dialog = PersonDialog(self.context, parent=self)
        if not dialog.exec() or dialog.saved_badge is None:
            return None
        self.refresh()
        self.show_person(dialog.saved_badge)
        return dialog.saved_badge

    def edit_person(self) -> str | None:
        if self.current is None:
            return None
        dialog = PersonDialog(self.context, self.current.person, parent=self)
        if not dialog.exec() or dialog.saved_badge is None:
            return None
        self.refresh()
        self.show_person(dialog.saved_badge)
        return dialog.saved_badge

    def print_badge(self) -> None:
        if self.current is not None:
            self.print_labels.emit([self.current.person.badge])

    def handle_scan(self, text: str) -> bool:
        """A badge scanned here shows that person."""
        key = text.strip().upper()
        if not key:
            return False
        self.show_person(key)
        return True
