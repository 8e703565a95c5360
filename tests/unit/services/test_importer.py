from __future__ import annotations

import codecs
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from gearroom.config import default_data_dir, file_places
from gearroom.errors import GearroomError, ValidationError
from gearroom.models import AssetStatus, Event
from gearroom.paths import import_presets_dir, resources_dir
from gearroom.services import (
    asset_search,
    catalog,
    history,
    import_files,
    importer,
    kits,
    people,
    stock,
)
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.catalog import AssetDraft
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ImportCancelled, ImportOptions, ImportRefused, MappingStore

PRESETS = import_presets_dir()
KNOWN_STATUSES = importer.known_status_labels(PRESETS)

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
MESSY = DATA / "snipe-it-export-messy.csv"


def _events(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)) or 0)


def _run(db, actor, table, kind, mapping=None, options=None, *, commit=False):
    with db.read() as s:
        keys = importer.attribute_keys(s)
    mapping = mapping or importer.initial_mapping(kind, table, attribute_keys=keys)
    # as the command line and the wizard do: every shipped preset's status labels are known
    options = replace(options or ImportOptions(), known_statuses=KNOWN_STATUSES)
    with db.write() as s:
        return importer.run_import(s, actor, table, kind, mapping, options, commit=commit)


def _csv(tmp_path, text, name="in.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return import_files.read_table(path)


# --------------------------------------------------------------------------- reading files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n"])
def test_files_read_the_same_whatever_encoding_separator_and_line_ends(
    tmp_path, encoding, sep, eol
):
    lines = [
        sep.join(["Name", "Category", "Notes", "Notes"]),
        sep.join(["Caméra Zoë", "Camera", '"two' + eol + 'lines"', "x"]),
        "",
        sep.join(["Lens € 50", "Lens", "", ""]),
    ]
    table = _csv(tmp_path, eol.join(lines) + eol, encoding=encoding)
    assert table.delimiter == sep
    assert (
        table.encoding
        == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "windows-1252"}[encoding]
    )
    assert table.headers == ("Name", "Category", "Notes", "Notes (2)")
    assert [r.line for r in table.rows] == [2, 5]  # the quoted newline and the blank row count
    assert table.rows[0].cells[0] == "Caméra Zoë"
    assert table.rows[0].cells[2] == "two" + eol + "lines"
    assert table.rows[1].cells[0] == "Lens € 50"


def test_sniffer_fallback_when_commas_appear_inside_semicolon_rows(tmp_path):
    text = "Name;Purchase value;Notes\nARRI, big;1,5;a, b, c\nSony;2,5;x, y\n"
    table = _csv(tmp_path, text)
    assert table.delimiter == ";"
    assert table.rows[0].cells == ("ARRI, big", "1,5", "a, b, c")


def test_blank_header_cells_and_empty_files(tmp_path):
    table = _csv(tmp_path, "\n\n,Name,\nx,FX6,\n")
    assert table.headers == ("Column 1", "Name")
    assert table.header_line == 3
    with pytest.raises(import_files.ImportFileError, match="empty"):
        _csv(tmp_path, "\n \n;;\n", name="blank.csv")


def test_unreadable_files_give_a_clear_error(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(import_files.ImportFileError, match="not a readable XLSX"):
        import_files.read_table(bad)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(import_files.ImportFileError, match=r"save it as \.xlsx"):
        import_files.read_table(old)
    with pytest.raises(import_files.ImportFileError, match="Cannot read"):
        import_files.read_table(tmp_path / "missing.csv")


def test_xlsx_rows_keep_their_spreadsheet_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["Name", "Category", "Purchase date", "Purchase value"])
    ws.append(["FX6", "Camera", date(2024, 3, 1), 1200.0])
    ws.append([])
    ws.append(["Ultra Prime 32", "Lens", None, 1.5e3])
    people_ws = book.create_sheet("People")
    people_ws.append(["Name"])
    people_ws.append(["Ana"])
    path = tmp_path / "gear.xlsx"
    book.save(path)
    table = import_files.read_table(path, ImportKind.ASSETS)
    assert table.name == "gear.xlsx [Sheet1]"
    assert [r.line for r in table.rows] == [2, 4]
    assert table.rows[0].cells == ("FX6", "Camera", "2024-03-01", "1200")
    assert import_files.read_table(path, ImportKind.PEOPLE).rows[0].cells == ("Ana",)


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2E+3", Decimal("1200")),
        ("1.89E+03", Decimal("1890")),
        ("$58,000.00", Decimal("58000.00")),
        ("€16.499,00", Decimal("16499.00")),
        ("1 234,5 EUR", Decimal("1234.5")),
        ("1,150", Decimal("1150")),
        ("12,5", Decimal("12.5")),
        ("1.234.567", Decimal("1234567")),
        ("(12.00)", Decimal("-12.00")),
        ("-250", Decimal("-250")),
        ("£ 3", Decimal("3")),
    ],
)
def test_numbers_as_spreadsheets_write_them(text, expected):
    assert import_files.parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1,2,3", "1e999", "--5", "5-", ".", "NaN"])
def test_non_numbers_are_refused(text):
    with pytest.raises(ValueError):
        import_files.parse_number(text)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-01", "mdy", date(2024, 3, 1)),
        ("2019-07-01 00:00:00", "mdy", date(2019, 7, 1)),
        ("2023-04-15 12:30 PM", "mdy", date(2023, 4, 15)),
        ("03/15/2021", "mdy", date(2021, 3, 15)),
        ("3/5/21", "mdy", date(2021, 3, 5)),
        ("05.03.2021", "dmy", date(2021, 3, 5)),
        ("05/03/2021", "dmy", date(2021, 3, 5)),
        ("Fri Mar 05, 2021", "mdy", date(2021, 3, 5)),
        ("Mar 5, 2021", "mdy", date(2021, 3, 5)),
        ("5 March 2021", "mdy", date(2021, 3, 5)),
        ("02/29/2020", "mdy", date(2020, 2, 29)),
    ],
)
def test_dates_in_iso_us_and_snipe_it_formats(text, order, expected):
    assert import_files.parse_date_text(text, order) == expected


@pytest.mark.parametrize(
    "text", ["13/45/2020", "02/29/2021", "yesterday", "2021-13-01", "Foo 5, 2021"]
)
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        import_files.parse_date_text(text)


def test_kit_contents_cells():
    assert importer.parse_contents("CAM-0001, lns-0002; PWR-0003 x4\n2 x MED-0001|MED-0002*3") == [
        ("CAM-0001", 1),
        ("LNS-0002", 1),
        ("PWR-0003", 4),
        ("MED-0001", 2),
        ("MED-0002", 3),
    ]
    with pytest.raises(ValueError):
        importer.parse_contents("CAM-0001, not a tag!")


# --------------------------------------------------------------------------- presets, mappings


def test_presets_include_snipe_it_cheqroom_and_generic():
    names = {p.name for p in importer.list_presets(ImportKind.ASSETS, folder=PRESETS)}
    assert {"snipe-it", "cheqroom", "generic"} <= names
    assert importer.get_preset("snipe-it", folder=PRESETS).kind is ImportKind.ASSETS
    assert importer.get_preset("generic", ImportKind.KITS, folder=PRESETS).kind is ImportKind.KITS
    with pytest.raises(GearroomError, match="no import preset 'nope'"):
        importer.get_preset("nope", folder=PRESETS)


def test_guessed_mapping_from_column_names():
    headers = ("Asset Tag", "Item Name", "Serial Number", "Manufacturer", "Category", "attr:mount")
    mapping = importer.guess_mapping(ImportKind.ASSETS, headers)
    assert mapping == {
        "Asset Tag": "tag",
        "Item Name": "name",
        "Serial Number": "serial",
        "Manufacturer": "make",
        "Category": "category",
        "attr:mount": "attr:mount",
    }


def test_confirmed_mapping_is_remembered_per_source(tmp_path):
    table = _csv(tmp_path, "Bezeichnung,Gruppe,Seriennr\nFX6,Camera,1\n")
    kind = ImportKind.ASSETS
    store = MappingStore(file_places().import_mappings)
    assert set(importer.initial_mapping(kind, table, store=store).values()) == {""}
    chosen = {"Bezeichnung": "name", "Gruppe": "category", "Seriennr": "serial"}
    store.save(importer.source_signature(kind, table.headers), chosen)
    assert store.path.parent == Path(default_data_dir())
    again = _csv(tmp_path, "Bezeichnung,Gruppe,Seriennr\nLens,Lens,2\n", name="other.csv")
    assert importer.initial_mapping(kind, again, store=store) == chosen
    # a different header row is a different source
    other = _csv(tmp_path, "Bezeichnung,Gruppe\nx,y\n", name="third.csv")
    assert importer.initial_mapping(kind, other, store=store)["Bezeichnung"] == ""


def test_overrides_and_mapping_checks():
    headers = ("A", "B", "C")
    mapping = importer.apply_overrides({"A": "name", "B": "", "C": ""}, headers, ["b=category"])
    assert mapping == {"A": "name", "B": "category", "C": ""}
    moved = importer.apply_overrides(mapping, headers, ["C=name"])
    assert moved == {"A": "", "B": "category", "C": "name"}
    with pytest.raises(ValidationError, match="no column 'D'"):
        importer.apply_overrides(mapping, headers, ["D=name"])
    with pytest.raises(ValidationError, match="COLUMN=FIELD"):
        importer.apply_overrides(mapping, headers, ["name"])
    with pytest.raises(ValidationError, match="No column is mapped to Category"):
        importer.check_mapping(ImportKind.ASSETS, {"A": "name"})
    with pytest.raises(ValidationError, match="Both 'A' and 'B'"):
        importer.check_mapping(ImportKind.ASSETS, {"A": "name", "B": "name", "C": "category"})
    with pytest.raises(ValidationError, match="'colour' is not a field"):
        importer.check_mapping(ImportKind.STOCK, {"A": "colour"})


# --------------------------------------------------------------------------- messy Snipe-IT file


def _messy(db, actor, options=None, *, commit=False):
    table = import_files.read_table(MESSY)
    preset = importer.get_preset("snipe-it", folder=PRESETS)
    mapping = importer.initial_mapping(ImportKind.ASSETS, table, preset=preset)
    return (
        table,
        mapping,
        _run(db, actor, table, ImportKind.ASSETS, mapping, options, commit=commit),
    )


def test_messy_snipe_it_export_is_read_as_it_is(catalog_db, actor):
    table = import_files.read_table(MESSY)
    assert (table.encoding, table.delimiter) == ("windows-1252", ";")
    assert table.headers[-2:] == ("Notes", "Notes (2)")
    assert [r.line for r in table.rows] == [2, 3, 6, 7, 8, 9, 10, 12, 13, 14]
    # line numbers are the file's own: the physical line each record starts on
    physical = MESSY.read_bytes().decode("cp1252").split("\r\n")
    for row in table.rows:
        assert physical[row.line - 1].startswith(row.cells[0] + ";")


def test_messy_snipe_it_dry_run_lists_every_problem_row_by_row(catalog_db, actor):
    before = _events(catalog_db)
    _table, mapping, report = _messy(catalog_db, actor)
    assert mapping["Asset Tag"] == "tag" and mapping["Purchased"] == "purchase_date"
    # the preset maps Snipe-IT's status labels (Ready to Deploy, Archived…)
    assert mapping["Notes (2)"] == "" and mapping["Status"] == "status"
    by_line = {r.line: r for r in report.rows}
    assert [r.line for r in report.rows if r.action == "create"] == [2, 3, 6, 12, 14]
    problems = {(p.line, p.column) for p in report.problems}
    assert problems == {
        (7, "Asset Name"),
        (7, "Purchased"),
        (8, "Asset Tag"),
        (8, "Purchase Cost"),
        (9, "Asset Tag"),
        (10, "Category"),
        (13, ""),
    }
    messages = {(p.line, p.column): p.message for p in report.problems}
    assert messages[(7, "Asset Name")] == "Name is required."
    assert "'13/45/2020' is not a date" in messages[(7, "Purchased")]
    assert "CAM 0105" in messages[(8, "Asset Tag")]
    assert "negative" in messages[(8, "Purchase Cost")]
    assert "line 2 of the file too" in messages[(9, "Asset Tag")]
    assert "no category 'Teleprompter'" in messages[(10, "Category")]
    assert "17 cells" in messages[(13, "")]
    assert by_line[12].tag == "DRN-0108"
    assert set(report.new_locations) == {"Camera Cage", "Cage – North", "Shelf B2"}
    assert not report.committed
    # a dry run writes nothing
    assert _events(catalog_db) == before
    with catalog_db.read() as s:
        assert asset_search.list_assets(s) == []


def test_messy_snipe_it_commit_is_all_or_nothing(catalog_db, actor):
    before = _events(catalog_db)
    with pytest.raises(ImportRefused, match=r"7 problem\(s\) in 5 row\(s\)") as refused:
        _messy(catalog_db, actor, commit=True)
    assert len(refused.value.report.problems) == 7
    assert _events(catalog_db) == before
    with catalog_db.read() as s:
        assert asset_search.list_assets(s) == []
        assert [loc.name for loc in catalog.list_locations(s)] == ["Prep Bay 1", "Shelf A1"]
        assert history.verify_chain(s).ok


def test_good_rows_of_the_messy_file_import_with_their_values(catalog_db, actor, tmp_path):
    raw = MESSY.read_bytes().decode("cp1252").split("\r\n")
    # keep the header, the multi-line row (lines 3-4) and the good rows
    keep = [raw[0], raw[1], raw[2], raw[3], raw[5], raw[11], raw[13]]
    path = tmp_path / "good.csv"
    path.write_bytes("\r\n".join(keep).encode("cp1252"))
    table = import_files.read_table(path)
    preset = importer.get_preset("snipe-it", folder=PRESETS)
    mapping = importer.initial_mapping(ImportKind.ASSETS, table, preset=preset)
    before = _events(catalog_db)
    report = _run(catalog_db, actor, table, ImportKind.ASSETS, mapping, commit=True)
    assert report.committed and report.count("create") == 5
    with catalog_db.read() as s:
        lf = catalog.get_asset(s, "CAM-0101")
        cooke = catalog.get_asset(s, "LNS-0102")
        drone = catalog.get_asset(s, "DRN-0108")
        fx6 = catalog.get_asset(s, "CAM-0103")
        tripod = catalog.get_asset(s, "GRP-0110")
        assert history.verify_chain(s).ok
        created = [e for e in history.recent_events(s, 50) if e.action == "create"]
    assert (lf.make, lf.serial, lf.purchase_date) == ("ARRI", "LF-20471", date(2021, 3, 15))
    assert lf.purchase_value == Decimal("58000.00") and lf.location == "Camera Cage"
    assert cooke.purchase_value == Decimal("1200.00")
    assert cooke.notes == "Front element: light scratch\nBack cap missing – order one (café budget)"
    assert fx6.purchase_date == date(2021, 3, 5) and fx6.purchase_value == Decimal("4999.00")
    assert drone.purchase_value == Decimal("16499.00") and drone.location == "Cage – North"
    assert tripod.purchase_value == Decimal("1150.00")
    # every imported item (and every new location) has its history event
    assert {e.entity_tag for e in created if e.entity_kind == "asset"} == {
        "CAM-0101",
        "LNS-0102",
        "CAM-0103",
        "DRN-0108",
        "GRP-0110",
    }
    # Camera Cage, Cage – North, Shelf B2; and GRP-0110, "Archived" in Snipe-IT, is retired
    assert tripod.status is AssetStatus.RETIRED
    assert _events(catalog_db) - before == 5 + 3 + 1


def test_unknown_categories_can_be_created_with_a_derived_prefix(catalog_db, actor, tmp_path):
    table = _csv(tmp_path, "Name,Category\nAutoscript EPIC,Teleprompter\nPola filter,Filters\n")
    report = _run(
        catalog_db,
        actor,
        table,
        ImportKind.ASSETS,
        options=ImportOptions(create_categories=True),
        commit=True,
    )
    assert report.new_categories == ("Teleprompter (TEL)", "Filters (FIL)")
    assert [r.tag for r in report.rows] == ["TEL-0001", "FIL-0001"]


def test_derived_prefixes_avoid_taken_ones():
    assert importer.derive_prefix("Camera Rigs", {"CAM"}) == "CAME"
    assert importer.derive_prefix("Ça", {"CA"}) == "CA2"
    assert importer.derive_prefix("🎥", set()) == "CAT"
    assert importer.derive_prefix("35mm film", set()) == "MMF"


def test_existing_tags_are_reported_unless_update_is_asked(catalog_db, actor, tmp_path):
    with catalog_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft("FX6", "Camera", tag="CAM-0042", serial="1"))
        people.add_person(s, actor, "Ana", badge="P-0001")
    text = (
        "Tag,Name,Category,Serial,Status\n"
        "CAM-0042,Sony FX6,Camera,5012245,lost\n"
        "P-0001,Lens,Lens,,\n"
    )
    table = _csv(tmp_path, text)
    report = _run(catalog_db, actor, table, ImportKind.ASSETS)
    assert [p.message.split(";")[0] for p in report.problems] == [
        "The tag CAM-0042 exists already (asset)",
        "The tag P-0001 is already used by a person",
    ]
    opts = ImportOptions(update_existing=True)
    fixed = _csv(tmp_path, text.replace("P-0001,Lens", "LNS-0001,Lens"), name="fixed.csv")
    dry = _run(catalog_db, actor, fixed, ImportKind.ASSETS, options=opts)
    assert [(r.line, r.action) for r in dry.rows] == [(2, "update"), (3, "create")]
    _run(catalog_db, actor, fixed, ImportKind.ASSETS, options=opts, commit=True)
    with catalog_db.read() as s:
        view = catalog.get_asset(s, "CAM-0042")
        events = history.events_for_tag(s, "CAM-0042")
    assert (view.name, view.serial, view.status) == ("Sony FX6", "5012245", AssetStatus.LOST)
    assert [e.action for e in events][:2] == ["status", "edit"]
    again = _run(catalog_db, actor, fixed, ImportKind.ASSETS, options=opts)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]


def test_category_fields_from_attr_columns(catalog_db, actor, tmp_path):
    text = (
        "Name,Category,attr:mount,attr:sensor_hours,attr:focal_length\n"
        "FX6,Camera,E,1.2E+3,\n"
        "Vespid 50,Lens,PL,,50\n"
        "Bad,Camera,PL,lots,\n"
        "Odd,Camera,,,35\n"
    )
    report = _run(catalog_db, actor, _csv(tmp_path, text), ImportKind.ASSETS)
    assert [(p.line, p.column) for p in report.problems] == [
        (4, "attr:sensor_hours"),
        (5, "attr:focal_length"),
    ]
    assert "Sensor hours must be a whole number" in report.problems[0].message
    table = _csv(tmp_path, "\n".join(text.splitlines()[:3]), name="ok.csv")
    _run(catalog_db, actor, table, ImportKind.ASSETS, commit=True)
    with catalog_db.read() as s:
        assert catalog.get_asset(s, "CAM-0001").attributes == {"mount": "E", "sensor_hours": 1200}
        assert catalog.get_asset(s, "LNS-0001").attributes == {"mount": "PL", "focal_length": "50"}


def test_stock_import(catalog_db, actor, tmp_path):
    text = (
        "Item;Category;Qty;Unit;Location\n"
        "V-mount 150Wh;Power;1.2E+1;pcs;Shelf A1\n"
        "SDI 1m;Media;1,000;;Cable wall\n"
        "SDI 1m;Media;3;;\n"
        "Half;Media;2.5;;\n"
        "Minus;Media;-1;;\n"
    )
    report = _run(catalog_db, actor, _csv(tmp_path, text), ImportKind.STOCK)
    assert [(p.line, p.column) for p in report.problems] == [
        (4, "Item"),
        (5, "Qty"),
        (6, "Qty"),
    ]
    ok = _csv(tmp_path, "\n".join(text.splitlines()[:3]), name="ok.csv")
    report = _run(catalog_db, actor, ok, ImportKind.STOCK, commit=True)
    assert report.new_locations == ("Cable wall",)
    with catalog_db.read() as s:
        items = {i.name: (i.quantity, i.location) for i in stock.list_stock_items(s)}
    assert items == {"V-mount 150Wh": (12, "Shelf A1"), "SDI 1m": (1000, "Cable wall")}


def test_people_import(catalog_db, actor, tmp_path):
    text = (
        "Full Name,E-mail,Role,Badge\nAna Ruiz,ana@example.com,crew,P-0100\nBo,bo@x,boss,\n,x@y,,\n"
    )
    report = _run(catalog_db, actor, _csv(tmp_path, text), ImportKind.PEOPLE)
    assert [(p.line, p.column) for p in report.problems] == [(3, "Role"), (4, "Full Name")]
    assert "not one of crew, client, staff" in report.problems[0].message
    ok = _csv(tmp_path, "\n".join(text.splitlines()[:2]), name="ok.csv")
    _run(catalog_db, actor, ok, ImportKind.PEOPLE, commit=True)
    with catalog_db.read() as s:
        assert people.get_person(s, "P-0100").email == "ana@example.com"


def test_kits_nest_and_hold_assets_and_stock_whatever_the_row_order(catalog_db, actor, tmp_path):
    with catalog_db.write() as s:
        catalog.create_asset(s, actor, AssetDraft("FX6", "Camera", tag="CAM-0001"))
        catalog.create_asset(s, actor, AssetDraft("Vespid 50", "Lens", tag="LNS-0001"))
        stock.create_stock_item(s, actor, "V-mount", "Power", 10, tag="PWR-0001")
    text = (
        "Tag,Name,Inside kit,Contents\n"
        'KIT-0002,Lens case,KIT-0001,"LNS-0001"\n'
        "KIT-0001,Camera package,,CAM-0001; PWR-0001 x4\n"
        "KIT-0003,Broken,,NOPE-0001\n"
    )
    report = _run(catalog_db, actor, _csv(tmp_path, text), ImportKind.KITS)
    assert [(r.line, r.action) for r in report.rows] == [
        (2, "create"),
        (3, "create"),
        (4, "error"),
    ]
    assert report.problems[0].column == "Contents" and "NOPE-0001" in report.problems[0].message
    ok = _csv(tmp_path, "\n".join(text.splitlines()[:3]), name="ok.csv")
    _run(catalog_db, actor, ok, ImportKind.KITS, commit=True)
    with catalog_db.read() as s:
        package = kits.get_kit(s, "KIT-0001")
    assert [a.tag for a in package.all_assets()] == ["CAM-0001", "LNS-0001"]
    assert package.all_stock() == {"PWR-0001": 4}
    assert [k.tag for k in package.kits] == ["KIT-0002"]


def test_kits_inside_each_other_are_reported(catalog_db, actor, tmp_path):
    text = "Tag,Name,Inside kit\nKIT-0001,A,KIT-0002\nKIT-0002,B,KIT-0001\n"
    report = _run(catalog_db, actor, _csv(tmp_path, text), ImportKind.KITS)
    assert report.count("error") == 2
    assert all("inside each other" in p.message for p in report.problems)


def test_a_cancelled_import_writes_nothing(catalog_db, actor, tmp_path):
    table = _csv(tmp_path, "Name,Category\n" + "".join(f"Item {i},Grip\n" for i in range(60)))
    mapping = importer.initial_mapping(ImportKind.ASSETS, table)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return done < 30

    before = _events(catalog_db)
    with pytest.raises(ImportCancelled), catalog_db.write() as s:
        importer.run_import(
            s, actor, table, ImportKind.ASSETS, mapping, commit=True, progress=progress
        )
    assert calls[0] == (0, 60) and calls[-1] == (50, 60)
    assert _events(catalog_db) == before


def test_importing_needs_the_catalog_permission(catalog_db, tmp_path):
    table = _csv(tmp_path, "Name,Category\nFX6,Camera\n")
    with pytest.raises(PermissionDenied):
        _run(catalog_db, Actor("ac", Role.ASSISTANT), table, ImportKind.ASSETS)


def test_formula_escape_is_dropped_on_import(catalog_db, actor, tmp_path):
    table = _csv(tmp_path, "Name,Category,Notes\n'=HYPERLINK(\"x\"),Grip,'-5 dB\n")
    _run(catalog_db, actor, table, ImportKind.ASSETS, commit=True)
    with catalog_db.read() as s:
        view = catalog.get_asset(s, "GRP-0001")
    assert (view.name, view.notes) == ('=HYPERLINK("x")', "-5 dB")


def test_bom_only_utf16_and_signature_helpers():
    assert import_files.decode_bytes(codecs.BOM_UTF16_LE + "Näme".encode("utf-16-le")) == (
        "Näme",
        "utf-16",
    )
    assert import_files.decode_bytes(b"\x81\x8d") == ("\x81\x8d", "latin-1")
    sig = importer.source_signature(ImportKind.ASSETS, ["Name", "Serial No."])
    assert sig == importer.source_signature(ImportKind.ASSETS, ["name", "serial no"])
    assert importer.source_signature(ImportKind.ASSETS, [], "snipe-it") == "assets:preset:snipe-it"


def test_shipped_sample_files_import_cleanly_in_order(catalog_db, actor):
    samples = resources_dir() / "import" / "samples"
    for kind in (ImportKind.ASSETS, ImportKind.STOCK, ImportKind.PEOPLE, ImportKind.KITS):
        table = import_files.read_table(samples / f"{kind.value}.csv")
        report = _run(catalog_db, actor, table, kind, commit=True)
        assert report.committed and report.count("create") == len(table.rows), report.problems
    with catalog_db.read() as s:
        package = kits.get_kit(s, "KIT-0101")
        lens = catalog.get_asset(s, "LNS-0101")
    assert [a.tag for a in package.all_assets()] == ["CAM-0101", "LNS-0101"]
    assert package.all_stock() == {"PWR-0101": 4, "MED-0101": 2}
    assert lens.attributes == {"mount": "LPL", "focal_length": "35"}
