"""The kit report PDF, read back as text (pypdf) and rendered to PNG (pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from report_week import NOW, WEEK, build_week

from gearroom.db import Database
from gearroom.errors import ValidationError
from gearroom.render.reports import write_pdf
from gearroom.services.report import KitReport, build_report, week_period

HOUSE = "Northern Lights Rentals"


@pytest.fixture
def report(database: Database, qapp: Any) -> KitReport:
    build_week(database)
    with database.read() as s:
        return build_report(s, week_period(WEEK), now=NOW)


def _text(path: Path) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(path)
    # pypdf separates words with tabs or spaces; compare with single spaces.
    return reader, [re.sub(r"[ \t]+", " ", page.extract_text()) for page in reader.pages]


@pytest.mark.parametrize(("size", "points"), [("a4", (842, 595)), ("letter", (792, 612))])
def test_pdf_pages_carry_house_period_and_page_numbers(
    report: KitReport, tmp_path: Path, size: str, points: tuple[int, int]
) -> None:
    path = write_pdf(report, tmp_path / f"week-{size}.pdf", house_name=HOUSE, page_size=size)
    reader, pages = _text(path)
    count = len(pages)
    assert count >= 2
    for number, text in enumerate(pages, start=1):
        assert HOUSE in text
        assert "2026-W47" in text
        assert f"Page {number} of {count}" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points  # landscape
    whole = "\n".join(pages)
    for heading in (
        "Weekly kit report",
        "Utilisation by category",
        "Gear out, by production",
        "Check-outs",
        "Returns",
        "Service",
        "Missing & overdue",
        "Busiest items",
        "Idle 4 weeks",
    ):
        assert heading in whole, heading
    assert "Blue Hour (PRD-0001)" in whole
    assert "All productions: 6 lines, 22 days out." in whole
    assert "52.4%" in whole  # 22 / 42
    assert "57.1% (12 / 21 days)" in whole  # the chart's Camera bar
    assert "2026-11-22 23:30" in whole  # the Sunday-night return, in local time


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_first_page_renders(report: KitReport, tmp_path: Path) -> None:
    path = write_pdf(report, tmp_path / "week.pdf", house_name=HOUSE)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = QImage(str(tmp_path / "p-1.png"))
    assert (image.width(), image.height()) == (702, 496)  # A4 landscape at 60 dpi
    # The chart's bars are drawn in the bar colour somewhere on the first page.
    blue = sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).name() == "#2f6f9f"
    )
    assert blue > 100


def test_a_bad_paper_size_or_folder_is_refused(report: KitReport, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="paper size"):
        write_pdf(report, tmp_path / "x.pdf", page_size="a3")
    with pytest.raises(ValidationError, match="does not exist"):
        write_pdf(report, tmp_path / "none" / "x.pdf")
    assert not list(tmp_path.glob("*.pdf"))


def test_every_column_title_is_whole_when_a_table_is_too_wide(
    report: KitReport, tmp_path: Path
) -> None:
    """A table wider than the page narrows its widest text columns (item, note) first: every
    column title stays whole, also with long notes and names in every row."""
    from dataclasses import replace

    from gearroom.render.reports.pdf import PDF_LIST_LIMIT, SPREADSHEET_ONLY
    from gearroom.services.report_export import report_sections

    long = "A scratch on the front element found at check-in, under the hood, left side " * 3
    tickets = tuple(
        replace(t, note=long, item=t.item + " (with a long description)")
        for t in (*report.tickets_opened, *report.in_service)
    )
    assert tickets, "the week has a service ticket"
    wide = replace(report, tickets_opened=tickets, in_service=tickets)
    path = write_pdf(wide, tmp_path / "wide.pdf", house_name=HOUSE, page_size="a4")
    text = " ".join(_text(path)[1])
    assert "…" in text  # the long notes were cut, not the titles
    for section in report_sections(wide, HOUSE):
        if section.key in ("summary", "gear_out", *SPREADSHEET_ONLY) or (
            PDF_LIST_LIMIT.get(section.key) == 0
        ):
            continue
        for column in section.columns:
            assert column.title in text, f"{section.title}: {column.title!r} is cut"
