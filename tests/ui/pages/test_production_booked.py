"""The booked-gear rows of the productions page: model lines beside reservations, each row
keyed apart, named in questions as a person reads them."""

from __future__ import annotations

from datetime import date

from gearroom.services.model_bookings import ModelLine
from gearroom.services.reservations import ReservationView
from gearroom.ui.pages.production_booked import booked_rows, spec_of

START, END = date(2026, 12, 1), date(2026, 12, 4)


def _reservation(rid: int, kind: str, tag: str, qty: int = 1) -> ReservationView:
    return ReservationView(
        rid, 1, "Nightfall", kind, rid, tag, f"Item {tag}", qty, None, START, END, ""
    )


def test_model_lines_come_first_and_no_two_rows_share_a_key() -> None:
    line = ModelLine(7, 1, "Nightfall", 3, "ARRI Alexa Mini LF", "Camera", 2, START, END, "")
    # A reservation with the same id as the model line: the keys still differ.
    rows = booked_rows(
        [_reservation(7, "asset", "LNS-0001"), _reservation(8, "stock", "PWR-0001", 4)], [line]
    )
    assert [r.kind for r in rows] == ["model", "asset", "stock"]
    assert len({r.key for r in rows}) == 3
    assert rows[0].line_id == 7 and rows[1].line_id is None
    assert rows[0].label == "2 × ARRI Alexa Mini LF (any serial)"
    assert rows[1].label == "LNS-0001  Item LNS-0001"
    assert rows[2].label == "PWR-0001  Item PWR-0001 × 4"
    assert [spec_of(r) for r in rows[1:]] == ["LNS-0001", "PWR-0001:4"]
