"""``gearroom labels``: templates, TAG arguments, --kit, --category, formats and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gearroom.cli import main
from gearroom.config import file_places
from gearroom.db import open_database
from gearroom.paths import label_templates_dir
from gearroom.services import catalog, kits, labels, stock
from gearroom.services.setup import ensure_standard_categories
from tests.render.decode import decode, pdf_page_sizes_mm, render_pdf

pytestmark = pytest.mark.sqlite_only


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def gear_db(db_url, actor, qapp):
    db = open_database(db_url)
    with db.write() as s:
        ensure_standard_categories(s, actor)
        for mm in (18, 25, 32):
            catalog.create_asset(s, actor, catalog.AssetDraft(f"Cooke S4/i {mm}mm", "Lens"))
        catalog.create_asset(s, actor, catalog.AssetDraft("Sony FX6", "Camera", serial="F-1"))
        cable = stock.create_stock_item(s, actor, "SDI cable 1 m", "Power", 10, tag="CBL-0001")
        outer = kits.create_kit(s, actor, "Camera package", tag="KIT-0001")
        inner = kits.create_kit(s, actor, "Lens case", tag="KIT-0002", parent="KIT-0001")
        kits.add_to_kit(s, actor, outer.tag, "CAM-0001")
        kits.add_to_kit(s, actor, outer.tag, cable.tag, 2)
        kits.add_to_kit(s, actor, inner.tag, "LNS-0001")
        kits.add_to_kit(s, actor, inner.tag, "LNS-0002")
    db.dispose()
    return db_url


def test_templates_are_listed_as_text_and_json(capsys):
    code, out, _ = run(capsys, "labels", "templates")
    assert code == 0
    assert "avery-l7163" in out and "zebra-2x1" in out and "99.1×38.1 mm" in out
    code, out, _ = run(capsys, "labels", "templates", "--json")
    data = json.loads(out)
    by_name = {t["name"]: t for t in data}
    assert by_name["avery-l7651"]["per_page"] == 65
    assert by_name["brother-dk22205"]["dpi"] == 300


def test_tags_on_a_sheet_from_a_start_position(capsys, gear_db, tmp_path: Path):
    out_pdf = tmp_path / "labels.pdf"
    code, out, err = run(
        capsys, "labels", "LNS-0001", "lns-0002", "--template", "avery-l7163",
        "--start", "5", "-o", str(out_pdf), "--db", gear_db,
    )  # fmt: skip
    assert code == 0, err
    assert "2 label(s) on avery-l7163" in out
    assert pdf_page_sizes_mm(out_pdf) == [pytest.approx((210, 297), abs=0.2)]
    (page,) = render_pdf(out_pdf)
    found = decode(page, 300)
    cells = labels.get_template("avery-l7163", label_templates_dir()).label_rects()
    assert {f.text for f in found} == {"LNS-0001", "LNS-0002"}
    assert all(any(c.contains(f.box) for c in cells[4:6]) for f in found)
    # The start position is remembered for the next run.
    remembered = labels.load_label_settings(file_places().label_settings)
    assert remembered.for_template("avery-l7163").start == 5


def test_a_kit_prints_its_label_and_all_contents_nested(capsys, gear_db, tmp_path: Path):
    code, out, _ = run(
        capsys, "labels", "--kit", "KIT-0001", "--template", "avery-l7160",
        "-o", str(tmp_path / "kit.pdf"), "--json", "--db", gear_db,
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["labels"] == 6  # outer case, camera, cable, inner case, two lenses
    (page,) = render_pdf(tmp_path / "kit.pdf")
    assert sorted(f.text for f in decode(page, 300)) == sorted(
        ["KIT-0001", "CAM-0001", "CBL-0001", "KIT-0002", "LNS-0001", "LNS-0002"]
    )


def test_a_category_as_zpl(capsys, gear_db, tmp_path: Path):
    target = tmp_path / "lenses.zpl"
    code, out, _ = run(
        capsys, "labels", "--category", "Lens", "--format", "zpl", "--template", "zebra-2x1",
        "-o", str(target), "--db", gear_db,
    )  # fmt: skip
    assert code == 0, out
    zpl = target.read_text()
    assert zpl.count("^XA") == 3
    for tag in ("LNS-0001", "LNS-0002", "LNS-0003"):
        assert f"^FDMA,{tag}^FS" in zpl


def test_pngs_one_per_label_for_a_roll(capsys, gear_db, tmp_path: Path):
    code, out, _ = run(
        capsys, "labels", "LNS-0001", "CAM-0001", "--format", "png",
        "--template", "brother-dk22205", "-o", str(tmp_path / "roll.png"), "--json",
        "--db", gear_db,
    )  # fmt: skip
    assert code == 0
    files = [Path(f) for f in json.loads(out)["files"]]
    assert [f.name for f in files] == ["roll-LNS-0001.png", "roll-CAM-0001.png"]
    from PIL import Image

    for path, tag in zip(files, ["LNS-0001", "CAM-0001"], strict=True):
        assert [f.text for f in decode(Image.open(path).convert("L"), 300)] == [tag]


def test_unknown_tag_fails_cleanly_and_writes_nothing(capsys, gear_db, tmp_path: Path):
    target = tmp_path / "x.pdf"
    code, _, err = run(capsys, "labels", "NOPE-0001", "-o", str(target), "--db", gear_db)
    assert code == 3
    assert err.startswith("gearroom: Unknown tag") and err.count("\n") == 1
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["LNS-0001", "--start", "15", "--template", "avery-l7163"], "1 to 14"),
        (["LNS-0001", "--start", "2", "--template", "zebra-2x1"], "is a roll"),
        (["--template", "avery-l7163"], "at least one TAG"),
        (["LNS-0001", "--template", "nope"], "No label template"),
        (["LNS-0001", "--printer", "q", "--format", "pdf"], "send ZPL"),
    ],
)
def test_bad_options_are_refused(capsys, gear_db, tmp_path: Path, args, message):
    code, _, err = run(capsys, "labels", *args, "-o", str(tmp_path / "o.pdf"), "--db", gear_db)
    assert code != 0
    assert message in err
    assert not (tmp_path / "o.pdf").exists()
