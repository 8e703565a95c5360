from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from gearroom.db import open_database
from gearroom.errors import ValidationError
from gearroom.services import (
    asset_search,
    catalog,
    catalog_export,
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
from gearroom.services.importer import ImportOptions
from gearroom.services.setup import ensure_standard_categories

TRICKY = '=HYPERLINK("http://evil","click") ; "quoted", multi\nline'


@pytest.fixture
def house(catalog_db, actor):
    """A small catalog with everything the export writes: attributes, kits in kits, stock in
    kits, a retired asset, text a spreadsheet would run as a formula."""
    with catalog_db.write() as s:
        catalog.create_category(s, actor, "Filters", "FLT")
        catalog.create_asset(
            s,
            actor,
            AssetDraft(
                "ARRI Alexa 35",
                "Camera",
                make="ARRI",
                serial="A35-1",
                location="Shelf A1",
                purchase_date="2023-05-02",
                purchase_value="98000.50",
                attributes={"mount": "LPL", "sensor_hours": 1200},
                notes=TRICKY,
            ),
        )
        catalog.create_asset(
            s, actor, AssetDraft("Signature Prime 35", "Lens", attributes={"max_aperture": 1.8})
        )
        catalog.create_asset(s, actor, AssetDraft("-3 stop ND", "Filters", tag="FLT-0009"))
        catalog.create_asset(s, actor, AssetDraft("Old monitor", "Monitoring"))
        catalog.retire_asset(s, actor, "MON-0001", "Sold")
        stock.create_stock_item(s, actor, "V-mount 150Wh", "Power", 12, location="Prep Bay 1")
        people.add_person(s, actor, "Zoë Ångström", role="client", email="z@example.com")
        kits.create_kit(s, actor, "Camera package", location="Prep Bay 1")
        kits.create_kit(s, actor, "Lens case", parent="KIT-0001")
        kits.add_to_kit(s, actor, "KIT-0001", "CAM-0001")
        kits.add_to_kit(s, actor, "KIT-0001", "PWR-0001", 4)
        kits.add_to_kit(s, actor, "KIT-0002", "LNS-0001")
    return catalog_db


def _fresh(tmp_path, actor, name):
    db = open_database(f"sqlite:///{tmp_path / name}")
    with db.write() as s:
        ensure_standard_categories(s, actor)
    return db


def _import_everything(db, actor, path):
    for kind in ImportKind:
        table = import_files.read_table(path, kind)
        with db.read() as s:
            keys = importer.attribute_keys(s)
        mapping = importer.initial_mapping(kind, table, attribute_keys=keys)
        with db.write() as s:
            report = importer.run_import(
                s,
                actor,
                table,
                kind,
                mapping,
                ImportOptions(create_categories=True),
                commit=True,
            )
        assert report.committed, report.problems


def _snapshot(db):
    with db.read() as s:
        assets = []
        for row in asset_search.list_assets(s):
            v = catalog.get_asset(s, row.tag)
            assets.append(
                (
                    v.tag,
                    v.name,
                    v.category,
                    v.make,
                    v.serial,
                    v.location,
                    v.status,
                    v.purchase_date,
                    v.purchase_value,
                    v.notes,
                    v.attributes,
                    v.kit_tag,
                )
            )
        items = [(i.tag, i.name, i.quantity, i.location) for i in stock.list_stock_items(s)]
        folks = [(p.badge, p.name, p.role, p.email) for p in people.list_people(s)]
        packs = [kits.get_kit(s, k.tag) for k in kits.list_kits(s)]
        kit_shape = [
            (k.tag, k.name, k.parent_tag, k.location, [a.tag for a in k.assets], k.all_stock())
            for k in packs
        ]
        assert history.verify_chain(s).ok
    return assets, items, folks, kit_shape


@pytest.mark.parametrize("target", ["catalog.xlsx", "catalog.zip", "catalog.csv", "folder"])
def test_export_reads_back_into_an_empty_house(house, actor, tmp_path, target):
    with house.read() as s:
        result = catalog_export.export_catalog(s, actor, tmp_path / target)
    assert result.counts == {"assets": 4, "stock": 1, "people": 1, "kits": 2}
    source = tmp_path / target
    if target == "catalog.csv":
        assert [p.name for p in result.paths] == [
            "catalog-assets.csv",
            "catalog-stock.csv",
            "catalog-people.csv",
            "catalog-kits.csv",
        ]
    fresh = _fresh(tmp_path, actor, "fresh.sqlite3")
    try:
        if target == "catalog.csv":
            for kind, path in zip(ImportKind, result.paths, strict=True):
                table = import_files.read_table(path)
                mapping = importer.initial_mapping(
                    kind, table, attribute_keys=["mount", "sensor_hours", "max_aperture"]
                )
                with fresh.write() as s:
                    importer.run_import(
                        s,
                        actor,
                        table,
                        kind,
                        mapping,
                        ImportOptions(create_categories=True),
                        commit=True,
                    )
        else:
            _import_everything(fresh, actor, source)
        assert _snapshot(fresh) == _snapshot(house)
    finally:
        fresh.dispose()


def test_xlsx_has_a_sheet_per_kind_and_no_formulas(house, actor, tmp_path):
    with house.read() as s:
        catalog_export.export_catalog(s, actor, tmp_path / "c.xlsx")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["Assets", "Stock", "People", "Kits"]
    assets = book["Assets"]
    header = [c.value for c in assets[1]]
    assert header[:4] == ["Tag", "Name", "Category", "Make"]
    assert "attr:mount" in header
    row = {header[i]: c for i, c in enumerate(assets[2])}
    assert row["Notes"].value == TRICKY and row["Notes"].data_type == "s"
    assert row["Purchase date"].value.date() == date(2023, 5, 2)
    assert float(row["Purchase value"].value) == 98000.5
    kit_rows = [[c.value for c in r] for r in book["Kits"].iter_rows(min_row=2)]
    assert kit_rows[0][5] == "CAM-0001, PWR-0001 x4" and kit_rows[1][2] == "KIT-0001"


def test_csv_is_utf8_with_bom_and_formula_text_is_escaped(house, actor, tmp_path):
    with house.read() as s:
        catalog_export.export_catalog(s, actor, tmp_path / "c.zip")
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        assert sorted(archive.namelist()) == ["assets.csv", "kits.csv", "people.csv", "stock.csv"]
        raw = archive.read("assets.csv")
        people_raw = archive.read("people.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    by_tag = {r[0]: r for r in rows[1:]}
    notes = rows[0].index("Notes")
    assert by_tag["CAM-0001"][notes] == "'" + TRICKY
    assert by_tag["FLT-0009"][1] == "'-3 stop ND"
    assert by_tag["MON-0001"][rows[0].index("Status")] == "retired"
    assert "Zoë Ångström" in people_raw.decode("utf-8-sig")


def test_export_refuses_unknown_formats_and_needs_report_rights(house, actor, tmp_path):
    with house.read() as s:
        with pytest.raises(ValidationError, match=r"not 'c\.pdf'"):
            catalog_export.export_catalog(s, actor, tmp_path / "c.pdf")
        with pytest.raises(ValidationError, match="does not exist"):
            catalog_export.export_catalog(s, actor, tmp_path / "nope" / "c.xlsx")
        with pytest.raises(PermissionDenied):
            catalog_export.export_catalog(s, Actor("ac", Role.ASSISTANT), tmp_path / "c.xlsx")
    assert not (tmp_path / "c.xlsx").exists()
