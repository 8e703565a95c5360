"""People at the counter: badge, phone and e-mail edits; what a person has out; history."""

from __future__ import annotations

import pytest

from gearroom.errors import ValidationError
from gearroom.services import checkout, checkout_cart, crew, resolver, returns
from tests.unit.services._gear import asset, person, production


def test_edit_badge_phone_and_email_and_see_what_is_out(catalog_db, actor):
    with catalog_db.write() as s:
        lenses = [asset(s, actor, f"Prime {n}") for n in range(2)]
        ana = person(s, actor, "Ana Lopez")
        production(s, actor, "Nightfall", 0, 3)
        view = crew.edit_person(
            s, actor, ana, badge="p-0777", phone="+1 (555) 010-2030", email="ana@example.com"
        )
        assert (view.badge, view.phone, view.email) == (
            "P-0777",
            "+1 (555) 010-2030",
            "ana@example.com",
        )
        cart = checkout_cart.new_cart(s, "Nightfall", "P-0777")
        for tag in lenses:
            cart = checkout_cart.scan_into_cart(s, cart, tag).cart
        checkout.commit_checkout(s, actor, cart)
        returns.checkin(s, actor, [lenses[0]])
    with catalog_db.read() as s:
        assert resolver.resolve(s, "p-0777").kind.value == "person"
        desk = crew.person_desk(s, "ana lopez")
        assert [ln.tag for ln in desk.out] == [lenses[1]]
        (signed,) = desk.signed_for
        assert (signed.lines, signed.still_out) == (2, 1)
        assert any("badge" in e.summary for e in desk.history)


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "ana@"), ("email", "two@@x.org"), ("phone", "call me"), ("badge", "P 1")],
)
def test_bad_contact_details_are_refused(catalog_db, actor, field, value):
    with catalog_db.write() as s:
        ana = person(s, actor, "Ana Lopez")
    with pytest.raises(ValidationError), catalog_db.write() as s:
        crew.edit_person(s, actor, ana, **{field: value})
