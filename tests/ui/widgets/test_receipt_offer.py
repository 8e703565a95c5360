"""The return receipt offered on the check-in page after a check-in."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from gearroom.services import catalog, checkout, checkout_cart, people, productions
from gearroom.services.catalog import AssetDraft
from gearroom.ui.pages.checkin import CheckinPage


def test_a_receipt_lists_what_came_back_and_what_is_still_out(
    qtbot, context, tmp_path: Path
) -> None:
    def setup(s, a):  # type: ignore[no-untyped-def]
        tags = [
            catalog.create_asset(s, a, AssetDraft(name=f"Lens {i}", category="Lens")).tag
            for i in range(3)
        ]
        person = people.add_person(s, a, "Ana Ribeiro")
        productions.create_production(
            s,
            a,
            "Harbour Lights",
            days=[productions.ShootDayDraft(date.today())],
        )
        cart = checkout_cart.new_cart(s, "Harbour Lights", person.badge)
        for tag in tags:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, a, cart)
        return tags

    tags = context.perform(setup, "checkout")
    page = CheckinPage(context)
    qtbot.addWidget(page)
    assert not page.receipt.button.isEnabled()
    page.handle_scan(tags[0])
    page.handle_scan(tags[1])
    assert page.receipt.button.isEnabled()
    assert page.receipt.button.text() == "Return receipt (2)…"
    written = page.receipt.save(tmp_path / "receipt.pdf")
    assert written is not None
    text = " ".join("".join(p.extract_text() for p in PdfReader(written).pages).split())
    assert tags[0] in text and tags[1] in text and tags[2] in text  # two back, one still out
    assert "Harbour Lights" in text
    assert not page.receipt.button.isEnabled()  # the next receipt starts afresh
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(written), str(tmp_path / "r")],
        check=False,
    )
