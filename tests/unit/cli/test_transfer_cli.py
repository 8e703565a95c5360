from __future__ import annotations

import json
from pathlib import Path

import pytest

from gearroom.cli import main
from gearroom.config import file_places
from gearroom.services import asset_search, catalog, history, import_files, importer
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import MappingStore

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
MESSY = DATA / "snipe-it-export-messy.csv"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _assets(db):
    with db.read() as s:
        return [r.tag for r in asset_search.list_assets(s)]


def test_dry_run_of_the_messy_snipe_it_file_lists_problems_and_writes_nothing(catalog_db, capsys):
    code, out, _ = run(
        capsys, "import", "assets", str(MESSY), "--preset", "snipe-it", "--dry-run",
        "--db", catalog_db.url,
    )  # fmt: skip
    assert code == importer.ImportRefused.exit_code  # problems found: non-zero, dry run or not
    assert "Read snipe-it-export-messy.csv as windows-1252, separator semicolon" in out
    assert "line     7  error" in out and "[Asset Name] Name is required." in out
    assert "[Purchased] '13/45/2020' is not a date" in out
    assert "5 to create" in out and "5 with problems" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert _assets(catalog_db) == []


def test_commit_with_problems_exits_non_zero_and_writes_nothing(catalog_db, capsys):
    code, out, err = run(
        capsys, "import", "assets", str(MESSY), "--preset", "snipe-it", "--db", catalog_db.url
    )
    assert code == importer.ImportRefused.exit_code
    assert err.startswith("gearroom: 7 problem(s) in 5 row(s)") and "nothing was imported" in err
    assert "line    10  error" in out
    assert _assets(catalog_db) == []
    with catalog_db.read() as s:
        assert history.verify_chain(s).ok


def test_json_report_and_map_overrides(catalog_db, capsys, tmp_path):
    src = tmp_path / "gear.csv"
    src.write_text("Bezeichnung;Gruppe;Preis\nFX6;Camera;1.2E+3\nVespid;Linse;5\n", "utf-8")
    args = ["import", "assets", str(src), "--db", catalog_db.url, "--json", "--dry-run"]
    code, out, _ = run(capsys, *args, "--map", "Bezeichnung=name", "--map", "Gruppe=category")
    assert code == importer.ImportRefused.exit_code  # one row has a problem
    report = json.loads(out)
    assert report["mapping"] == {"Bezeichnung": "name", "Gruppe": "category", "Preis": ""}
    assert report["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 1}
    assert report["rows"][1]["problems"] == [
        {
            "line": 3,
            "column": "Gruppe",
            "message": report["rows"][1]["problems"][0]["message"],
        }
    ]
    assert "no category 'Linse'" in report["rows"][1]["problems"][0]["message"]
    # the mapping given with --map is remembered for this header row
    table = import_files.read_table(src)
    store = MappingStore(file_places().import_mappings)
    remembered = store.get(importer.source_signature(ImportKind.ASSETS, table.headers))
    assert remembered == report["mapping"]
    code, out, _ = run(
        capsys, "import", "assets", str(src), "--db", catalog_db.url, "--create-categories",
        "--map", "Preis=purchase_value",
    )  # fmt: skip
    assert code == 0
    assert "new categories: Linse (LIN)" in out
    with catalog_db.read() as s:
        assert str(catalog.get_asset(s, "CAM-0001").purchase_value) == "1200.00"
        assert catalog.get_asset(s, "LIN-0001").category == "Linse"


def test_bad_mapping_and_unknown_preset_are_clear_errors(catalog_db, capsys, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("Name,Mail\nAna,a@x\n", "utf-8")
    code, _, err = run(capsys, "import", "people", str(src), "--map", "Mail=colour",
                       "--db", catalog_db.url)  # fmt: skip
    assert code == 2 and "'colour' is not a field of people" in err
    code, _, err = run(capsys, "import", "people", str(src), "--preset", "nope",
                       "--db", catalog_db.url)  # fmt: skip
    assert code == 3 and "no import preset 'nope'" in err


def test_stock_people_and_kits_commands(catalog_db, capsys, tmp_path):
    (tmp_path / "s.csv").write_text("Name,Category,Qty\nSDI 1m,Media,20\n", "utf-8")
    (tmp_path / "p.csv").write_text("Name,Role\nAna,crew\n", "utf-8")
    (tmp_path / "k.csv").write_text("Name,Contents\nCable case,MED-0001 x5\n", "utf-8")
    for kind, name in (("stock", "s.csv"), ("people", "p.csv"), ("kits", "k.csv")):
        code, out, err = run(capsys, "import", kind, str(tmp_path / name), "--db", catalog_db.url)
        assert code == 0, err
        assert "1 created" in out
    code, out, _ = run(capsys, "kit", "show", "KIT-0001", "--db", catalog_db.url)
    assert "MED-0001  SDI 1m  x5" in out


def test_export_then_import_into_another_house(catalog_db, capsys, tmp_path, actor):
    with catalog_db.write() as s:
        catalog.create_asset(s, actor, catalog.AssetDraft("FX6", "Camera", serial="S1"))
    target = tmp_path / "out.xlsx"
    code, out, _ = run(capsys, "export", "catalog", "-o", str(target), "--db", catalog_db.url)
    assert code == 0 and out.startswith("Exported 1 assets, 0 stock, 0 people, 0 kits")
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run(capsys, "init", "--db", other)[0] == 0
    code, out, _ = run(capsys, "import", "assets", str(target), "--db", other, "--json")
    assert code == 0 and json.loads(out)["committed"] is True
    code, out, _ = run(capsys, "asset", "show", "CAM-0001", "--db", other, "--json")
    assert json.loads(out)["serial"] == "S1"
