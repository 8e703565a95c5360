from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Event
from gearroom.services import history, resolver, stock
from gearroom.services.actor import Actor, PermissionDenied, Role


def _create(db, actor, name="V-Mount Battery 98Wh", category="Power", quantity=40, **kw):
    with db.write() as s:
        return stock.create_stock_item(s, actor, name, category, quantity, **kw)


def _events(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def test_create_takes_the_category_prefix_and_records_history(catalog_db, actor):
    item = _create(catalog_db, actor, location="Shelf A1")
    tape = _create(catalog_db, actor, "Gaffer Tape 2 in", "Grip", 48, unit="rolls")
    assert (item.tag, item.quantity, item.unit) == ("PWR-0001", 40, "pcs")
    assert item.location == "Shelf A1"
    assert (tape.tag, tape.unit) == ("GRP-0001", "rolls")
    with catalog_db.read() as s:
        (event,) = history.events_for_tag(s, item.tag)
        assert resolver.resolve(s, "pwr-0001").label == "V-Mount Battery 98Wh"
    assert event.action == "create"
    assert event.after is not None and event.after["quantity"] == 40


def test_a_given_tag_is_kept(catalog_db, actor):
    assert _create(catalog_db, actor, tag=" sdi-3m ").tag == "SDI-3M"


def test_duplicate_names_are_refused_whatever_the_case(catalog_db, actor):
    _create(catalog_db, actor)
    with pytest.raises(ConflictError, match="adjust its quantity"):
        _create(catalog_db, actor, "v-mount battery 98wh")


@pytest.mark.parametrize("quantity", [-1, "-5", "lots", "1.5"])
def test_bad_quantities_are_refused_on_create(catalog_db, actor, quantity):
    before = _events(catalog_db)
    with pytest.raises(ValidationError) as err:
        _create(catalog_db, actor, quantity=quantity)
    assert err.value.field == "quantity"
    with catalog_db.read() as s:
        assert stock.list_stock_items(s) == []
    assert _events(catalog_db) == before


def test_zero_is_a_quantity(catalog_db, actor):
    assert _create(catalog_db, actor, quantity=0).quantity == 0


def test_edit_after_a_stock_take_keeps_before_and_after(catalog_db, actor):
    item = _create(catalog_db, actor)
    with catalog_db.write() as s:
        view = stock.update_stock_item(
            s, actor, item.tag, {"quantity": "38", "location": "Prep Bay 1", "notes": "2 swollen"}
        )
    assert (view.quantity, view.location) == (38, "Prep Bay 1")
    with catalog_db.read() as s:
        latest = history.events_for_tag(s, item.tag)[0]
    assert latest.action == "edit"
    assert latest.before == {"location": None, "notes": "", "quantity": 40}
    assert latest.after == {"location": "Prep Bay 1", "notes": "2 swollen", "quantity": 38}


def test_edit_without_a_change_writes_nothing(catalog_db, actor):
    item = _create(catalog_db, actor)
    before = _events(catalog_db)
    with catalog_db.write() as s:
        stock.update_stock_item(s, actor, item.tag, {"quantity": 40})
    assert _events(catalog_db) == before


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"quantity": -1}, ValidationError),
        ({"quantity": "x"}, ValidationError),
        ({"name": ""}, ValidationError),
        ({"colour": "red"}, ValidationError),
        ({"category": "Spaceship"}, NotFoundError),
        ({"location": "Mars"}, NotFoundError),
    ],
)
def test_a_bad_edit_changes_nothing(catalog_db, actor, changes, error):
    item = _create(catalog_db, actor)
    before = _events(catalog_db)
    with pytest.raises(error), catalog_db.write() as s:
        stock.update_stock_item(s, actor, item.tag, {"notes": "changed", **changes})
    with catalog_db.read() as s:
        assert stock.get_stock_item(s, item.tag) == item
    assert _events(catalog_db) == before


def test_retag_moves_the_registry_entry(catalog_db, actor):
    item = _create(catalog_db, actor)
    with catalog_db.write() as s:
        stock.update_stock_item(s, actor, item.tag, {"tag": "vm-98"})
    with catalog_db.read() as s:
        assert resolver.resolve(s, "VM-98").id == item.id
        with pytest.raises(NotFoundError):
            resolver.resolve(s, item.tag)


def test_retire_needs_a_reason_then_hides_and_freezes_the_item(catalog_db, actor):
    item = _create(catalog_db, actor)
    with pytest.raises(ValidationError, match="Reason is required"), catalog_db.write() as s:
        stock.retire_stock_item(s, actor, item.tag, " ")
    with catalog_db.write() as s:
        assert stock.retire_stock_item(s, actor, item.tag, "replaced by 150Wh").retired
    with catalog_db.read() as s:
        assert stock.list_stock_items(s) == []
        assert [i.tag for i in stock.list_stock_items(s, include_retired=True)] == [item.tag]
        events = history.events_for_tag(s, item.tag)
    assert [e.action for e in events] == ["retire", "create"]
    assert events[0].after == {"retired": True, "reason": "replaced by 150Wh"}
    with pytest.raises(ConflictError, match="retired already"), catalog_db.write() as s:
        stock.retire_stock_item(s, actor, item.tag, "again")
    with pytest.raises(ConflictError, match="cannot be edited"), catalog_db.write() as s:
        stock.update_stock_item(s, actor, item.tag, {"quantity": 1})


def test_unknown_stock_tag(catalog_db):
    with catalog_db.read() as s, pytest.raises(NotFoundError, match="PWR-0404"):
        stock.get_stock_item(s, "pwr-0404")


def test_list_is_sorted_by_name(catalog_db, actor):
    _create(catalog_db, actor, "XLR Cable 3 m", "Audio", 30)
    _create(catalog_db, actor, "BNC Barrel", "Monitoring", 50)
    with catalog_db.read() as s:
        assert [i.name for i in stock.list_stock_items(s)] == ["BNC Barrel", "XLR Cable 3 m"]


def test_assistants_cannot_add_stock(catalog_db):
    with pytest.raises(PermissionDenied):
        _create(catalog_db, Actor("ana", Role.ASSISTANT))
