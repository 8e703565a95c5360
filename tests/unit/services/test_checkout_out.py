"""What is out: how many lines are out in the whole house."""

from __future__ import annotations

from gearroom.services import checkout, checkout_cart, checkout_out, returns
from tests.unit.services._gear import asset, day, person, production


def test_open_lines_are_counted_until_they_come_back(catalog_db, actor):
    with catalog_db.write() as s:
        lenses = [asset(s, actor, f"Prime {mm}mm") for mm in (25, 35, 50)]
        ana = person(s, actor)
        production(s, actor, "Alpha", 0, 4)
    with catalog_db.read() as s:
        assert checkout_out.open_line_count(s) == 0
    with catalog_db.write() as s:
        cart = checkout_cart.new_cart(s, "Alpha", ana)
        for tag in lenses:
            cart = checkout_cart.scan_into_cart(s, cart, tag, today=day(0)).cart
        checkout.commit_checkout(s, actor, cart, today=day(0))
    with catalog_db.read() as s:
        assert checkout_out.open_line_count(s) == 3
    with catalog_db.write() as s:
        returns.checkin(s, actor, [lenses[0]])
        returns.checkin(s, actor, [lenses[1]], condition="missing", note="not in the case")
    with catalog_db.read() as s:
        # The missing lens is still out (its line stays open until it is found or written off).
        assert checkout_out.open_line_count(s) == 2
