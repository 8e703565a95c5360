"""Reading a rate card: the target's own card and the rate it falls back on."""

from __future__ import annotations

import pytest

from gearroom.models import Role
from gearroom.services import rates
from gearroom.services.actor import Actor, PermissionDenied
from gearroom.services.catalog import AssetDraft, create_asset
from tests.unit.services._money import priced_house


def test_rate_cards_as_the_item_pages_read_them(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        cam = rates.rate_card(s, actor, tag=h.cam)
        assert cam.own is None and cam.effective is not None
        assert (f"{cam.effective.day}", cam.effective.source) == ("400.00", "category Camera")
        assert cam.model == "Camera/Alexa 35" and cam.currency == "EUR"
        lens = rates.rate_card(s, actor, tag=h.lenses[0])
        assert lens.effective is not None and lens.effective.source == "model"
        assert lens.model is not None
        model = rates.rate_card(s, actor, model=lens.model)
        assert model.own is not None and f"{model.own.day}" == "50.00"
        case = rates.rate_card(s, actor, tag=h.case)
        assert case.own is not None and case.target == f"kit {h.case}"
        batt = rates.rate_card(s, actor, tag=h.batt)
        assert batt.own is not None and f"{batt.own.sale}" == "30.00"
        bare = create_asset(s, actor, AssetDraft(name="Dolly", category="Grip")).tag
        nothing = rates.rate_card(s, actor, tag=bare)
        assert (nothing.own, nothing.effective) == (None, None)
        with pytest.raises(PermissionDenied):
            rates.rate_card(s, Actor("ash", Role.ASSISTANT), tag=h.cam)
