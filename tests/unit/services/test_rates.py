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


def test_the_tax_rate_comes_from_the_most_specific_card_that_names_one(catalog_db, actor):
    from gearroom.errors import ConflictError, NotFoundError
    from gearroom.services import pricing

    with catalog_db.write() as s:
        h = priced_house(s, actor, tax="19")
        pricing.set_rules(s, actor, tax_rates={"Reduced": "7", "zero": "0"})
        with pytest.raises(NotFoundError, match="no tax rate 'half'"):
            rates.set_rate(s, actor, category="Lens", day="10", tax_rate="half")
        rates.set_rate(s, actor, category="Lens", day="10", tax_rate="reduced")
        lens = rates.rate_card(s, actor, tag=h.lenses[0]).effective
        # the day rate is the model's (50.00), the tax rate the category's: no model card names one
        assert lens is not None and (f"{lens.day}", lens.tax_rate) == ("50.00", "reduced")
        rates.set_rate(s, actor, model="Zeiss Prime 25", day="50", tax_rate="zero")
        lens = rates.rate_card(s, actor, tag=h.lenses[0]).effective
        assert lens is not None and lens.tax_rate == "zero"
        cam = rates.rate_card(s, actor, tag=h.cam).effective
        assert cam is not None and cam.tax_rate is None
        rules = pricing.load_rules(s)
        assert rules.tax_for(None, "hire") == ("standard", 19)
        assert rules.tax_for("zero", "hire") == ("zero", 0)
        assert rules.tax_for("gone", "hire") == ("standard", 19)  # a removed rate falls back
        rules = pricing.set_rules(s, actor, line_tax={"loss": "zero", "sale": "standard"})
        assert rules.line_tax == {"loss": "zero"}
        assert rules.tax_for(None, "loss") == ("zero", 0)
        assert rules.tax_for("reduced", "loss") == ("reduced", 7)  # the card wins over the kind
        with pytest.raises(ConflictError, match="named by a rate card"):
            pricing.set_rules(s, actor, tax_rates={"reduced": None})
        with pytest.raises(ConflictError, match="named by a rate card"):
            pricing.set_rules(s, actor, tax_rates={"zero": None})
        with pytest.raises(Exception, match="standard rate is set with"):
            pricing.set_rules(s, actor, tax_rates={"standard": "5"})
    with catalog_db.write() as s, pytest.raises(PermissionDenied):
        pricing.set_rules(s, Actor("desk", Role.STAFF), tax_rates={"super": "2"})
