from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Event, KitAsset, KitStock
from gearroom.services import catalog, history, kits, people, stock
from gearroom.services.catalog import AssetDraft


def _asset(s, actor, name, category="Lens") -> str:
    return catalog.create_asset(s, actor, AssetDraft(name, category)).tag


@pytest.fixture
def package(catalog_db, actor):
    """A camera package holding a lens case (two lenses), a body and batteries."""
    with catalog_db.write() as s:
        body = _asset(s, actor, "RED V-Raptor 8K VV", "Camera")
        l25 = _asset(s, actor, "DZO Vespid Prime 25mm")
        l50 = _asset(s, actor, "DZO Vespid Prime 50mm")
        vmount = stock.create_stock_item(s, actor, "V-Mount 98Wh", "Power", 40).tag
        sdi = stock.create_stock_item(s, actor, "SDI Cable 1.5 m", "Monitoring", 60).tag
        pkg = kits.create_kit(s, actor, "RED V-Raptor Camera Package", location="Shelf A1").tag
        case = kits.create_kit(s, actor, "DZO Vespid Prime Case", parent=pkg).tag
        kits.add_many_to_kit(s, actor, case, [(l25, 1), (l50, 1), (vmount, 2)])
        kits.add_many_to_kit(s, actor, pkg, [(body, 1), (vmount, 4), (sdi, 3)])
    return {
        "db": catalog_db,
        "pkg": pkg,
        "case": case,
        "body": body,
        "l25": l25,
        "l50": l50,
        "vmount": vmount,
        "sdi": sdi,
    }


def _events(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def test_kit_tags_come_from_the_kit_prefix(package):
    assert (package["pkg"], package["case"]) == ("KIT-0001", "KIT-0002")


def test_nested_view_and_recursive_contents(package):
    with package["db"].read() as s:
        view = kits.get_kit(s, package["pkg"].lower())
        case = kits.get_kit(s, package["case"])
    assert view.location == "Shelf A1"
    assert [a.tag for a in view.assets] == [package["body"]]
    assert [k.tag for k in view.kits] == [package["case"]]
    assert case.parent_tag == package["pkg"]
    assert [a.tag for a in view.all_assets()] == [package["body"], package["l25"], package["l50"]]
    # stock in the package and in the case inside it add up
    assert view.all_stock() == {package["vmount"]: 6, package["sdi"]: 3}
    assert case.all_stock() == {package["vmount"]: 2}


def test_list_kits_counts_own_assets_and_names_the_parent(package):
    with package["db"].read() as s:
        rows = {r.tag: r for r in kits.list_kits(s)}
        link = kits.kit_of_asset(s, catalog.get_asset(s, package["l25"]).id)
    assert rows[package["pkg"]].asset_count == 1
    assert rows[package["case"]].asset_count == 2
    assert rows[package["case"]].parent_tag == package["pkg"]
    assert link is not None and link.tag == package["case"]


def test_adding_the_same_stock_again_adds_up(package, actor):
    with package["db"].write() as s:
        view = kits.add_to_kit(s, actor, package["pkg"], package["sdi"], 2)
    assert {m.tag: m.quantity for m in view.stock}[package["sdi"]] == 5


@pytest.mark.parametrize("qty", [0, -1])
def test_stock_quantity_must_be_positive(package, actor, qty):
    before = _events(package["db"])
    with pytest.raises(ValidationError, match="at least 1"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package["pkg"], package["sdi"], qty)
    assert _events(package["db"]) == before


@pytest.mark.parametrize("inner, outer", [("pkg", "case"), ("pkg", "pkg"), ("case", "case")])
def test_a_kit_cannot_go_inside_itself(package, actor, inner, outer):
    before = _events(package["db"])
    with pytest.raises(ConflictError, match="loop"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package[outer], package[inner])
    with package["db"].read() as s:
        assert kits.get_kit(s, package["pkg"]).parent_tag is None
        assert kits.get_kit(s, package["case"]).parent_tag == package["pkg"]
    assert _events(package["db"]) == before


def test_a_kit_inside_another_must_be_taken_out_first(package, actor):
    with package["db"].write() as s:
        other = kits.create_kit(s, actor, "Second package").tag
    with pytest.raises(ConflictError, match=f"inside {package['pkg']}"), package["db"].write() as s:
        kits.add_to_kit(s, actor, other, package["case"])


def test_an_asset_belongs_to_one_kit_only(package, actor):
    with package["db"].write() as s:
        other = kits.create_kit(s, actor, "Lens case B").tag
    before = _events(package["db"])
    with (
        pytest.raises(ConflictError, match=rf"in kit {package['case']} \(DZO Vespid Prime Case\)"),
        package["db"].write() as s,
    ):
        kits.add_to_kit(s, actor, other, package["l25"])
    with pytest.raises(ConflictError, match="already"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package["case"], package["l25"])
    with package["db"].read() as s:
        assert kits.get_kit(s, other).assets == ()
        assert s.scalar(select(func.count()).select_from(KitAsset)) == 3
    assert _events(package["db"]) == before


def test_a_failing_member_rolls_back_the_whole_batch(package, actor):
    with package["db"].write() as s:
        spare = _asset(s, actor, "DZO Vespid Prime 75mm")
        other = kits.create_kit(s, actor, "Lens case B").tag
    before = _events(package["db"])
    with pytest.raises(ConflictError), package["db"].write() as s:
        kits.add_many_to_kit(s, actor, other, [(spare, 1), (package["l50"], 1)])
    with package["db"].read() as s:
        assert kits.get_kit(s, other).assets == ()
        assert catalog.get_asset(s, spare).kit_tag is None
    assert _events(package["db"]) == before


def test_people_places_and_unknown_tags_do_not_go_in_kits(package, actor):
    with package["db"].write() as s:
        badge = people.add_person(s, actor, "Ana Ribeiro").badge
    with pytest.raises(ValidationError, match="only items and kits"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package["pkg"], badge)
    with pytest.raises(NotFoundError, match="NOPE-1"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package["pkg"], "nope-1")
    with pytest.raises(NotFoundError, match="No kit"), package["db"].write() as s:
        kits.add_to_kit(s, actor, "KIT-9999", package["l25"])


def test_retired_assets_cannot_join(package, actor):
    with package["db"].write() as s:
        old = _asset(s, actor, "Old zoom")
        catalog.retire_asset(s, actor, old, "sold")
    with pytest.raises(ConflictError, match="retired"), package["db"].write() as s:
        kits.add_to_kit(s, actor, package["pkg"], old)


def test_remove_each_kind_of_member_with_history(package, actor):
    with package["db"].write() as s:
        kits.remove_from_kit(s, actor, package["case"], package["l25"])
        kits.remove_from_kit(s, actor, package["pkg"], package["sdi"].lower())
        view = kits.remove_from_kit(s, actor, package["pkg"], package["case"])
    assert view.kits == () and view.all_stock() == {package["vmount"]: 4}
    with package["db"].read() as s:
        case = kits.get_kit(s, package["case"])
        assert case.parent_tag is None
        assert [a.tag for a in case.assets] == [package["l50"]]
        assert catalog.get_asset(s, package["l25"]).kit_tag is None
        assert s.scalar(select(func.count()).select_from(KitStock)) == 2
        removed = [e for e in history.events_for_tag(s, package["pkg"]) if e.action == "kit_remove"]
        assert {e.before["member"] for e in removed if e.before} == {
            package["sdi"],
            package["case"],
        }
    # the lens is free again
    with package["db"].write() as s:
        kits.add_to_kit(s, actor, package["pkg"], package["l25"])


def test_removing_something_not_in_the_kit_is_refused(package, actor):
    before = _events(package["db"])
    with pytest.raises(NotFoundError, match="not in kit"), package["db"].write() as s:
        kits.remove_from_kit(s, actor, package["pkg"], package["l25"])  # it is in the case
    assert _events(package["db"]) == before


def test_every_member_added_is_in_the_kits_history(package):
    with package["db"].read() as s:
        events = history.events_for_tag(s, package["case"])
    added = [e.after for e in events if e.action == "kit_add"]
    assert {"asset": package["l25"]} in added
    assert {"asset": package["l50"]} in added
    assert {"stock": package["vmount"], "quantity": 2} in added


def test_kits_nest_eight_deep_at_most(catalog_db, actor):
    with catalog_db.write() as s:
        tags = [kits.create_kit(s, actor, f"Level {n}").tag for n in range(9)]
        for outer, inner in itertools.pairwise(tags[:8]):
            kits.add_to_kit(s, actor, outer, inner)
    with pytest.raises(ValidationError, match="8 deep"), catalog_db.write() as s:
        kits.add_to_kit(s, actor, tags[7], tags[8])
