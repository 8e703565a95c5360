"""New assets of an import are written in batches: a few statements per batch rather than some
fifteen per row, with the same reports, rows, tags and history as written one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from gearroom.models import Asset, Event, ProductModel
from gearroom.services import catalog, history, import_bulk, import_files, importer
from gearroom.services.catalog import AssetDraft, FieldSpec
from gearroom.services.import_files import ImportKind
from gearroom.services.import_rows import RowContext
from gearroom.services.importer import ImportOptions

LENSES_MAPPING = {
    h: h.lower() for h in ("Name", "Category", "Make", "Model", "Serial", "Location", "Notes")
}

MIXED_MAPPING = {
    "Tag": "tag",
    "Name": "name",
    "Category": "category",
    "Make": "make",
    "Model": "model",
    "Serial": "serial",
    "Location": "location",
    "Status": "status",
    "Purchased": "purchase_date",
    "Value": "purchase_value",
    "Cycles": "attr:cycles",
    "Wh": "attr:wh",
    "Custodian": "custodian",
}

# Every kind of row: new ones that go in a batch (generated and given tags, a location found
# by another spelling, attributes, a price), and ones written on their own (a new location,
# a status, a new category, custody, an existing tag), between them.
MIXED = (
    "Tag,Name,Category,Make,Model,Serial,Location,Status,Purchased,Value,Cycles,Wh,Custodian\n"
    ',Alexa,Camera,ARRI,Mini LF,1,Shelf A1,,2021-03-15,"1,200.50",,,\n'
    "LNS-0004,Prime,Lens,Cooke,S4,2,shelf a1,,,,,,\n"
    ",Prime 2,Lens,Cooke,S4,3,New Shelf,lost,,,,,\n"
    ",Prime 3,lens,cooke,s4,4,,,,,,,Ana Costa\n"
    ",Batt,Batteries,IDX,V,5,,,,,12,98.5,\n"
    ",Batt2,BAT,IDX,V,6,,,,,3,4,\n"
    ",Dolly,Grip Stuff,Chapman,Peewee,7,,,,,,,\n"
    ",Gone,Camera,RED,Komodo,8,,retired,,,,,\n"
    "LNS-0005,FX6b,Camera,Sony,FX6,9,,,,,,,\n"
    ",Prime 5,Lens,Cooke,S4,10,new shelf,,,,,,Bob\n"
    ",Named,Lens,,,,,,,,,,\n"
    ",Prime 6,Lens,Cooke,S4 ,12,Shelf A1,,,,,,\n"
)


def _lenses(tmp_path, rows: int) -> import_files.SourceTable:
    lines = ["Name,Category,Make,Model,Serial,Location,Notes"]
    lines += [
        f"Prime {(i % 6 + 1) * 8}mm #{i},Lens,Cooke,S4/i {(i % 6 + 1) * 8}mm,S{i:05d},"
        f"Shelf A1,from the old system"
        for i in range(rows)
    ]
    path = tmp_path / "lenses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_files.read_table(path)


def _table(tmp_path, text: str) -> import_files.SourceTable:
    path = tmp_path / "mixed.csv"
    path.write_text(text, encoding="utf-8")
    return import_files.read_table(path)


@pytest.fixture
def house(catalog_db, actor):
    with catalog_db.write() as s:
        fields = [FieldSpec("cycles", "Cycles", "int"), FieldSpec("wh", "Wh", "float")]
        catalog.create_category(s, actor, "Batteries", "BAT", fields)
        catalog.create_asset(s, actor, AssetDraft("Old lens", "Lens", tag="LNS-0003"))
        catalog.create_asset(s, actor, AssetDraft("FX6", "Camera", tag="CAM-0042", serial="x"))
    return catalog_db


def test_new_assets_cost_a_few_statements_per_batch_not_per_row(house, actor, tmp_path):
    rows = 1200
    table = _lenses(tmp_path, rows)
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(house.engine, "before_cursor_execute", count)
    try:
        with house.write() as s:
            report = importer.run_import(
                s, actor, table, ImportKind.ASSETS, LENSES_MAPPING, commit=True
            )
    finally:
        event.remove(house.engine, "before_cursor_execute", count)
    assert report.committed and report.count("create") == rows
    # batches of BATCH_ROWS rows, each a handful of statements, and a few lookups
    batches = -(-rows // import_bulk.BATCH_ROWS)
    assert statements <= 8 * batches + 20, statements
    with house.read() as s:
        assets = s.scalars(select(Asset).where(Asset.serial.like("S%"))).all()
        models = {m.id: m.name for m in s.scalars(select(ProductModel))}
        names = {models[a.model_id] for a in assets if a.model_id is not None}
        assert len(assets) == rows and all(a.model_id for a in assets)
        assert history.verify_chain(s).ok
    assert names == {f"Cooke S4/i {n * 8}mm" for n in range(1, 7)}
    assert [r.tag for r in report.rows][:2] == ["LNS-0001", "LNS-0002"]
    assert report.rows[2].tag == "LNS-0004"  # LNS-0003 was taken


class _Undo(Exception):
    """Roll the import back once its events are read."""


def _events_of(db, actor, table, mapping, options: ImportOptions) -> tuple[Any, list[Any]]:
    """The import's report and its events (as their content), the database left as it was."""
    captured: dict[str, Any] = {}
    with db.write() as s:
        dry = importer.run_import(s, actor, table, ImportKind.ASSETS, mapping, options)
    with pytest.raises(_Undo), db.write() as s:
        first = history.newest_event_id(s)
        report = importer.run_import(
            s, actor, table, ImportKind.ASSETS, mapping, options, commit=True
        )
        assert dry.rows == report.rows
        events = s.scalars(select(Event).where(Event.id > first).order_by(Event.id)).all()
        ids = {a.tag: a.id for a in s.scalars(select(Asset))}
        for e in events:
            if e.entity_kind == "asset":
                assert e.entity_id == ids[e.entity_tag]
        captured["report"] = report
        captured["events"] = [
            (
                e.id - first,
                e.operator,
                e.action,
                e.entity_kind,
                e.entity_tag,
                e.summary,
                e.before,
                _without_ids(e.after),
            )
            for e in events
        ]
        assert history.verify_chain(s, anchors=[]).ok
        raise _Undo
    return captured["report"], captured["events"]


def _without_ids(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """A payload without the ids a rolled-back PostgreSQL sequence does not give again."""
    if payload is None or "checkout" not in payload:
        return payload
    return {**payload, "checkout": "#"}


def _one_at_a_time(monkeypatch) -> None:
    monkeypatch.setattr(RowContext, "queue_asset", lambda *_args, **_kw: None)


@pytest.mark.parametrize(
    "options",
    [
        ImportOptions(create_categories=True),
        ImportOptions(create_categories=True, custody="checkout"),
        ImportOptions(create_categories=True, update_existing=True, custody="checkout"),
    ],
    ids=["report", "custody", "update"],
)
def test_batches_write_the_same_reports_and_history_as_one_row_at_a_time(
    house, actor, tmp_path, monkeypatch, options
):
    # with updates asked for, the file updates an asset of the house too
    text = MIXED + ("CAM-0042,FX6,Camera,Sony,FX6,11,,,,,,,\n" if options.update_existing else "")
    table = _table(tmp_path, text)
    batched, batched_events = _events_of(house, actor, table, MIXED_MAPPING, options)
    with monkeypatch.context() as patch:
        _one_at_a_time(patch)
        single, single_events = _events_of(house, actor, table, MIXED_MAPPING, options)
    assert batched == single
    assert batched_events == single_events
    assert len(batched_events) > 10


def test_rows_with_problems_are_reported_as_one_at_a_time(house, actor, tmp_path, monkeypatch):
    # an unknown category, a tag twice, a tag that exists, a bad number: nothing is written
    text = MIXED.replace(",Batt2,BAT,IDX,V,6,,,,,3,4,", "LNS-0004,Batt2,BAT,IDX,V,6,,,,,x,y,")
    text += "CAM-0042,FX6,Camera,Sony,FX6,11,,,,,,,\n"
    table = _table(tmp_path, text)

    def dry() -> Any:
        with house.write() as s:
            return importer.run_import(s, actor, table, ImportKind.ASSETS, MIXED_MAPPING)

    batched = dry()
    with monkeypatch.context() as patch:
        _one_at_a_time(patch)
        single = dry()
    assert batched == single
    assert {p.line for p in batched.problems} == {7, 8, 14}


def test_a_batch_the_database_refuses_is_run_again_row_by_row(house, actor, tmp_path, monkeypatch):
    table = _table(tmp_path, MIXED)
    options = ImportOptions(create_categories=True)
    with monkeypatch.context() as patch:
        _one_at_a_time(patch)
        expected = _events_of(house, actor, table, MIXED_MAPPING, options)
    write = import_bulk.AssetBatch._write
    refused: list[int] = []

    def refuse_first(self: import_bulk.AssetBatch, batch: list[Any]) -> Any:
        if not refused:
            refused.append(len(batch))
            write(self, batch)  # written, then refused: the savepoint takes it all back
            raise IntegrityError("INSERT INTO assets", {}, Exception("refused"))
        return write(self, batch)

    monkeypatch.setattr(import_bulk.AssetBatch, "_write", refuse_first)
    assert _events_of(house, actor, table, MIXED_MAPPING, options) == expected
    assert refused == [2]


def test_a_refused_row_of_a_batch_gets_its_own_report(house, actor, tmp_path, monkeypatch):
    table = _lenses(tmp_path, 5)
    create = catalog.create_asset

    def refuse_third(session: Any, who: Any, draft: AssetDraft) -> Any:
        if draft.serial == "S00002":
            raise IntegrityError("INSERT INTO assets", {}, Exception("serial refused"))
        return create(session, who, draft)

    write = import_bulk.AssetBatch._write

    def refuse(self: import_bulk.AssetBatch, batch: list[Any]) -> Any:
        if any(item.values["serial"] == "S00002" for item in batch):
            raise IntegrityError("INSERT INTO assets", {}, Exception("serial refused"))
        return write(self, batch)

    monkeypatch.setattr(import_bulk.AssetBatch, "_write", refuse)
    monkeypatch.setattr(catalog, "create_asset", refuse_third)
    with house.write() as s:
        report = importer.run_import(s, actor, table, ImportKind.ASSETS, LENSES_MAPPING)
    assert [r.action for r in report.rows] == ["create", "create", "error", "create", "create"]
    assert report.rows[2].problems[0].message == "The database refused this row (serial refused)."
    assert [r.tag for r in report.rows] == ["LNS-0001", "LNS-0002", "", "LNS-0004", "LNS-0005"]


def test_a_batch_is_written_before_a_row_written_on_its_own(house, actor, tmp_path):
    # the row with a status comes after the batched ones: its events come after theirs
    text = "Name,Category,Status\nA,Lens,\nB,Lens,\nC,Lens,lost\nD,Lens,\n"
    table = _table(tmp_path, text)
    mapping = {"Name": "name", "Category": "category", "Status": "status"}
    with house.write() as s:
        first = history.newest_event_id(s)
        importer.run_import(
            s, actor, table, ImportKind.ASSETS, mapping, ImportOptions(), commit=True
        )
    with house.read() as s:
        events = s.scalars(select(Event).where(Event.id > first).order_by(Event.id)).all()
        assert history.verify_chain(s).ok
    assert [(e.action, e.entity_tag) for e in events] == [
        ("create", "LNS-0001"),
        ("create", "LNS-0002"),
        ("create", "LNS-0004"),
        ("status", "LNS-0004"),
        ("create", "LNS-0005"),
    ]
