"""Add or edit a person: crew who sign for gear, client contacts, staff; their badge tag."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy.orm import Session

from gearroom.models import PersonRole
from gearroom.services import crew, people
from gearroom.services.actor import Actor
from gearroom.services.people import PersonView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog, select_data

ROLE_NAMES = {
    PersonRole.CREW: "Crew (signs for gear)",
    PersonRole.CLIENT: "Client contact",
    PersonRole.STAFF: "Staff",
}


class PersonDialog(FormDialog):
    """A new person (``person`` None) or one to edit; saves through the people services."""

    def __init__(
        self, context: AppContext, person: PersonView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "Edit person" if person else "New person", parent)
        self.setObjectName("personDialog")
        self.person = person
        #: The badge of the person saved (set by :meth:`save`).
        self.saved_badge: str | None = None
        self.name = QLineEdit(person.name if person else "")
        self.name.setPlaceholderText("e.g. Ana Ribeiro")
        self.role = QComboBox()
        for role, text in ROLE_NAMES.items():
            self.role.addItem(text, role.value)
        if person is not None:
            select_data(self.role, person.role.value)
        self.company = QLineEdit(person.company if person else "")
        self.badge = QLineEdit(person.badge if person else "")
        self.badge.setPlaceholderText("left empty: the next free P- tag")
        self.email = QLineEdit(person.email if person else "")
        self.phone = QLineEdit(person.phone if person else "")
        self.notes = QPlainTextEdit(person.notes if person else "")
        self.notes.setFixedHeight(60)
        self.add_field("name", "Name", self.name)
        self.add_field("role", "Role", self.role)
        self.add_field("company", "Company", self.company)
        self.add_field("badge", "Badge tag", self.badge)
        self.add_field("email", "E-mail", self.email)
        self.add_field("phone", "Phone", self.phone)
        self.add_field("notes", "Notes", self.notes)
        self.finish_layout()
        self.setMinimumWidth(440)

    def save(self) -> int | None:
        name = self.name.text()
        role = str(self.role.currentData())
        company = self.company.text()
        badge = self.badge.text().strip() or None
        email, phone = self.email.text(), self.phone.text()
        notes = self.notes.toPlainText()
        current = self.person
        if current is None:

            def add(s: Session, a: Actor) -> PersonView:
                view = people.add_person(
                    s, a, name, badge=badge, role=role, company=company, notes=notes
                )
                if not (phone.strip() or email.strip()):
                    return view
                # The contacts are checked as an edit checks them (one transaction: all or nothing).
                return crew.edit_person(s, a, view.badge, phone=phone, email=email)

            work = add
        else:

            def edit(s: Session, a: Actor) -> PersonView:
                crew.edit_person(
                    s, a, current.badge, badge=badge or current.badge, phone=phone, email=email
                )
                return people.update_person(
                    s,
                    a,
                    badge or current.badge,
                    {"name": name, "role": role, "company": company, "notes": notes},
                )

            work = edit

        def saved(view: PersonView) -> int:
            self.saved_badge = view.badge
            return view.id

        self.write(work, "person", saved)
        return None
