"""Exports of the systems rental houses leave: their status labels, their custody columns,
their encodings and a 200-row messy file, through the services and the command line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from gearroom.cli import main
from gearroom.errors import ValidationError
from gearroom.models import AssetStatus
from gearroom.paths import import_presets_dir
from gearroom.services import asset_search, checkout_out, import_files, importer, people
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ImportOptions, ImportRefused

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
SNIPE = DATA / "snipe-it-assets.csv"
CHEQROOM = DATA / "cheqroom-items.csv"
SHELF = DATA / "shelf-assets.csv"
MESSY_200 = DATA / "snipe-it-200-messy.csv"


def _import(db, actor, path, preset_name, *, commit=False, **options):
    table = import_files.read_table(path)
    preset = importer.get_preset(preset_name, ImportKind.ASSETS, folder=import_presets_dir())
    mapping = importer.initial_mapping(ImportKind.ASSETS, table, preset=preset)
    opts = ImportOptions(status_map=importer.status_map(preset), **options)
    with db.write() as s:
        return importer.run_import(s, actor, table, ImportKind.ASSETS, mapping, opts, commit=commit)


def _statuses(db):
    with db.read() as s:
        return {a.tag: a.status for a in asset_search.list_assets(s, asset_search.AssetQuery())}


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.mark.parametrize(
    ("path", "preset", "expected"),
    [
        (
            SNIPE,
            "snipe-it",
            {
                "CAM-1001": AssetStatus.AVAILABLE,  # Ready to Deploy
                "LNS-1004": AssetStatus.IN_SERVICE,  # Out for Repair
                "DRN-1005": AssetStatus.AVAILABLE,  # Pending
                "GRP-1006": AssetStatus.RETIRED,  # Archived
                "MON-1007": AssetStatus.IN_SERVICE,  # Broken
                "WVD-1008": AssetStatus.LOST,  # Lost/Stolen
                "CAM-1009": AssetStatus.IN_SERVICE,  # Undeployable
            },
        ),
        (
            CHEQROOM,
            "cheqroom",
            {
                "CAM-2001": AssetStatus.AVAILABLE,
                "AUD-2004": AssetStatus.RETIRED,  # Expired
                "GRP-2005": AssetStatus.IN_SERVICE,  # Under repair
                "GRP-2006": AssetStatus.LOST,  # Missing
            },
        ),
        (SHELF, "shelf", {"SAM-0001": AssetStatus.AVAILABLE}),
    ],
)
def test_each_systems_status_labels_are_mapped_by_its_preset(
    catalog_db, actor, path, preset, expected
):
    report = _import(catalog_db, actor, path, preset, commit=True, create_categories=True)
    assert report.committed, [p.describe() for p in report.problems]
    statuses = _statuses(catalog_db)
    assert {tag: statuses[tag] for tag in expected} == expected


def test_custody_is_reported_row_by_row_by_default(catalog_db, actor):
    report = _import(catalog_db, actor, SNIPE, "snipe-it", commit=True, create_categories=True)
    assert [(r.line, r.tag, r.custodian) for r in report.custody] == [
        (3, "CAM-1002", "Zoé Lefèvre"),
        (11, "LGT-1010", "Jonas Öberg"),
    ]
    assert "2 item(s) were checked out in the old system" in report.summary()
    with catalog_db.read() as s:
        assert checkout_out.out_lines(s) == []
        assert people.list_people(s) == []


def test_custody_can_arrive_as_open_check_outs_to_people_created_on_the_way(catalog_db, actor):
    with catalog_db.write() as s:
        people.add_person(s, actor, "ÅSA NYSTRÖM")  # known already, typed in capitals
    report = _import(catalog_db, actor, SHELF, "shelf", commit=True, custody="checkout",
                     create_categories=True)  # fmt: skip
    assert report.committed and report.custody == []
    with catalog_db.read() as s:
        out = {line.tag: line.custodian for line in checkout_out.out_lines(s)}
        names = sorted(p.name for p in people.list_people(s))
    assert out == {"SAM-0002": "ÅSA NYSTRÖM", "SAM-0003": "Søren Kierkegaard"}
    assert names == ["Søren Kierkegaard", "ÅSA NYSTRÖM"]
    assert _statuses(catalog_db)["SAM-0002"] is AssetStatus.OUT


def test_a_dry_run_with_custody_writes_nothing(catalog_db, actor):
    report = _import(catalog_db, actor, SHELF, "shelf", custody="checkout", create_categories=True)
    assert not report.committed and report.count("create") == 3
    assert _statuses(catalog_db) == {}
    with catalog_db.read() as s:
        assert people.list_people(s) == []


def test_map_status_reads_the_files_own_values(catalog_db, actor, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(
        "Name,Category,Status\nAlexa,Camera,Kaputt\nFX6,Camera,prêt\nVenice,Camera,weg\n",
        encoding="utf-8",
    )
    table = import_files.read_table(path)
    mapping = importer.initial_mapping(ImportKind.ASSETS, table)
    pairs = ["KAPUTT=in_service", "Prêt=available", "weg=lost"]
    opts = ImportOptions(status_map=importer.status_map(None, pairs))
    with catalog_db.write() as s:
        report = importer.run_import(s, actor, table, ImportKind.ASSETS, mapping, opts, commit=True)
    assert report.committed
    assert sorted(_statuses(catalog_db).values()) == sorted(
        [AssetStatus.IN_SERVICE, AssetStatus.AVAILABLE, AssetStatus.LOST]
    )
    with pytest.raises(ValidationError, match="--map-status wants VALUE=STATUS"):
        importer.status_map(None, ["Kaputt=broken"])


def test_an_unknown_status_names_the_remedy_of_the_cli_or_the_wizard(catalog_db, actor, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text("Name,Category,Status\nAlexa,Camera,Kaputt\n", encoding="utf-8")
    table = import_files.read_table(path)
    mapping = importer.initial_mapping(ImportKind.ASSETS, table)
    for remedies, wanted in (
        (importer.CLI_REMEDIES, "--map-status"),
        (importer.WIZARD_REMEDIES, "mapping page"),
    ):
        with catalog_db.write() as s:
            report = importer.run_import(
                s, actor, table, ImportKind.ASSETS, mapping, ImportOptions(remedies=remedies)
            )
        assert wanted in report.problems[0].message


def test_windows_1252_is_told_apart_from_latin_1():
    text = "Objektiv “Supreme” – Œuvre… 1.299 €"
    assert import_files.decode_bytes(text.encode("cp1252")) == (text, "windows-1252")
    latin = "Caméra Zoë, Größe: 24×36 mm ¼"
    assert import_files.decode_bytes(latin.encode("latin-1"))[0] == latin


def test_the_200_row_messy_export_imports_whole_or_names_every_problem_row(catalog_db, actor):
    table = import_files.read_table(MESSY_200)
    assert (table.encoding, table.delimiter, len(table.rows)) == ("windows-1252", ";", 200)
    report = _import(catalog_db, actor, MESSY_200, "snipe-it")
    problem_rows = [r for r in report.rows if r.problems]
    assert report.count("create") + len(problem_rows) == 200
    described = [p.describe() for p in report.problems]
    assert all("\n" not in d and len(d) < 220 for d in described), described
    assert {r.line for r in problem_rows} == {p.line for p in report.problems}
    by_line = {p.line: p.message for p in report.problems}
    assert len(by_line) == 4
    assert any("is on line" in m for m in by_line.values())  # the duplicated tags
    assert any("'31/02/2021' is not a date" in m for m in by_line.values())
    category = next(m for m in by_line.values() if "Teleprompter" in m)
    assert category.count(",") <= 4  # at most five names
    # accents, Windows-1252 punctuation and trailing spaces arrive clean
    names = {r.name for r in report.rows}
    assert "Angénieux Optimo 24-290 #1" in names
    assert "Œdipe Dupré" in {r.custodian for r in report.custody}
    with pytest.raises(ImportRefused, match="4 problem"):
        _import(catalog_db, actor, MESSY_200, "snipe-it", commit=True)
    assert _statuses(catalog_db) == {}


def test_the_200_row_messy_export_on_the_command_line(catalog_db, capsys):
    code, out, _ = run(
        capsys, "import", "assets", str(MESSY_200), "--preset", "snipe-it",
        "--map-status", "Pending=in_service", "--custody", "checkout", "--db", catalog_db.url,
    )  # fmt: skip
    assert code != 0
    assert "add --create-categories" in out and "tick" not in out
    assert "4 with problems" in out
    code, out, err = run(
        capsys, "import", "assets", str(MESSY_200), "--preset", "snipe-it",
        "--custody", "sideways", "--db", catalog_db.url,
    )  # fmt: skip
    assert code == 2 and "sideways" in err


def test_custody_reuses_a_person_whose_name_has_the_same_key(catalog_db, actor, tmp_path):
    """The file writes the name decomposed (as macOS does) and in other capitals; the house
    knows the person already: the check-out goes to them, nobody new is added."""
    with catalog_db.write() as s:
        known = people.add_person(s, actor, "JOSÉ NÚÑEZ")
    decomposed = unicodedata.normalize("NFD", "José Núñez")
    path = tmp_path / "shelf.csv"
    path.write_text(
        "ID,Sequential ID,Name,Category,Location,Custodian,Status\n"
        f"a1,SAM-0101,Zeiss CP.3 50mm,Lens,shelf a1,{decomposed},IN_CUSTODY\n"
        f"a2,SAM-0102,Zeiss CP.3 85mm,Lens,SHELF A1,{known.badge.lower()},IN_CUSTODY\n",
        encoding="utf-8",
    )
    report = _import(catalog_db, actor, path, "shelf", commit=True, custody="checkout")
    assert report.committed, [p.describe() for p in report.problems]
    assert report.new_locations == ()  # "shelf a1" is the house's Shelf A1
    with catalog_db.read() as s:
        out = {line.tag: line.custodian for line in checkout_out.out_lines(s)}
        names = [p.name for p in people.list_people(s)]
    assert out == {"SAM-0101": "JOSÉ NÚÑEZ", "SAM-0102": "JOSÉ NÚÑEZ"}
    assert names == ["JOSÉ NÚÑEZ"]
