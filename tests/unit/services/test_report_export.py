"""XLSX and CSV exports of the kit report, read back; formula neutralising."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from openpyxl import load_workbook
from report_week import NOW, WEEK, build_week

from gearroom.db import Database
from gearroom.errors import ValidationError
from gearroom.services.report import KitReport, build_report, week_period
from gearroom.services.report_export import (
    FORMULA_TRIGGERS,
    neutralise,
    report_sections,
    write_csv,
    write_xlsx,
)

HOSTILE = '=HYPERLINK("http://evil.example","SkyPanel")'

SHEETS = [
    "Summary",
    "Productions",
    "Gear out",
    "Check-outs",
    "Returns",
    "Service",
    "Missing & overdue",
    "Utilisation by category",
    "Busiest items",
    "Idle 4 weeks",
    "Utilisation by item",
]


@pytest.fixture
def report(database: Database) -> KitReport:
    build_week(database, hostile_name=HOSTILE)
    with database.read() as s:
        return build_report(s, week_period(WEEK), now=NOW)


def test_xlsx_sheets_types_and_header(report: KitReport, tmp_path: Path) -> None:
    path = write_xlsx(report, tmp_path / "week.xlsx", house_name="Northern Lights Rentals")
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width >= 8

    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Rental house"] == "Northern Lights Rentals"
    assert summary["First day"] == datetime(2026, 11, 16)  # a real Excel date
    assert summary["Days out (sum of lines)"] == 22
    assert summary["Utilisation"] == pytest.approx(22 / 42)
    assert wb["Summary"]["B2"].number_format == "General"

    gear = wb["Gear out"]
    header = [c.value for c in gear[1]]
    assert header[:4] == ["Production tag", "Production", "Tag", "Item"]
    rows = list(gear.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    first = dict(zip(header, rows[0], strict=True))
    assert first["Out"] == datetime(2026, 11, 13, 18, 0)  # local wall-clock time
    assert first["Due back"] == datetime(2026, 11, 17)
    assert first["Days out"] == 2 and isinstance(first["Days out"], int)
    assert gear.cell(row=2, column=header.index("Out") + 1).number_format == "yyyy-mm-dd hh:mm"
    assert gear.cell(row=2, column=header.index("Due back") + 1).number_format == "yyyy-mm-dd"

    productions = list(wb["Productions"].iter_rows(min_row=2, values_only=True))
    assert [r[5] for r in productions] == [10, 12, 22]
    assert productions[-1][1] == "All productions"

    cats = list(wb["Utilisation by category"].iter_rows(min_row=2, values_only=True))
    assert cats[0] == ("Camera", 3, 12, 21, pytest.approx(12 / 21))
    assert wb["Utilisation by category"]["E2"].number_format == "0.0%"


def test_xlsx_neutralises_a_hostile_name(report: KitReport, tmp_path: Path) -> None:
    wb = load_workbook(write_xlsx(report, tmp_path / "week.xlsx"))
    idle = wb["Idle 4 weeks"]
    cell = idle["B2"]
    assert cell.data_type == "s"  # text, not a formula
    assert cell.value == HOSTILE  # as written: no visible leading quote


def test_csv_zip_one_file_per_section(report: KitReport, tmp_path: Path) -> None:
    path = write_csv(report, tmp_path / "week.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "01-summary.csv"
        assert len(names) == len(SHEETS)
        gear = list(csv.reader(io.StringIO(archive.read("03-gear-out.csv").decode("utf-8"))))
        idle = archive.read("10-idle.csv").decode("utf-8")
    assert gear[0][:3] == ["Production tag", "Production", "Tag"]
    assert gear[1][8] == "2026-11-13 18:00"
    assert gear[1][-1] == "2"
    assert len(gear) == 7
    rows = list(csv.reader(io.StringIO(idle)))
    assert rows[1][1] == "'" + HOSTILE
    assert rows[1][5] == "0.0000"


def test_csv_folder(report: KitReport, tmp_path: Path) -> None:
    folder = write_csv(report, tmp_path / "csv")
    files = sorted(p.name for p in folder.iterdir())
    assert files[0] == "01-summary.csv" and len(files) == len(SHEETS)
    text = (folder / "07-missing-overdue.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
        ("missing", "CAM-0003", "3"),
        ("overdue", "CAM-0002", "3"),
    ]


def test_a_missing_folder_is_refused_and_nothing_is_written(
    report: KitReport, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        write_xlsx(report, tmp_path / "nowhere" / "week.xlsx")
    assert not (tmp_path / "nowhere").exists()
    out = tmp_path / "out"
    out.mkdir()
    write_xlsx(report, out / "week.xlsx")
    assert [p.name for p in out.iterdir()] == ["week.xlsx"]  # no temporary file left


def test_sections_share_the_numbers(report: KitReport) -> None:
    sections = {s.key: s for s in report_sections(report)}
    total = sections["productions"].rows[-1]
    assert total[3:] == (6, 6, 22)
    assert sum(int(r[-1]) for r in sections["gear_out"].rows) == 22  # type: ignore[arg-type]
    assert all(len(r) == len(s.columns) for s in sections.values() for r in s.rows)
    service = [(r[0], r[2]) for r in sections["service"].rows]
    assert service == [
        ("opened", "LNS-0001"),
        ("closed", "LGT-0001"),
        ("in service at end", "LNS-0001"),
    ]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_trigger_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    out = neutralise(text)
    assert not out.startswith(FORMULA_TRIGGERS)
    assert out == text or out == "'" + text
    if not text.startswith(FORMULA_TRIGGERS):
        assert out == text


def test_dates_are_not_text_anywhere(report: KitReport) -> None:
    for section in report_sections(report):
        for row in section.rows:
            for value, column in zip(row, section.columns, strict=True):
                if column.kind in ("date", "datetime") and value is not None:
                    assert isinstance(value, date), (section.key, column.title)
