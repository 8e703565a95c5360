"""The Models page (serials, their state, a two-week strip) and booking a quantity of a model
from the reservation dialog."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from gearroom.services import catalog, model_bookings, productions
from gearroom.services.catalog import AssetDraft
from gearroom.ui.dialogs.reservation import ReservationDialog
from gearroom.ui.pages.models import ModelsPage

NAME = "ARRI Alexa Mini LF"


def _house(context) -> list[str]:  # type: ignore[no-untyped-def]
    def add(s, a):  # type: ignore[no-untyped-def]
        tags = [
            catalog.create_asset(
                s,
                a,
                AssetDraft(
                    name="Alexa Mini LF",
                    category="Camera",
                    make="ARRI",
                    model="Alexa Mini LF",
                    serial=f"AML-{i}",
                ),
            ).tag
            for i in range(3)
        ]
        catalog.set_status(s, a, tags[2], "in_service", "sensor clean")
        today = date.today()
        productions.create_production(
            s,
            a,
            "Harbour Lights",
            days=[productions.ShootDayDraft(today + timedelta(days=i)) for i in range(3)],
        )
        return tags

    return context.perform(add, "asset")


def test_a_model_shows_its_serials_and_free_days(qtbot, context, tmp_path: Path) -> None:
    tags = _house(context)
    page = ModelsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert [m.name for m in page.list.records_model.records()] == [NAME]
    page.show_model(NAME)
    assert [s.tag for s in page.serials.records_model.records()] == tags
    states = [s.status.value for s in page.serials.records_model.records()]
    assert states == ["available", "available", "in_service"]
    cells = page.strip.cells()
    assert len(cells) == 14 and cells[0] == "2/2"
    page.resize(1100, 600)
    page.grab().save(str(tmp_path / "models.png"))


def test_book_two_of_a_model_from_the_reservation_dialog(qtbot, context) -> None:
    _house(context)
    view = context.query(lambda s: productions.get_production(s, "Harbour Lights"))
    dialog = ReservationDialog(context, view)
    qtbot.addWidget(dialog)
    assert dialog.models.choose(NAME)
    dialog.models.quantity.setValue(2)
    dialog.models.add()
    assert dialog.gear.item(0).text().startswith(f"2 × {NAME}")
    dialog.accept()
    lines = context.query(lambda s: model_bookings.model_lines(s, view.id))
    assert [(ln.quantity) for ln in lines] == [2]
    # A third is refused: only two are bookable; the dialog says so and stays open.
    again = ReservationDialog(context, view)
    qtbot.addWidget(again)
    again.models.choose(NAME)
    again.models.add()
    again.accept()
    assert "Cannot reserve" in again.banner_text()
    assert (
        sum(ln.quantity for ln in context.query(lambda s: model_bookings.model_lines(s, view.id)))
        == 2
    )
