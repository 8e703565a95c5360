"""The production and check-out sheets, read back: text with pypdf, the QR with zxing-cpp."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from gearroom.render.sheets import write_checkout_sheet, write_production_sheet
from gearroom.services import checkout, checkout_cart, checkout_out, reservations
from gearroom.services.labels import Rect
from gearroom.services.production_sheet import production_sheet_data
from gearroom.ui.context import AppContext
from tests.render.decode import ANTIALIAS, DPIS, decode, pdftoppm, render_pdf, unread
from tests.ui.pages.desk_data import Desk, build_desk

HOUSE = "Northern Lights Rentals"


def _pages(path: Path) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(path)
    return reader, [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]


@pytest.fixture
def booked(context: AppContext) -> tuple[Desk, int]:
    """A 44-item package reserved and checked out; the check-out's id."""
    desk = build_desk(context, loose_items=40, kit_items=4)

    def book(s, a):  # type: ignore[no-untyped-def]
        reservations.reserve(s, a, desk.production, [*desk.loose, desk.kit, (desk.battery, 4)])
        cart = checkout_cart.new_cart(s, desk.production, desk.badge)
        for tag in [*desk.loose, *desk.kit_members, f"{desk.battery}:4"]:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        return checkout.commit_checkout(s, a, cart).id

    return desk, context.perform(book, "checkout")


@pytest.mark.parametrize(("size", "points"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_checkout_sheet_lists_every_line_with_serial_custodian_and_pages(
    context: AppContext,
    booked: tuple[Desk, int],
    tmp_path: Path,
    size: str,
    points: tuple[int, int],
) -> None:
    desk, checkout_id = booked
    data = context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id))
    path = write_checkout_sheet(data, tmp_path / "co.pdf", house_name=HOUSE, page_size=size)
    reader, pages = _pages(path)
    assert len(pages) >= 2  # 45 lines do not fit one page
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
    for number, text in enumerate(pages, start=1):
        assert HOUSE in text
        assert f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    for line in data.lines:
        assert line.tag in whole
        if line.serial:
            assert line.serial in whole
    assert "ZSP-038" in whole and "S4-003" in whole
    assert f"{desk.custodian} (badge {desk.badge})" in whole
    assert f"Signed for by {desk.custodian}" in pages[-1]
    assert "Signature" in pages[-1]


def test_production_sheet_has_days_gear_and_a_qr_that_scans(
    context: AppContext, booked: tuple[Desk, int], tmp_path: Path, qapp
) -> None:
    desk = booked[0]
    data = context.query(lambda s: production_sheet_data(s, desk.production_id))
    path = write_production_sheet(data, tmp_path / "prod.pdf", house_name=HOUSE)
    _reader, pages = _pages(path)
    whole = " ".join(pages)
    assert desk.production_name in whole and desk.production in whole
    for kind in ("prep", "shoot", "wrap"):
        assert kind in whole
    assert "Union Station" in whole
    for tag in [*desk.loose, *desk.kit_members, desk.battery]:
        assert tag in whole
    assert "ZSP-000" in whole
    assert all(f"Page {n} of {len(pages)}" in t for n, t in enumerate(pages, start=1))
    first = render_pdf(path, dpi=200)[0]
    found = decode(first, 200)
    assert [f.text for f in found if f.format == "QRCode"] == [desk.production]


@pytest.mark.slow
def test_both_sheets_qr_codes_read_at_every_resolution(
    context: AppContext, booked: tuple[Desk, int], tmp_path: Path, qapp
) -> None:
    """The production and check-out sheets' QR codes read with zxing-cpp and zbar (and OpenCV)
    at 150–600 dpi, anti-aliased or not, in the corner where they are printed."""
    desk, checkout_id = booked
    production = context.query(lambda s: production_sheet_data(s, desk.production_id))
    out = context.query(lambda s: checkout_out.checkout_sheet(s, checkout_id))
    sheets = [
        write_production_sheet(production, tmp_path / "prod.pdf", house_name=HOUSE),
        write_checkout_sheet(out, tmp_path / "co.pdf", house_name=HOUSE, page_size="letter"),
    ]
    failures = []
    for path in sheets:
        for dpi in DPIS:
            for antialias in ANTIALIAS:
                first = pdftoppm(path, dpi, antialias, tmp_path)[0]
                width_mm = first.width / dpi * 25.4
                # The code sits in the top right corner, under the header.
                corner = Rect(width_mm - 60, 0, 60, 70)
                missed = unread(first, corner, dpi, desk.production)
                if missed:
                    failures.append((path.name, dpi, antialias, missed))
    assert failures == []
