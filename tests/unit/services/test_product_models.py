"""Models: created with the assets that name them, followed by edits, looked up by name."""

from __future__ import annotations

import pytest

from gearroom.errors import NotFoundError, ValidationError
from gearroom.services import catalog, product_models
from gearroom.services.catalog import AssetDraft


def _add(s, actor, name, category="Camera", **kw):
    return catalog.create_asset(s, actor, AssetDraft(name=name, category=category, **kw)).tag


def test_assets_create_their_model_and_edits_move_them(catalog_db, actor):
    with catalog_db.write() as s:
        a = _add(s, actor, "Body 1", make="ARRI", model="Alexa Mini LF")
        _add(s, actor, "Body 2", make="arri", model="ALEXA MINI LF")
        _add(s, actor, "Venice", make="Sony", model="Venice 2")
        _add(s, actor, "Gaffer tape")  # no make or model: the name is the model
        _add(s, actor, "LF lens mount", category="Lens", make="ARRI", model="Alexa Mini LF")
    with catalog_db.read() as s:
        rows = [(m.category, m.name, m.serials) for m in product_models.list_models(s)]
        assert rows == [
            ("Camera", "ARRI Alexa Mini LF", 2),
            ("Camera", "Gaffer tape", 1),
            ("Camera", "Sony Venice 2", 1),
            ("Lens", "ARRI Alexa Mini LF", 1),
        ]
        with pytest.raises(ValidationError, match="say which: Camera/ARRI Alexa Mini LF"):
            product_models.model_by_key(s, "ARRI Alexa Mini LF")
    with catalog_db.write() as s:
        catalog.update_asset(s, actor, a, {"model": "Venice 2", "make": "Sony"})
    with catalog_db.read() as s:
        venice = product_models.show_model(s, "camera/SONY venice 2")
        assert [x.tag for x in venice.serials] == ["CAM-0001", "CAM-0003"]
        assert [d.free for d in venice.strip.days] == [2] * 14
        with pytest.raises(NotFoundError, match="Did you mean"):
            product_models.model_by_key(s, "Venice")
