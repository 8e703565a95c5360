"""The return receipt: what came back in what condition, and what is still out."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gearroom.models import ReturnCondition
from gearroom.render.receipt import write_receipt
from gearroom.services import checkout, checkout_cart, receipts, returns
from tests.unit.services._gear import asset, person, production


def test_a_partial_return_lists_what_came_back_and_what_is_still_out(catalog_db, actor, tmp_path):
    with catalog_db.write() as s:
        lenses = [asset(s, actor, f"Prime {n}") for n in range(3)]
        ana = person(s, actor, "Ana Lopez")
        production(s, actor, "Nightfall", 0, 3)
        cart = checkout_cart.new_cart(s, "Nightfall", ana)
        for tag in lenses:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, actor, cart)
        result = returns.checkin(s, actor, [lenses[0]], condition="damaged", note="scratched")
        slip = receipts.return_receipt(result, actor.name)
    assert [(r.tag, r.condition) for r in slip.returned] == [(lenses[0], ReturnCondition.DAMAGED)]
    assert slip.returned[0].ticket_id is not None
    assert [x.tag for x in slip.still_out] == lenses[1:]
    assert slip.productions == ("Nightfall",) and slip.custodians == ("Ana Lopez",)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) reads the PDF back")
    path = write_receipt(slip, tmp_path / "receipt.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Came back (1)" in text and "Still out (2)" in text and "damaged" in text
    assert text.index(lenses[1]) > text.index("Still out")
