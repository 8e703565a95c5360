"""``gearroom report weekly``: periods, formats, --json and errors."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from report_week import NOW, build_week

from gearroom.cli import main
from gearroom.db import open_database

pytestmark = pytest.mark.sqlite_only


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture(autouse=True)
def _after_the_week() -> Iterator[None]:
    """The report runs on Wednesday 25 November 2026, after week 47 has ended."""
    with mock.patch("gearroom.services.report.current_time", return_value=NOW):
        yield


@pytest.fixture
def week_url(db_url: str) -> str:
    db = open_database(db_url)
    build_week(db)
    db.dispose()
    return db_url


def test_json_numbers_for_a_week(capsys, week_url: str) -> None:
    code, out, _ = run(capsys, "report", "weekly", "--week", "2026-W47", "--json", "--db", week_url)
    assert code == 0
    data = json.loads(out)
    assert data["period"]["week"] == "2026-W47"
    assert data["totals"]["line_days_out"] == 22
    assert data["totals"]["missing_at_end"] == 1
    assert [p["days_out"] for p in data["productions"]] == [10, 12]


def test_xlsx_file(capsys, week_url: str, tmp_path: Path) -> None:
    out_path = tmp_path / "w47.xlsx"
    code, _, err = run(
        capsys, "report", "weekly", "--week", "2026-W47", "--format", "xlsx",
        "-o", str(out_path), "--db", week_url,
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote the XLSX kit report for 2026-W47" in err
    wb = load_workbook(out_path)
    assert wb.sheetnames[0] == "Summary"
    assert "Gear out" in wb.sheetnames and "Missing & overdue" in wb.sheetnames
    assert wb["Gear out"].max_row == 7


def test_pdf_and_csv_files(capsys, week_url: str, tmp_path: Path, qapp) -> None:
    pdf = tmp_path / "w47.pdf"
    code, _, err = run(
        capsys, "report", "weekly", "--from", "2026-11-16", "--to", "2026-11-22",
        "--format", "pdf", "--paper", "letter", "-o", str(pdf), "--db", week_url,
    )  # fmt: skip
    assert code == 0, err
    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.width)) == 792
    zipped = tmp_path / "w47.zip"
    code, _, err = run(
        capsys, "report", "weekly", "--week", "2026-W47", "-o", str(zipped), "--db", week_url
    )
    assert code == 0, err
    with zipfile.ZipFile(zipped) as archive:
        assert "03-gear-out.csv" in archive.namelist()


def test_default_is_the_last_full_week(capsys, week_url: str) -> None:
    monday_after = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday noon in Los Angeles
    with mock.patch("gearroom.services.report.current_time", return_value=monday_after):
        code, out, _ = run(capsys, "report", "weekly", "--json", "--db", week_url)
    assert code == 0
    assert json.loads(out)["period"]["week"] == "2026-W47"


def test_text_summary_without_a_format(capsys, week_url: str) -> None:
    code, out, _ = run(capsys, "report", "weekly", "--week", "2026-W47", "--db", week_url)
    assert code == 0
    assert "Days out (sum of lines)" in out and "All productions" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W99"], "2026 has no week 99"),
        (["--week", "last"], "not a week"),
        (["--from", "2026-11-22", "--to", "2026-11-16"], "ends before"),
        (["--from", "2026-11-22"], "both --from and --to"),
        (["--week", "2026-W47", "--from", "2026-11-22", "--to", "2026-11-23"], "not both"),
        (["--format", "xlsx"], "-o PATH"),
        (["-o", "report.txt"], "Cannot tell the format"),
    ],
)
def test_errors_are_clear(capsys, week_url: str, args: list[str], message: str) -> None:
    code, out, err = run(capsys, "report", "weekly", *args, "--db", week_url)
    assert code == 2
    assert message in err
    assert err.startswith("gearroom: ")
    assert out == ""


def test_revenue_is_in_the_report_for_staff_and_never_for_assistants(
    capsys, catalog_db, tmp_path: Path, monkeypatch
) -> None:
    from datetime import date

    from gearroom.services import invoicing, operators, quotes
    from gearroom.services.actor import Actor
    from tests.unit.services._money import add_client, book, job, priced_house

    db, db_url = catalog_db, catalog_db.url
    admin = Actor("boss")
    with db.write() as s:
        h = priced_house(s, admin)
        add_client(s, admin, "Northlight", discount="10")
        name = job(s, admin, "Night Train", client="Northlight")
        book(s, admin, name, h.cam, f"{h.batt}:4")
        quotes.accept_quote(s, admin, quotes.build_quote(s, admin, name).number)
        number = invoicing.draft_invoice(s, admin, name).number
        invoicing.issue_invoice(s, admin, number, today=date(2026, 11, 17))
        operators.create_operator(s, admin, "boss", "admin", "111111")
        operators.create_operator(s, admin, "desk", "staff", "2222")
        operators.create_operator(s, admin, "ac", "assistant", "3333")
    week = ("report", "weekly", "--week", "2026-W47", "--db", db_url)
    for who, pin in (("desk", "2222"), ("boss", "111111")):
        monkeypatch.setenv("GEARROOM_OPERATOR", who)
        monkeypatch.setenv("GEARROOM_PIN", pin)
        code, out, err = run(capsys, *week, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert list(data)[-1] == "revenue"
        # camera min(4 × 400, 3 × 400) + 4 batteries × min(20, 15), less 10 %: 1134.00
        assert data["revenue"]["totals"][0]["revenue"] == "1134.00"
        assert data["revenue"]["by_client"][0]["client"] == "Northlight"
        pdf = tmp_path / f"{who}.pdf"
        code, _, err = run(capsys, *week, "--format", "pdf", "-o", str(pdf))
        assert code == 0, err
        text = " ".join(
            " ".join((page.extract_text() or "").split()) for page in PdfReader(str(pdf)).pages
        )
        assert "Revenue by production" in text and "€1,134.00" in text
        code, out, _ = run(capsys, *week)
        assert code == 0 and "Revenue by client" in out and "€1,134.00" in out
    monkeypatch.setenv("GEARROOM_OPERATOR", "ac")
    monkeypatch.setenv("GEARROOM_PIN", "3333")
    code, out, err = run(capsys, *week, "--json")
    assert code != 0 and "may not run reports" in err and "revenue" not in out
