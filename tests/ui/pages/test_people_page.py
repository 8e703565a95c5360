"""The People page: add, edit, a person's badge label, what they have out and their history;
"New person…" from the check-out page's custodian picker."""

from __future__ import annotations

from pathlib import Path

from desk_data import build_desk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gearroom.services import checkout, checkout_cart, people
from gearroom.ui.dialogs.person import PersonDialog
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.checkout import NEW_PERSON, CheckoutPage
from gearroom.ui.pages.people import PeoplePage


def _fill_dialog(name: str, phone: str = "", badge: str = "") -> None:
    """Type into the next person dialog and save it, once it is open."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PersonDialog):
            QTimer.singleShot(10, fill)
            return
        dialog.name.setText(name)
        if phone:
            dialog.phone.setText(phone)
        if badge:
            dialog.badge.setText(badge)
        dialog.accept()

    QTimer.singleShot(0, fill)


def test_add_edit_and_what_a_person_has_out(qtbot, context, tmp_path: Path) -> None:
    desk = build_desk(context, loose_items=4, kit_items=2)

    def out(s, a):  # type: ignore[no-untyped-def]
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        cart = checkout_cart.scan_into_cart(s, cart, desk.loose[0]).cart
        checkout.commit_checkout(s, a, cart)

    context.perform(out, "checkout")
    page = PeoplePage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert [p.name for p in page.list.records_model.records()] == [desk.custodian]
    page.handle_scan(desk.badge)
    assert page.current is not None and page.current.person.name == desk.custodian
    assert [o.tag for o in page.out.records_model.records()] == [desk.loose[0]]
    assert page.out_label.text() == "Out now (1)"
    assert [c.still_out for c in page.signed.records_model.records()] == [1]

    _fill_dialog("Kenji Watanabe", phone="+44 20 7946 0000")
    badge = page.new_person()
    assert badge is not None
    added = context.query(lambda s: people.get_person(s, badge))
    assert (added.name, added.phone) == ("Kenji Watanabe", "+44 20 7946 0000")
    assert page.current is not None and page.current.person.badge == badge

    _fill_dialog("Kenji Watanabe", badge="P-0900")
    assert page.edit_person() == "P-0900"
    assert context.query(lambda s: people.get_person(s, "P-0900")).name == "Kenji Watanabe"
    assert any("edited" in e.summary for e in page.current.history)
    page.resize(1200, 700)
    page.grab().save(str(tmp_path / "people.png"))


def test_a_bad_phone_keeps_the_dialog_open_with_the_message(qtbot, context) -> None:
    dialog = PersonDialog(context)
    qtbot.addWidget(dialog)
    dialog.name.setText("Ana")
    dialog.phone.setText("call me")
    dialog.accept()
    assert "phone" in dialog.field_error("phone")
    assert context.query(lambda s: people.list_people(s)) == []


def test_print_badge_puts_it_on_the_labels_page(qtbot, context) -> None:
    desk = build_desk(context, loose_items=2, kit_items=1)
    window = MainWindow(context)
    qtbot.addWidget(window)
    page = window.page("people")
    assert isinstance(page, PeoplePage)
    page.show_person(desk.badge)
    page.print_badge()
    labels = window.current_page()
    assert labels is not None and labels.page_id == "labels"
    assert [c.tag for c in labels.contents] == [desk.badge]  # type: ignore[attr-defined]


def test_new_person_from_the_custodian_picker_signs_for_the_cart(qtbot, context) -> None:
    desk = build_desk(context, loose_items=2, kit_items=1)
    page = CheckoutPage(context)
    qtbot.addWidget(page)
    page.refresh()
    page.handle_scan(desk.production)
    index = page.custodian.findData(NEW_PERSON)
    assert index > 0
    _fill_dialog("Rosa Lind")
    page.custodian.activated.emit(index)
    assert page.cart.custodian == "Rosa Lind"
    assert page.custodian.currentText().startswith("Rosa Lind (")
