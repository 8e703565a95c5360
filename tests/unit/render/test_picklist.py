"""The pick list PDF: one page per screenful of lines, sorted by location, the production's
QR tag readable by a scanner, ticks on what is picked."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from gearroom.render.picklist import qr_image, write_picklist
from gearroom.services.picklist import PickLine, PickList

NEEDS = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="poppler-utils and zbar-tools are needed to read the PDF back",
)


def _pick(n: int) -> PickList:
    lines = tuple(
        PickLine("asset", i, f"LNS-{i:04d}", f"Prime {i}", f"Shelf {i // 10:02d}", 1, i % 2)
        for i in range(n)
    )
    return PickList(
        1, "Nightfall", "PRD-0007", "Northlight", date(2026, 12, 1), date(2026, 12, 4), 3, lines
    )


def test_the_qr_image_has_one_pixel_per_module():
    image = qr_image("PRD-0007")
    assert image.width() == image.height() == 21  # version 1
    assert {image.pixelColor(x, 0).value() for x in range(7)} == {0}  # the finder pattern


@NEEDS
def test_the_pdf_lists_every_line_in_order_over_pages_and_its_qr_scans(tmp_path):
    path = write_picklist(_pick(60), tmp_path / "pick.pdf", house_name="Gearroom Rentals")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    tags = [w for w in text.split() if w.startswith("LNS-")]
    assert tags == [f"LNS-{i:04d}" for i in range(60)]
    assert "Page 2" in text and "30 of 60 picked" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "p-1.png")], capture_output=True, text=True
    )
    assert found.stdout.split() == ["PRD-0007"]
