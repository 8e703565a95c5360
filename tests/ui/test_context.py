"""The synchronous path of the context (``AppContext.query``) is kept for the few places that
must have the answer at once; the dialogs, panels and pages moved onto the door never take it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from gearroom.services import catalog, kits, productions, reservations, stock
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.asset import AssetDialog
from gearroom.ui.dialogs.import_wizard import ImportWizard
from gearroom.ui.dialogs.kit import KitDialog
from gearroom.ui.dialogs.production import ProductionDialog
from gearroom.ui.dialogs.reservation import ReservationDialog
from gearroom.ui.dialogs.settings import SettingsDialog
from gearroom.ui.dialogs.stock import StockItemDialog
from gearroom.ui.pages.checkin import CheckinPage
from gearroom.ui.pages.service import ServicePage
from gearroom.ui.widgets.kits_panel import KitsPanel
from gearroom.ui.widgets.stock_panel import StockPanel


class SynchronousRead(AssertionError):
    pass


@pytest.fixture
def house(context: AppContext) -> dict[str, Any]:
    def fill(s, a):  # type: ignore[no-untyped-def]
        camera = catalog.create_asset(
            s, a, AssetDraft(name="Alexa Mini LF", category="Camera", make="ARRI", model="LF")
        )
        lens = catalog.create_asset(s, a, AssetDraft(name="Cooke S4/i 32mm", category="Lens"))
        case = kits.create_kit(s, a, "Lens case", location="Shelf A1")
        kits.add_to_kit(s, a, case.tag, lens.tag)
        cable = stock.create_stock_item(s, a, "SDI cable 3m", "Grip", 20)
        today = date.today()
        job = productions.create_production(
            s, a, "Nightfall", days=[ShootDayDraft(today + timedelta(days=i)) for i in range(3)]
        )
        return {"camera": camera, "lens": lens, "kit": case, "cable": cable, "job": job}

    return context.perform(fill, "catalog")


@pytest.fixture
def no_sync_reads(monkeypatch: pytest.MonkeyPatch, house: dict[str, Any]) -> Iterator[None]:
    """From here on, a synchronous read on the UI thread fails the test."""

    def refuse(self: AppContext, fn: Any) -> Any:
        raise SynchronousRead(f"AppContext.query({getattr(fn, '__qualname__', fn)})")

    monkeypatch.setattr(AppContext, "query", refuse)
    yield


def test_the_edit_dialogs_load_and_save_through_the_door(
    qtbot, context, house, no_sync_reads
) -> None:
    dialog = AssetDialog(context, house["camera"].id)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Alexa Mini LF" and not dialog.loading
    assert dialog.category.currentText() == "Camera"
    dialog.serial.setText("LF-2201")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted

    item = StockItemDialog(context, house["cable"].tag)
    qtbot.addWidget(item)
    assert item.quantity.value() == 20 and item.category.currentText() == "Grip"

    kit = KitDialog(context, house["kit"].tag)
    qtbot.addWidget(kit)
    assert [m.tag for m in kit.members()] == [house["lens"].tag]
    assert kit.location.currentText() == "Shelf A1"
    kit.member_tag.setText(house["cable"].tag)
    kit.member_quantity.setValue(2)
    kit.add_button.click()
    assert [m.tag for m in kit.members()] == [house["lens"].tag, house["cable"].tag]
    kit.member_tag.setText("ZZZ-0404")
    kit.add_button.click()
    assert "Unknown tag" in kit.member_error_text()

    production = ProductionDialog(context, house["job"])
    qtbot.addWidget(production)
    assert production.name.text() == "Nightfall"

    settings = SettingsDialog(context)
    qtbot.addWidget(settings)
    assert settings.default_location.findText("Shelf A1") > 0

    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    assert "focal_length" in wizard.attribute_keys


def test_the_reservation_dialog_looks_up_checks_and_books_through_the_door(
    qtbot, context, house, no_sync_reads
) -> None:
    dialog = ReservationDialog(context, house["job"])
    qtbot.addWidget(dialog)
    assert dialog.models.choose("ARRI LF")
    dialog.tag.setText(house["lens"].tag.lower())
    dialog.add_from_field()
    assert dialog.tag.text() == ""
    assert dialog.check is not None and dialog.check.ok
    assert not dialog.add_tag("ZZZ-0404")
    assert "Unknown tag" in dialog.banner_text()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    booked = context.operations.read(
        lambda s: reservations.list_reservations(s, "Nightfall"), synchronous=True
    ).result
    assert [r.tag for r in booked or []] == [house["lens"].tag]


def test_the_kits_and_stock_tabs_and_the_desk_pages_read_through_the_door(
    qtbot, context, house, no_sync_reads
) -> None:
    panel = KitsPanel(context)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.select_id(house["kit"].id)
    assert panel.details is not None and panel.details.kit.tag == house["kit"].tag
    shelf = StockPanel(context)
    qtbot.addWidget(shelf)
    shelf.refresh()
    assert shelf.select_id(house["cable"].id)
    assert shelf.events and shelf.history.events() == shelf.events

    service = ServicePage(context)
    qtbot.addWidget(service)
    service.refresh()
    service.handle_scan(house["camera"].tag)
    service.new_note.setText("Sensor clean")
    assert service.open_ticket()
    assert [t.tag for t in service.tickets.records_model.records()] == [house["camera"].tag]

    checkin = CheckinPage(context)
    qtbot.addWidget(checkin)
    checkin.refresh()
    assert checkin.out_count == 0
