"""The Clients page: add a client, edit its billing details, refusals shown at the field."""

from __future__ import annotations

from decimal import Decimal

from gearroom.services import clients
from gearroom.ui.pages.clients import ClientsPage


def test_add_and_edit_a_client(qtbot, context) -> None:
    page = ClientsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    dialog = page.new_client()
    dialog.name.setText("Parade Records")
    dialog.discount.setText("7.5")
    dialog.accept()
    dialog = page.new_client()
    dialog.name.setText("  parade   records ")
    dialog.accept()
    assert "already a client" in dialog.banner_text()
    dialog.reject()
    rows = page.list.records_model.records()
    assert [(c.name, c.default_discount) for c in rows] == [("Parade Records", Decimal("7.50"))]

    page.list.selectRow(0)
    edit = page.edit_selected()
    assert edit is not None and edit.name.text() == "Parade Records"
    edit.address.setPlainText("4 Mill Lane\nLeeds LS1 2AB")
    edit.tax_number.setText("GB 987 6543 21")
    edit.contacts.setPlainText("Joe Park, producer\n\nLi Wen, accounts")
    edit.terms.setValue(45)
    edit.discount.setText("abc")
    edit.accept()
    assert edit.field_error("discount") or edit.banner_text()  # not a percentage
    edit.discount.setText("12")
    edit.accept()
    view = context.query(lambda s: clients.list_clients(s, context.actor))[0]
    assert view.billing_address == "4 Mill Lane\nLeeds LS1 2AB"
    assert view.contacts == ("Joe Park, producer", "Li Wen, accounts")
    assert (view.payment_terms_days, view.default_discount) == (45, Decimal("12.00"))
    assert "Leeds" in page.address.text()
    assert page.list.records_model.records()[0].payment_terms_days == 45
