"""Names in any script are drawn: emoji, CJK, Arabic, and a line separator printed as a space."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from PIL import Image

from gearroom.paths import label_templates_dir
from gearroom.render.labels import write_pdf
from gearroom.render.text import one_line
from gearroom.services import labels
from gearroom.services.labels import LabelContent, LabelKind, LabelOptions

NAME = "Kamera 📷 カメラ 撮影機 كاميرا Linse\u2028Zeile"


def test_one_line_turns_separators_into_spaces():
    assert one_line("a\u2028b\u2029c\nd\te") == "a b c d e"
    assert one_line("Sony FX6") == "Sony FX6"


def test_a_label_draws_every_script_of_its_name(qapp, tmp_path: Path):
    template = labels.get_template("avery-l7163", label_templates_dir())
    job = labels.plan_job(
        [LabelContent("CAM-0042", LabelKind.ITEM, NAME, "SN-1")], template, LabelOptions()
    )
    assert job.warnings == ()
    pdf = write_pdf(job, tmp_path / "names.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    plain = unicodedata.normalize("NFKC", text)
    for word in ("Kamera", "カメラ", "撮影機", "Zeile"):
        assert word in plain
    assert "كاميرا" in plain.replace("\u202b", "").replace("\u202c", "")
    # The separator printed as a space: "Zeile" is a word of its own.
    assert "Linse Zeile" in " ".join(plain.split())
    # The emoji is drawn in colour (Noto Color Emoji) on the name line.
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as page:
        cell = job.labels[0].rect
        s = 150 / 25.4
        crop = page.convert("RGB").crop(
            (round(cell.x * s), round(cell.y * s), round(cell.right * s), round(cell.bottom * s))
        )
    pixels = crop.load()
    coloured = [
        (x, y)
        for x in range(crop.width)
        for y in range(crop.height)
        if max(pixels[x, y]) - min(pixels[x, y]) > 60
    ]
    assert len(coloured) > 20
