"""Every template and every output reads with independent decoders at any resolution.

Each PDF is rendered once per resolution by poppler's pdftoppm, anti-aliasing on and off (as a
viewer and as a plain rasteriser show it), and each label is cropped to its own rectangle: its
code must read there with zxing-cpp and with zbar (a decoder that shares no code with zxing),
and with OpenCV's detector as a third opinion. The whole page must read too: zxing-cpp and zbar
each find every code of the page in one pass, as a scanner app pointed at the sheet does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from gearroom.paths import label_templates_dir
from gearroom.render.labels import render_page_image, write_pdf, write_pngs
from gearroom.services import labels
from gearroom.services.labels import LabelContent, LabelKind, LabelOptions
from tests.render.decode import (
    ANTIALIAS,
    DECODERS,
    DPIS,
    PAGE_DECODERS,
    crop_mm,
    pdftoppm,
    to_pil,
    unread,
)

HOUSE = LabelOptions(house_name="Gearroom Rentals", house_phone="+44 20 7946 0000")
TEMPLATES = [t.name for t in labels.list_templates(label_templates_dir())]
#: Items, a case, a crew badge, a place and small stock: every kind of label, long tags too.
CONTENTS = [
    LabelContent("LNS-0001", LabelKind.ITEM, "Cooke S4/i 18mm T2.0", "S4-018", "Lens"),
    LabelContent("CAM-0042", LabelKind.ITEM, "ARRI Alexa Mini LF", "AML-2201", "Camera"),
    LabelContent("KIT-0008", LabelKind.CASE, "FX6 package", "", "Case · 14 items"),
    LabelContent("P-0042", LabelKind.PERSON, "Ana Lopez", "", "Northern Lights"),
    LabelContent("LOC-0003", LabelKind.LOCATION, "Shelf A1", "", "Shelf"),
    LabelContent("PWR-0001", LabelKind.SMALL, "V-mount 150Wh", "", "Power"),
    LabelContent("LNS-VESPID-PRIME-125MM-T19-0042", LabelKind.ITEM, "DZO Vespid 125mm", "VP-1"),
    *(
        LabelContent(f"LNS-{i:04d}", LabelKind.ITEM, f"Cooke S4/i {mm}mm", f"S4-{mm:03d}")
        for i, mm in enumerate((21, 25, 27, 32, 40), start=2)
    ),
]


def _job(name: str) -> labels.LabelJob:
    template = labels.get_template(name, label_templates_dir())
    count = min(len(CONTENTS), template.per_page) if template.per_page > 1 else 4
    return labels.plan_job(CONTENTS[:count], template, HOUSE)


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_label_of_every_template_reads_at_every_resolution(qapp, tmp_path: Path, name):
    job = _job(name)
    pdf = write_pdf(job, tmp_path / f"{name}.pdf")
    failures = []
    for dpi in DPIS:
        for antialias in ANTIALIAS:
            pages = pdftoppm(pdf, dpi, antialias, tmp_path)
            assert len(pages) == len(job.pages)
            mode = "aa" if antialias else "no-aa"
            for page, job_page in zip(pages, job.pages, strict=True):
                for placed in job_page.labels:
                    tag = placed.layout.content.tag
                    missed = unread(page, placed.rect, dpi, tag)
                    if missed:
                        failures.append((dpi, mode, tag, missed))
                tags = {placed.layout.content.tag for placed in job_page.labels}
                for decoder, read in PAGE_DECODERS.items():
                    lost = sorted(tags - read(page))
                    if lost:
                        failures.append((dpi, mode, "whole page", [decoder, *lost]))
    assert failures == []


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_one_bit_png_reads_with_every_decoder(qapp, tmp_path: Path, name):
    job = _job(name)
    for path, placed in zip(write_pngs(job, tmp_path / "label.png"), job.labels, strict=True):
        with Image.open(path) as png:
            assert len(png.getcolors()) == 2  # one bit per dot
            grey = png.convert("L")
        tag = placed.layout.content.tag
        assert {n: tag in read(grey) for n, read in DECODERS.items()} == dict.fromkeys(
            DECODERS, True
        ), path.name


def test_a_code_is_not_read_outside_its_label(qapp, tmp_path: Path):
    """The check above can fail: an empty cell of the same sheet reads nothing."""
    template = labels.get_template("avery-l7163", label_templates_dir())
    job = labels.plan_job(CONTENTS[:2], template, HOUSE)
    (page,) = pdftoppm(write_pdf(job, tmp_path / "two.pdf"), 300, True, tmp_path)
    empty = template.label_rects()[5]
    crop = crop_mm(page, empty, 300)
    assert all(read(crop) == set() for read in DECODERS.values())
    assert unread(page, empty, 300, "LNS-0001") == list(DECODERS)


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATES)
def test_the_preview_image_reads_with_every_decoder_at_every_resolution(qapp, name):
    """The page image the preview and the checks draw (Qt's raster painter, smoothed or 1-bit)
    reads label by label and as a whole page, like the PDF."""
    job = _job(name)
    failures = []
    for dpi in DPIS:
        for antialias in ANTIALIAS:
            for job_page in job.pages:
                page = to_pil(render_page_image(job_page, dpi, mono=not antialias))
                for placed in job_page.labels:
                    tag = placed.layout.content.tag
                    missed = unread(page, placed.rect, dpi, tag)
                    if missed:
                        failures.append((dpi, antialias, tag, missed))
                tags = {placed.layout.content.tag for placed in job_page.labels}
                for decoder, read in PAGE_DECODERS.items():
                    lost = sorted(tags - read(page))
                    if lost:
                        failures.append((dpi, antialias, "whole page", [decoder, *lost]))
    assert failures == []
