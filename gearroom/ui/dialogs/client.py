"""Add or edit a client: billing address, tax number, contact people, terms and discount."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from gearroom.services import clients
from gearroom.services.actor import Actor
from gearroom.services.clients import ClientView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog


class ClientDialog(FormDialog):
    """A client company; saved in one transaction through the operation door."""

    def __init__(
        self, context: AppContext, client: ClientView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "Edit client" if client else "New client", parent)
        self.setObjectName("clientDialog")
        self.client = client
        self.resize(520, 440)
        self.name = QLineEdit(client.name if client else "")
        self.email = QLineEdit(client.email if client else "")
        self.address = QPlainTextEdit(client.billing_address if client else "")
        self.address.setFixedHeight(70)
        self.tax_number = QLineEdit(client.tax_number if client else "")
        self.contacts = QPlainTextEdit("\n".join(client.contacts) if client else "")
        self.contacts.setPlaceholderText("One contact person a line: name, phone, email")
        self.contacts.setFixedHeight(70)
        self.terms = QSpinBox()
        self.terms.setRange(0, 365)
        self.terms.setSuffix(" days")
        self.terms.setValue(client.payment_terms_days if client else 30)
        self.discount = QLineEdit(f"{client.default_discount}" if client else "0")
        self.discount.setPlaceholderText("e.g. 10")
        self.add_field("name", "Name", self.name)
        self.add_field("email", "Email", self.email)
        self.add_field("billing address", "Billing address", self.address)
        self.add_field("tax number", "Tax number", self.tax_number)
        self.add_field("contact", "Contacts", self.contacts)
        self.add_field("terms", "Payment terms", self.terms)
        self.add_field("discount", "Default discount %", self.discount)
        self.finish_layout()

    def save(self) -> int:
        name, email, address = self.name.text(), self.email.text(), self.address.toPlainText()
        tax_number, terms = self.tax_number.text(), self.terms.value()
        discount = self.discount.text().strip() or "0"
        contacts = [c for c in self.contacts.toPlainText().splitlines() if c.strip()]
        original = self.client

        def write(s: Session, a: Actor) -> int:
            if original is None:
                return clients.add_client(
                    s,
                    a,
                    name,
                    email=email,
                    billing_address=address,
                    tax_number=tax_number,
                    contacts=contacts,
                    terms_days=terms,
                    discount=discount,
                ).id
            return clients.edit_client(
                s,
                a,
                original.id,
                name=name,
                email=email,
                billing_address=address,
                tax_number=tax_number,
                contacts=contacts,
                terms_days=terms,
                discount=discount,
            ).id

        return self.context.perform(write, "client")
