from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import AssetStatus, Event
from gearroom.services import asset_search, catalog, history
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.asset_search import AssetQuery
from gearroom.services.catalog import AssetDraft


def _add(db, actor, **kw):
    draft = AssetDraft(**{"name": "RED V-Raptor 8K VV", "category": "Camera", **kw})
    with db.write() as s:
        return catalog.create_asset(s, actor, draft)


def test_new_tags_come_from_the_category_prefix(catalog_db, actor):
    first = _add(catalog_db, actor)
    second = _add(catalog_db, actor, name="Sony FX6")
    lens = _add(catalog_db, actor, name="DZO Vespid 50mm", category="Lens")
    assert (first.tag, second.tag, lens.tag) == ("CAM-0001", "CAM-0002", "LNS-0001")


def test_imported_tag_is_kept_and_normalised(catalog_db, actor):
    view = _add(catalog_db, actor, tag="  cam-0042 ")
    assert view.tag == "CAM-0042"
    # the counter skips tags that are taken
    with catalog_db.write() as s:
        s.execute(select(1))
    assert _add(catalog_db, actor).tag == "CAM-0001"


@pytest.mark.parametrize("bad", ["CAM 42", "CAM_42", "-CAM", "ÄRRI-1", "X" * 33, ""])
def test_bad_tags_are_refused_with_a_reason(catalog_db, actor, bad):
    with pytest.raises(ValidationError) as err:
        _add(catalog_db, actor, tag=bad or " ")
    assert err.value.field == "tag"


def test_tag_unique_across_everything(catalog_db, actor):
    with catalog_db.write() as s:
        from gearroom.services import people

        people.add_person(s, actor, "Ana AC", badge="CAM-0007")
    with pytest.raises(ConflictError, match="already used by person CAM-0007"):
        _add(catalog_db, actor, tag="CAM-0007")
    with catalog_db.read() as s:
        assert asset_search.list_assets(s) == []


def test_create_records_history_in_the_same_transaction(catalog_db, actor):
    view = _add(
        catalog_db, actor, serial="VR-1234", purchase_value="58000", purchase_date="2024-03-01"
    )
    assert view.purchase_value == Decimal("58000.00")
    assert view.purchase_date == date(2024, 3, 1)
    with catalog_db.read() as s:
        events = history.events_for_tag(s, view.tag)
    assert [e.action for e in events] == ["create"]
    assert events[0].operator == "tester"
    assert events[0].after["serial"] == "VR-1234"


def test_edit_keeps_before_and_after(catalog_db, actor):
    view = _add(catalog_db, actor)
    with catalog_db.write() as s:
        catalog.update_asset(s, actor, view.tag, {"serial": "NEW-1", "location": "Shelf A1"})
    with catalog_db.read() as s:
        latest = history.events_for_tag(s, view.tag)[0]
        assert catalog.get_asset(s, view.tag).location == "Shelf A1"
    assert latest.action == "edit"
    assert latest.before == {"location": None, "serial": ""}
    assert latest.after == {"location": "Shelf A1", "serial": "NEW-1"}


def test_edit_with_no_change_writes_no_event(catalog_db, actor):
    view = _add(catalog_db, actor)
    with catalog_db.write() as s:
        catalog.update_asset(s, actor, view.tag, {"name": view.name})
    with catalog_db.read() as s:
        assert len(history.events_for_tag(s, view.tag)) == 1


def test_retag_moves_the_registry_entry(catalog_db, actor):
    view = _add(catalog_db, actor)
    with catalog_db.write() as s:
        catalog.update_asset(s, actor, view.tag, {"tag": "cam-9000"})
    from gearroom.services import resolver

    with catalog_db.read() as s:
        assert resolver.resolve(s, "CAM-9000").id == view.id
        with pytest.raises(NotFoundError):
            resolver.resolve(s, view.tag)


def test_failed_edit_changes_nothing(catalog_db, actor):
    view = _add(catalog_db, actor)
    with pytest.raises(ValidationError), catalog_db.write() as s:
        catalog.update_asset(s, actor, view.tag, {"serial": "OK", "purchase_value": "lots"})
    with catalog_db.read() as s:
        assert catalog.get_asset(s, view.tag).serial == ""
        assert s.scalar(select(func.count()).select_from(Event)) == len(
            s.scalars(select(Event)).all()
        )
        assert len(history.events_for_tag(s, view.tag)) == 1


def test_category_attributes_are_typed(catalog_db, actor):
    lens = _add(
        catalog_db,
        actor,
        name="Cooke S4/i 32mm",
        category="Lens",
        attributes={"mount": "PL", "focal_length": "32", "max_aperture": "2.0"},
    )
    assert lens.attributes == {"mount": "PL", "focal_length": "32", "max_aperture": 2.0}
    with pytest.raises(ValidationError, match="Battery cycles must be a whole number"):
        _add(
            catalog_db,
            actor,
            name="DJI TB51",
            category="Drone",
            attributes={"battery_cycles": "many"},
        )
    with pytest.raises(ValidationError, match="no field 'colour'"):
        _add(catalog_db, actor, name="Alexa 35", attributes={"colour": "red"})


def test_retire_and_status_rules(catalog_db, actor):
    view = _add(catalog_db, actor)
    with pytest.raises(ValidationError, match="Reason is required"), catalog_db.write() as s:
        catalog.retire_asset(s, actor, view.tag, "  ")
    with catalog_db.write() as s:
        assert catalog.retire_asset(s, actor, view.tag, "sold").status is AssetStatus.RETIRED
    with pytest.raises(ConflictError, match="retired"), catalog_db.write() as s:
        catalog.update_asset(s, actor, view.tag, {"name": "x"})
    with catalog_db.read() as s:
        assert [e.action for e in history.events_for_tag(s, view.tag)] == ["retire", "create"]


def test_search_matches_every_word_across_fields(catalog_db, actor):
    _add(catalog_db, actor, name="RED V-Raptor 8K VV", make="RED", serial="VR-0001")
    _add(catalog_db, actor, name="DZO Vespid Prime 50mm", category="Lens", make="DZO")
    _add(
        catalog_db,
        actor,
        name="DZO Vespid Prime 75mm",
        category="Lens",
        make="DZO",
        serial="VP75-1",
    )
    with catalog_db.read() as s:
        assert [r.name for r in asset_search.list_assets(s, AssetQuery(text="vespid 75"))] == [
            "DZO Vespid Prime 75mm"
        ]
        assert len(asset_search.list_assets(s, AssetQuery(text="vr-00"))) == 1
        assert asset_search.list_assets(s, AssetQuery(text="100%")) == []
        lens = catalog.get_category(s, "lens")
        ids = asset_search.find_asset_ids(s, AssetQuery(category_id=lens.id))
        assert [r.tag for r in asset_search.asset_rows(s, ids)] == ["LNS-0001", "LNS-0002"]


def test_unknown_category_lists_known_ones(catalog_db, actor):
    with pytest.raises(NotFoundError, match=r"Known categories: .*Camera"):
        _add(catalog_db, actor, category="Spaceship")


def test_assistant_cannot_edit_catalog(catalog_db):
    with pytest.raises(PermissionDenied, match="may not add items"):
        _add(catalog_db, Actor("ana", Role.ASSISTANT))


@pytest.mark.parametrize("name", ["", "a" * 201, "bad\x00name", "line\x07"])
def test_bad_names_refused(catalog_db, actor, name):
    with pytest.raises(ValidationError):
        _add(catalog_db, actor, name=name)
