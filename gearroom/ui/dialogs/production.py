"""Add or edit a production: name, client, contact, notes and its days (saved in one go).

Each day's kind (prep, shoot, wrap, travel, hold) is picked when days are added and can be
changed in place in the list of days.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import ShootDayKind
from gearroom.services import clients, people, productions
from gearroom.services.actor import Actor, Permission
from gearroom.services.clients import ClientView
from gearroom.services.people import PersonView
from gearroom.services.productions import ProductionView, ShootDayDraft
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog
from gearroom.ui.widgets.desk_common import to_date, to_time


@dataclass(frozen=True)
class DayRow:
    day: date
    kind: ShootDayKind
    location: str
    call_time: time | None


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def kind_of(data: object) -> ShootDayKind:
    """The day kind a combo box entry holds (Qt hands a string enum back as plain text)."""
    try:
        return ShootDayKind(str(data))
    except ValueError:
        return ShootDayKind.SHOOT


def kind_picker(kind: ShootDayKind) -> QComboBox:
    combo = QComboBox()
    for k in ShootDayKind:
        combo.addItem(k.value, k.value)
    combo.setCurrentIndex(max(combo.findData(kind.value), 0))
    return combo


def client_chooser(context: AppContext, current: str) -> QComboBox:
    """The client box: the known clients to pick from (staff, admins), or any name typed."""
    combo = QComboBox()
    combo.setObjectName("clientChooser")
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    actor = context.actor
    combo.setCurrentText(current)
    if actor.can(Permission.PRICES):

        def arrived(known: list[ClientView]) -> None:
            typed = combo.currentText()
            combo.addItems([c.name for c in known])
            combo.setCurrentText(typed)

        # Through the door: the names arrive while the dialog is open (a name can be typed
        # meanwhile: the box keeps what is typed).
        context.operations.read(
            lambda s: clients.list_clients(s, actor),
            on_done=arrived,
            on_error=lambda _exc: None,  # no list to pick from; any name can still be typed
            description="Reading the clients",
        )
    return combo


class ProductionDialog(FormDialog):
    """A production and its days; on edit, days removed or changed are replaced."""

    def __init__(
        self,
        context: AppContext,
        production: ProductionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Edit production" if production else "New production", parent)
        self.production = production
        self.resize(760, 580)
        self.name = QLineEdit(production.name if production else "")
        self.client_choice = client_chooser(context, production.client if production else "")
        self.client = self.client_choice.lineEdit() or QLineEdit()
        self.contact = QComboBox()
        self.contact.addItem("—", None)
        self.notes = QPlainTextEdit(production.notes if production else "")
        self.notes.setFixedHeight(60)
        self.add_field("name", "Name", self.name)
        self.add_field("client", "Client", self.client_choice)
        self.add_field("contact", "Contact person", self.contact)
        self.add_field("notes", "Notes", self.notes).setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum
        )

        self.days = QTableWidget(0, 4)
        self.days.setHorizontalHeaderLabels(["Date", "Kind", "Location", "Call"])
        self.days.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.days.verticalHeader().hide()
        self.days.setWordWrap(False)
        self.days.setColumnWidth(0, 130)
        self.days.setColumnWidth(1, 96)
        self.days.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.days.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.rows: list[DayRow] = [
            DayRow(d.day, d.kind, d.location, d.call_time)
            for d in (production.days if production else ())
        ]
        today = date.today()
        self.first = QDateEdit(_qdate(today))
        self.last = QDateEdit(_qdate(today))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.kind = kind_picker(ShootDayKind.SHOOT)
        self.kind.setObjectName("newDayKind")
        self.location = QLineEdit()
        self.location.setPlaceholderText("Location")
        self.location.setMinimumWidth(150)
        self.has_call = QCheckBox("Call")
        self.call = QTimeEdit(QTime(7, 0))
        self.call.setDisplayFormat("HH:mm")
        self.add_days_button = QPushButton("Add days")
        self.add_days_button.clicked.connect(self.add_days)
        self.remove_days_button = QPushButton("Remove selected")
        self.remove_days_button.clicked.connect(self.remove_selected)
        adder = QHBoxLayout()
        for w in (self.first, self.last, self.kind, self.location, self.has_call, self.call):
            adder.addWidget(w)
        adder.addWidget(self.add_days_button)
        holder = QWidget()
        holder.setLayout(adder)
        self.add_field("days", "Days", self.days)
        self.form.addRow("", holder)
        self.form.addRow("", self.remove_days_button)
        self.finish_layout(stretch=False)
        self._show_days()
        self.load(people.list_people, self._people_arrived, "Reading the people")

    def _people_arrived(self, known: list[PersonView]) -> None:
        """The contact box's people arrived (Save waits for them: it saves the contact)."""
        for person in known:
            self.contact.addItem(f"{person.name} ({person.badge})", person.badge)
        production = self.production
        if production and production.contact_badge:
            self.contact.setCurrentIndex(max(self.contact.findData(production.contact_badge), 0))

    def _show_days(self) -> None:
        self.rows.sort(key=lambda r: r.day)
        self.days.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            values = [
                f"{r.day.isoformat()} {r.day:%a}",
                r.kind.value,
                r.location,
                r.call_time.strftime("%H:%M") if r.call_time else "",
            ]
            for col, value in enumerate(values):
                self.days.setItem(i, col, QTableWidgetItem(value))
            picker = kind_picker(r.kind)
            picker.setObjectName(f"dayKind_{r.day.isoformat()}")
            picker.currentIndexChanged.connect(
                lambda _i, day=r.day, p=picker: self.set_day_kind(day, kind_of(p.currentData()))
            )
            self.days.setCellWidget(i, 1, picker)

    def day_kind_picker(self, day: date) -> QComboBox | None:
        """The in-place kind picker of one day (tests, keyboard users)."""
        for i, r in enumerate(self.rows):
            if r.day == day:
                widget = self.days.cellWidget(i, 1)
                return widget if isinstance(widget, QComboBox) else None
        return None

    def set_day_kind(self, day: date, kind: ShootDayKind) -> None:
        """Change one day's kind (the in-place picker of the list of days)."""
        self.rows = [replace(r, kind=kind) if r.day == day else r for r in self.rows]
        for i, r in enumerate(self.rows):
            item = self.days.item(i, 1)
            if r.day == day and item is not None:
                item.setText(kind.value)

    def add_day_rows(
        self,
        first: date,
        last: date,
        kind: ShootDayKind,
        location: str = "",
        call_time: time | None = None,
    ) -> None:
        """Add (or replace) the days ``first``..``last`` with one kind, place and call time."""
        if last < first:
            raise ValidationError("The last day is before the first.", field="days")
        wanted = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.rows = [r for r in self.rows if r.day not in wanted]
        self.rows.extend(DayRow(d, kind, location.strip(), call_time) for d in wanted)
        self._show_days()

    def add_days(self) -> None:
        try:
            self.add_day_rows(
                to_date(self.first.date()),
                to_date(self.last.date()),
                kind_of(self.kind.currentData()),
                self.location.text(),
                to_time(self.call.time()) if self.has_call.isChecked() else None,
            )
            self.clear_errors()
        except ValidationError as exc:
            self.show_error(exc)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.days.selectedIndexes()}, reverse=True)
        for row in rows:
            del self.rows[row]
        self._show_days()

    def save(self) -> int | None:
        name = self.name.text()
        client = self.client.text()
        contact = self.contact.currentData()
        notes = self.notes.toPlainText()
        drafts = [ShootDayDraft(r.day, r.kind, r.location, r.call_time) for r in self.rows]
        original = self.production

        def write(s: Session, a: Actor) -> int:
            if original is None:
                return productions.create_production(
                    s, a, name, client=client, contact=contact, notes=notes, days=drafts
                ).id
            view = productions.update_production(
                s,
                a,
                original.tag,
                {"name": name, "client": client, "contact": contact or "", "notes": notes},
            )
            keep = {(d.day, d.kind, d.location, d.call_time) for d in drafts}
            have = {(d.day, d.kind, d.location, d.call_time): d for d in view.days}
            for key, d in have.items():
                if key not in keep:
                    productions.remove_shoot_day(s, a, view.tag, d.day)
            new = [d for d in drafts if (d.day, d.kind, d.location, d.call_time) not in have]
            if new:
                productions.add_shoot_days(s, a, view.tag, new)
            return view.id

        self.write(write, "production", lambda saved_id: saved_id)
        return None
