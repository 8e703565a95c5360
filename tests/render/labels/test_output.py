"""Labels read back: PDF sheets and 1-bit PNGs decode to exactly their tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from gearroom.paths import label_templates_dir
from gearroom.render.labels import render_label_image, write_pdf, write_pngs
from gearroom.render.labels.output import png_paths
from gearroom.services import labels
from gearroom.services.labels import LabelContent, LabelKind, LabelOptions
from tests.render.decode import decode, pdf_page_sizes_mm, render_pdf

LONG_TAG = "LNS-VESPID-PRIME-125MM-T19-0042"
HOUSE = LabelOptions(house_name="Gearroom Rentals", house_phone="+44 20 7946 0000")
LENS_SET = [
    LabelContent(f"LNS-{i:04d}", LabelKind.ITEM, f"Cooke S4/i {mm}mm T2.0", f"S4-{mm:03d}", "Lens")
    for i, mm in enumerate((12, 14, 16, 18, 21, 25, 27, 32, 40, 50, 75, 100), start=1)
]


def assert_each_tag_in_its_label(job, found, formats=("QRCode",)):
    """Every placed label decodes to its own tag, inside its rectangle, once per format."""
    for placed in job.labels:
        for fmt in formats:
            inside = [f for f in found if f.format.endswith(fmt) and placed.rect.contains(f.box)]
            assert [f.text for f in inside] == [placed.layout.content.tag], (placed.rect, fmt)


def test_a_lens_set_on_l7163_decodes_12_out_of_12(qapp, tmp_path: Path):
    template = labels.get_template("avery-l7163", label_templates_dir())
    job = labels.plan_job(LENS_SET, template, HOUSE)
    pdf = write_pdf(job, tmp_path / "lenses.pdf")
    assert pdf_page_sizes_mm(pdf) == [pytest.approx((210, 297), abs=0.2)]
    (page,) = render_pdf(pdf)
    found = decode(page, 300)
    assert sorted(f.text for f in found) == sorted(c.tag for c in LENS_SET)
    assert_each_tag_in_its_label(job, found)


def test_start_position_offset_and_code128_on_a_sheet(qapp, tmp_path: Path):
    template = labels.get_template("avery-l7163", label_templates_dir())
    options = LabelOptions(code128=True, house_name="Gearroom Rentals")
    job = labels.plan_job(LENS_SET[:4], template, options, start=6, offset=(1.0, -0.5))
    assert all(p.layout.code128 is not None for p in job.labels)
    (page,) = render_pdf(write_pdf(job, tmp_path / "bars.pdf"))
    found = decode(page, 300)
    assert_each_tag_in_its_label(job, found, ("QRCode", "Code128"))
    # Nothing is printed on the five skipped cells.
    cells = template.label_rects(1.0, -0.5)[:5]
    assert not [f for f in found if any(c.contains(f.box) for c in cells)]


def test_a_long_tag_on_the_smallest_stock_decodes(qapp, tmp_path: Path):
    template = labels.get_template("avery-l7651", label_templates_dir())
    contents = [
        LabelContent(LONG_TAG, LabelKind.ITEM, "DZO Vespid Prime 125mm", "VP-1"),
        LabelContent("CAM-0042", LabelKind.ITEM, "ARRI Alexa Mini LF", "AML-2201"),
    ]
    job = labels.plan_job(contents, template, HOUSE, start=65)
    assert len(job.pages) == 2
    pages = render_pdf(write_pdf(job, tmp_path / "mini.pdf"), dpi=600)
    for page, job_page in zip(pages, job.pages, strict=True):
        found = decode(page, 600)
        sub = labels.LabelJob(template, (job_page,))
        assert_each_tag_in_its_label(sub, found)


def test_a_62mm_roll_gives_one_bit_pngs_at_300_dpi_that_decode(qapp, tmp_path: Path):
    template = labels.get_template("brother-dk22205", label_templates_dir())
    options = LabelOptions(code128=True, house_phone="+44 20 7946 0000")
    job = labels.plan_job([*LENS_SET[:3], LabelContent(LONG_TAG)], template, options)
    paths = write_pngs(job, tmp_path / "roll.png")
    assert [p.name for p in paths] == [
        "roll-LNS-0001.png",
        "roll-LNS-0002.png",
        "roll-LNS-0003.png",
        f"roll-{LONG_TAG}.png",
    ]
    for path, placed in zip(paths, job.labels, strict=True):
        header = path.read_bytes()[:26]
        assert header[24] == 1  # PNG bit depth: one bit per dot
        image = Image.open(path)
        assert len(image.getcolors()) == 2
        assert image.size == (732, 343)  # 62 x 29 mm at 300 dpi
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        found = decode(image.convert("L"), 300)
        assert {f.text for f in found} == {placed.layout.content.tag}
        assert any(f.format.endswith("QRCode") for f in found)
    assert any(f.format.endswith("Code128") for f in decode(Image.open(paths[0]).convert("L"), 300))


def test_roll_modules_are_whole_dots(qapp):
    template = labels.get_template("zebra-2x1", label_templates_dir())
    layout = labels.layout_label(LabelContent("CAM-0001"), template, LabelOptions())
    image = render_label_image(layout, 203)
    dots = round(layout.qr.module * 203 / 25.4)
    assert dots >= 2
    x0 = round(layout.qr.rect.x * 203 / 25.4)
    y0 = round(layout.qr.rect.y * 203 / 25.4)
    # Every module is a solid square of dots, as the matrix says.
    for r, row in enumerate(layout.qr.matrix):
        for c, dark in enumerate(row):
            for dy in range(dots):
                for dx in range(dots):
                    pixel = image.pixelColor(x0 + c * dots + dx, y0 + r * dots + dy)
                    assert (pixel.lightness() < 128) == dark


def test_one_label_png_goes_to_the_given_path(tmp_path: Path):
    job = labels.plan_job(
        [LabelContent("CAM-0001")],
        labels.get_template("dymo-30334", label_templates_dir()),
        LabelOptions(),
    )
    assert png_paths(job, tmp_path / "one.png") == [tmp_path / "one.png"]
