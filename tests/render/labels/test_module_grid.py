"""A rasterised sheet draws every QR module as the qrcode library's own matrix says, each the same
whole number of pixels: the property that page-level finders (zbar's, OpenCV's) need to read
every code of a sheet, not just each code on its own."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import qrcode
import qrcode.constants

from gearroom.paths import label_templates_dir
from gearroom.render.labels import write_pdf
from gearroom.services import labels
from gearroom.services.labels import SHEET_GRID_MM, LabelContent, LabelKind, LabelOptions
from tests.render.decode import pdftoppm

HOUSE = LabelOptions(house_name="Gearroom Rentals", house_phone="+44 20 7946 0000")
LENSES = [
    LabelContent(f"LNS-{i:04d}", LabelKind.ITEM, f"Cooke S4/i {mm}mm T2.0", f"S4-{mm:03d}", "Lens")
    for i, mm in enumerate((12, 14, 16, 18, 21, 25, 27, 32, 40, 50, 75, 100), start=1)
]


def reference(tag: str) -> numpy.ndarray:
    """The modules of ``tag`` as the qrcode library makes them (error correction M)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(tag)
    code.make(fit=True)
    return numpy.array(code.get_matrix(), dtype=bool)


def test_sheet_modules_are_whole_grid_steps():
    for template in labels.list_templates(label_templates_dir()):
        if template.kind is not labels.StockKind.SHEET:
            continue
        for content in (LENSES[0], LabelContent("LNS-VESPID-PRIME-125MM-T19-0042")):
            layout = labels.layout_label(content, template, HOUSE)
            steps = layout.qr.module / SHEET_GRID_MM
            assert steps == pytest.approx(round(steps), abs=1e-9), (template.name, steps)
            assert round(steps) >= 1
            assert layout.qr.module >= template.smallest_module()


@pytest.mark.parametrize(
    ("name", "dpi"),
    [("avery-l7163", 600), ("avery-l7163", 200), ("avery-l7651", 150), ("avery-l7651", 400)],
)
def test_every_module_is_the_reference_module_and_the_same_whole_pixels(
    qapp, tmp_path: Path, name: str, dpi: int
):
    template = labels.get_template(name, label_templates_dir())
    job = labels.plan_job(LENSES[: template.per_page], template, HOUSE)
    (page,) = pdftoppm(write_pdf(job, tmp_path / "sheet.pdf"), dpi, True, tmp_path)
    pixels = numpy.asarray(page)
    scale = dpi / 25.4
    for placed in job.labels:
        qr = placed.layout.qr
        matrix = reference(placed.layout.content.tag)
        n = len(matrix)
        size = qr.module * scale
        assert size == pytest.approx(round(size), abs=1e-6)  # a whole number of pixels
        k = round(size)
        # The code's corner is on the page's 1/50-inch grid, so on a pixel at this resolution.
        x0 = round(round((placed.rect.x + qr.rect.x) / SHEET_GRID_MM) * SHEET_GRID_MM * scale)
        y0 = round(round((placed.rect.y + qr.rect.y) / SHEET_GRID_MM) * SHEET_GRID_MM * scale)
        code = pixels[y0 : y0 + n * k, x0 : x0 + n * k]
        # Every pixel of a module is its module's colour: no module a pixel wider than another,
        # no grey edge.
        expected = numpy.kron(matrix, numpy.ones((k, k), dtype=bool))
        dark = code < 128
        assert (dark == expected).all(), placed.layout.content.tag
        assert ((code <= 1) | (code >= 254)).all()  # black or white, no edge of grey
        # The quiet zone around it is white.
        quiet = 4 * k
        around = pixels[y0 - quiet : y0 + (n * k) + quiet, x0 - quiet : x0 + n * k + quiet]
        ring = around.copy()
        ring[quiet:-quiet, quiet:-quiet] = 255
        assert (ring > 200).all()
