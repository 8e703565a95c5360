"""The rental house's money on the command line: a production quoted, accepted, sent out,
returned a day late with a damaged lens and a lost filter, invoiced, issued, part-paid and
credited. Every figure is worked by hand below."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader
from sqlalchemy import text

from gearroom.cli import cli, main
from gearroom.services import returns
from tests.unit.services._gear import day, person


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", url], catch_exceptions=False)


def ok(url: str, *args: str) -> Any:
    result = invoke(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--db", url])
    _out, err = capsys.readouterr()
    assert exit_info.value.code != 0
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_the_rental_from_quote_to_credit_note(catalog_db, actor, tmp_path, monkeypatch, capsys):
    url = catalog_db.url
    with catalog_db.write() as s:
        person(s, actor, "Ana Costa")
    ok(url, "pricing", "set", "--currency", "EUR", "--tax", "19", "--days-per-week", "3")
    assert ok(url, "pricing", "show")["tax_pct"] == "19"
    ok(
        url,
        "house",
        "set",
        "--name",
        "Lumen Camera Rentals",
        "--address",
        "12 Dock Road\\nBristol BS1 4RW",
        "--terms",
        "Payment within the terms shown. Gear "
        "returned late is charged per extra day at the hire rate.",
        "--tax-number",
        "GB123456789",
    )
    client = ok(url, "client", "add", "Northlight Films", "--email", "ap@northlight.example",
                "--terms", "14", "--discount", "10")  # fmt: skip
    assert client["default_discount"] == "10"
    assert [c["name"] for c in ok(url, "client", "list")] == ["Northlight Films"]

    cam = ok(url, "asset", "add", "--category", "Camera", "--name", "Alexa 35")["tag"]
    lens = ok(url, "asset", "add", "--category", "Lens", "--name", "Prime 50mm")["tag"]
    nd = ok(url, "asset", "add", "--category", "Lens", "--name", "ND 0.9 filter",
            "--purchase-value", "180.00")["tag"]  # fmt: skip
    ok(url, "rate", "set", "--category", "Camera", "--day", "400", "--week", "1000")
    ok(url, "rate", "set", "--model", "Prime 50mm", "--day", "60")
    ok(url, "rate", "set", nd, "--day", "15.00")

    prod = ok(url, "production", "add", "Night Train", "--prep", day(0).isoformat(),
              "--shoot", f"{day(1).isoformat()}..{day(2).isoformat()}",
              "--wrap", day(3).isoformat(), "--client", "Northlight Films")  # fmt: skip
    assert prod["window_start"] == day(0).isoformat()
    ok(url, "reserve", "Night Train", cam, lens, nd)

    # 4 hire days (day 0..3). Camera: 4 × 400 = 1600 > week 1000 → 1000.00. Lens: no week rate,
    # week = 3 × 60 = 180 < 4 × 60 → 180.00. Filter: 3 × 15 = 45 < 60 → 45.00. 10 % off each,
    # tax 19 % per line: 900.00 + 171.00, 162.00 + 30.78, 40.50 + 7.695 → 7.70 (half-even).
    quote_pdf = tmp_path / "quote.pdf"
    quote = ok(url, "quote", "Night Train", "-o", str(quote_pdf))
    year = day(0).year
    assert quote["number"] == f"Q-{year}-0001" and quote["status"] == "sent"
    assert [ln["gross"] for ln in quote["lines"]] == ["1000.00", "180.00", "45.00"]
    assert [ln["net"] for ln in quote["lines"]] == ["900.00", "162.00", "40.50"]
    assert [ln["tax"] for ln in quote["lines"]] == ["171.00", "30.78", "7.70"]
    assert (quote["subtotal"], quote["discount"], quote["net"]) == ("1225.00", "122.50", "1102.50")
    assert (quote["tax"], quote["total"], quote["currency"]) == ("209.48", "1311.98", "EUR")
    assert "Q-" in "".join(page.extract_text() for page in PdfReader(quote_pdf).pages)

    accepted = ok(url, "quote", "accept", quote["number"])
    assert accepted["status"] == "accepted" and accepted["total"] == "1311.98"
    # the order is locked: a later rate change does not move it
    ok(url, "rate", "set", "--category", "Camera", "--day", "999")

    ok(url, "checkout", "Night Train", cam, lens, nd, "--to", "Ana Costa", "--due",
       day(3).isoformat())  # fmt: skip
    # the gear comes back on day 4, one day after it was due
    later = datetime.now(UTC) + timedelta(days=4)
    monkeypatch.setattr(returns, "utcnow", lambda: later)
    ok(url, "checkin", cam)
    ok(url, "checkin", lens, "--condition", "damaged", "--note", "front element scratched")
    ok(url, "checkin", nd, "--condition", "missing", "--note", "not in the case")
    repair = ok(url, "service", "cost", lens, "250.00")
    assert repair["repair_cost"] == "250.00"

    draft = ok(url, "invoice", "Night Train")
    assert draft["number"].startswith("DRAFT-") and draft["status"] == "draft"
    got = [(ln["kind"], ln["gross"], ln["net"], ln["tax"]) for ln in draft["lines"]]
    assert got == [
        ("hire", "1000.00", "900.00", "171.00"),
        ("hire", "180.00", "162.00", "30.78"),
        ("hire", "45.00", "40.50", "7.70"),
        ("late", "400.00", "360.00", "68.40"),  # camera: 1 day × 400.00, 10 % off
        ("late", "60.00", "54.00", "10.26"),  # lens: 1 day × 60.00, 10 % off
        ("loss", "180.00", "180.00", "34.20"),  # filter: purchase value, no discount
        ("damage", "250.00", "250.00", "47.50"),  # the lens's repair cost from its ticket
    ]
    assert (draft["net"], draft["tax"], draft["total"]) == ("1946.50", "369.84", "2316.34")

    invoice_pdf = tmp_path / "invoice.pdf"
    issued = ok(url, "invoice", "issue", draft["number"], "-o", str(invoice_pdf))
    assert issued["number"] == f"INV-{year}-0001"
    assert issued["total"] == "2316.34" and issued["balance"] == "2316.34"
    assert issued["due_on"] == (datetime.fromisoformat(issued["issued_on"]).date()
                                + timedelta(days=14)).isoformat()  # fmt: skip
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(invoice_pdf).pages)
    assert issued["number"] in words and "2,316.34" in words
    assert "Lumen Camera Rentals" in words and "Bristol BS1 4RW" in words
    assert "charged per extra day" in words

    paid = ok(url, "payment", "add", issued["number"], "1000.00")
    assert paid["balance"] == "1316.34"
    err = refused(capsys, url, "payment", "add", issued["number"], "1e3")
    assert "not an amount" in err
    err = refused(capsys, url, "payment", "add", issued["number"], "1,000.00")
    assert "ambiguous" in err

    credit_pdf = tmp_path / "credit.pdf"
    note = ok(url, "credit", issued["number"], "--reason", "Lens repair covered by insurance",
              "--amount", "297.50", "-o", str(credit_pdf))  # fmt: skip
    # 297.50 including 19 % tax: net 297.50 / 1.19 = 250.00, tax 47.50
    assert note["number"] == f"CN-{year}-0001"
    assert (note["net"], note["tax"], note["total"]) == ("-250.00", "-47.50", "-297.50")

    listed = {v["number"]: v for v in ok(url, "invoice", "list")}
    assert listed[issued["number"]]["balance"] == "1018.84"  # 2316.34 − 1000.00 − 297.50
    assert ok(url, "invoice", "list", "--overdue") == []

    # issued means frozen: the command refuses, and so does the database itself
    err = refused(capsys, url, "invoice", "issue", issued["number"])
    assert "already issued" in err
    with catalog_db.write() as s, pytest.raises(Exception, match="cannot change"):
        s.execute(text("UPDATE invoices SET total_minor = 0, net_minor = 0, tax_minor = 0 "
                       "WHERE number = :n"), {"n": issued["number"]})  # fmt: skip
    for path in (quote_pdf, invoice_pdf, credit_pdf):
        assert Path(path).stat().st_size > 1000
    assert Decimal(listed[issued["number"]]["total"]) == Decimal("2316.34")
    from gearroom.services.history import verify_chain

    with catalog_db.read() as s:
        assert verify_chain(s).ok
        actions = set(s.execute(text("SELECT action FROM events")).scalars())
    money = {"pricing", "house", "rate", "send", "accept", "repair_cost", "draft", "issue",
             "payment", "credit"}  # fmt: skip
    assert money <= actions, money - actions


def test_roles_on_the_command_line(catalog_db, actor, monkeypatch, capsys):
    from gearroom.services import operators
    from gearroom.services.history import verify_chain

    url = catalog_db.url
    with catalog_db.write() as s:
        operators.create_operator(s, actor, "boss", "admin", "111111")
        operators.create_operator(s, actor, "desk", "staff", "2222")
        operators.create_operator(s, actor, "ac", "assistant", "3333")
    monkeypatch.setenv("GEARROOM_OPERATOR", "boss")
    monkeypatch.setenv("GEARROOM_PIN", "111111")
    ok(url, "rate", "set", "--category", "Camera", "--day", "400")
    monkeypatch.setenv("GEARROOM_OPERATOR", "desk")
    monkeypatch.setenv("GEARROOM_PIN", "2222")
    err = refused(capsys, url, "rate", "set", "--category", "Camera", "--day", "1")
    assert "may not change rate cards" in err
    refused(capsys, url, "pricing", "set", "--tax", "0")
    ok(url, "client", "add", "Harbour Films", "--discount", "5")
    linked = ok(url, "production", "add", "Ferry", "--shoot", day(1).isoformat(),
                "--client", "harbour films")  # fmt: skip
    assert linked["client"] == "harbour films"
    with catalog_db.read() as s:
        cid = s.execute(text("SELECT client_id FROM productions WHERE name = 'Ferry'")).scalar()
        assert cid == s.execute(text("SELECT id FROM clients")).scalar()
    monkeypatch.setenv("GEARROOM_OPERATOR", "ac")
    monkeypatch.setenv("GEARROOM_PIN", "3333")
    for args in (("quote", "Ferry"), ("invoice", "list"), ("client", "list"), ("pricing", "show")):
        assert "may not" in refused(capsys, url, *args)
    with catalog_db.read() as s:
        assert verify_chain(s).ok
        actions = set(s.execute(text("SELECT action FROM events")).scalars())
    assert {"rate", "create"} <= actions


def test_production_edit_sets_the_client_that_quotes_use(catalog_db, capsys):
    url = catalog_db.url
    ok(url, "client", "add", "Northlight Films", "--discount", "10")
    ok(url, "production", "add", "Night Train", "--prep", day(0).isoformat(),
       "--wrap", day(1).isoformat())  # fmt: skip
    edited = ok(url, "production", "edit", "Night Train", "--client", "northlight films")
    assert edited["client"] == "northlight films"
    with catalog_db.read() as s:
        linked = s.execute(
            text(
                "SELECT c.name FROM productions p JOIN clients c ON c.id = p.client_id "
                "WHERE p.name = 'Night Train'"
            )
        ).scalar()
    assert linked == "Northlight Films"
    err = refused(capsys, url, "production", "edit", "Night Train")
    assert "--client" in err


def test_an_invoice_with_two_tax_rates(catalog_db, actor, tmp_path, monkeypatch, capsys):
    """Standard 19 % and reduced 7 % (the lens's model card, and repairs by their line kind);
    every figure below is worked by hand."""
    url = catalog_db.url
    with catalog_db.write() as s:
        person(s, actor, "Ana Costa")
    ok(url, "pricing", "set", "--currency", "EUR", "--tax", "19", "--days-per-week", "3")
    rates = ok(url, "pricing", "tax-rate", "add", "Reduced", "7")
    assert rates == [
        {"name": "standard", "tax_pct": "19", "standard": True, "line_kinds": []},
        {"name": "reduced", "tax_pct": "7", "standard": False, "line_kinds": []},
    ]
    assert "no tax rate 'half'" in refused(
        capsys, url, "pricing", "set", "--line-tax", "damage=half"
    )
    shown = ok(url, "pricing", "set", "--line-tax", "damage=reduced")
    assert shown["line_tax"] == {"damage": "reduced"} and shown["tax_rates"] == {"reduced": "7"}
    ok(url, "client", "add", "Northlight Films", "--terms", "14", "--discount", "10")
    cam = ok(url, "asset", "add", "--category", "Camera", "--name", "Alexa 35")["tag"]
    lens = ok(url, "asset", "add", "--category", "Lens", "--name", "Prime 50mm")["tag"]
    nd = ok(url, "asset", "add", "--category", "Lens", "--name", "ND 0.9 filter",
            "--purchase-value", "180.00")["tag"]  # fmt: skip
    ok(url, "rate", "set", "--category", "Camera", "--day", "400", "--week", "1000")
    card = ok(url, "rate", "set", "--model", "Prime 50mm", "--day", "60", "--tax-rate", "reduced")
    assert card["tax_rate"] == "reduced"
    ok(url, "rate", "set", nd, "--day", "15.00")
    assert "no tax rate" in refused(capsys, url, "rate", "set", nd, "--day", "1", "--tax-rate", "x")
    ok(url, "production", "add", "Night Train", "--prep", day(0).isoformat(),
       "--shoot", f"{day(1).isoformat()}..{day(2).isoformat()}",
       "--wrap", day(3).isoformat(), "--client", "Northlight Films")  # fmt: skip
    ok(url, "reserve", "Night Train", cam, lens, nd)

    # 4 hire days, 10 % off: camera min(1600, 1000) → 900.00 at 19 % = 171.00; lens min(240,
    # 180) → 162.00 at 7 % = 11.34; filter min(60, 45) → 40.50 at 19 % = 7.695 → 7.70.
    quote = ok(url, "quote", "Night Train")
    assert [(ln["net"], ln["tax_name"], ln["tax"]) for ln in quote["lines"]] == [
        ("900.00", "standard", "171.00"),
        ("162.00", "reduced", "11.34"),
        ("40.50", "standard", "7.70"),
    ]
    assert [(b["name"], b["tax_pct"], b["net"], b["tax"]) for b in quote["tax_summary"]] == [
        ("standard", "19.00", "940.50", "178.70"),
        ("reduced", "7.00", "162.00", "11.34"),
    ]
    assert (quote["net"], quote["tax"], quote["total"]) == ("1102.50", "190.04", "1292.54")
    ok(url, "quote", "accept", quote["number"])
    ok(url, "pricing", "tax-rate", "add", "reduced", "5")  # the order keeps its 7 %
    ok(url, "pricing", "tax-rate", "add", "reduced", "7")

    ok(url, "checkout", "Night Train", cam, lens, nd, "--to", "Ana Costa", "--due",
       day(3).isoformat())  # fmt: skip
    later = datetime.now(UTC) + timedelta(days=4)
    monkeypatch.setattr(returns, "utcnow", lambda: later)
    ok(url, "checkin", cam)
    ok(url, "checkin", lens, "--condition", "damaged", "--note", "front element scratched")
    ok(url, "checkin", nd, "--condition", "missing", "--note", "not in the case")
    ok(url, "service", "cost", lens, "250.00")

    draft = ok(url, "invoice", "Night Train")
    got = [(ln["kind"], ln["net"], ln["tax_name"], ln["tax"]) for ln in draft["lines"]]
    assert got == [
        ("hire", "900.00", "standard", "171.00"),
        ("hire", "162.00", "reduced", "11.34"),
        ("hire", "40.50", "standard", "7.70"),
        ("late", "360.00", "standard", "68.40"),  # 1 day × 400.00, 10 % off, the line's 19 %
        ("late", "54.00", "reduced", "3.78"),  # 1 day × 60.00, 10 % off, the line's 7 %
        ("loss", "180.00", "standard", "34.20"),  # purchase value, no discount, 19 %
        ("damage", "250.00", "reduced", "17.50"),  # repair cost, damage lines at reduced
    ]
    assert [(b["name"], b["net"], b["tax"]) for b in draft["tax_summary"]] == [
        ("standard", "1480.50", "281.30"),  # 900 + 40.50 + 360 + 180; 171 + 7.70 + 68.40 + 34.20
        ("reduced", "466.00", "32.62"),  # 162 + 54 + 250; 11.34 + 3.78 + 17.50
    ]
    assert (draft["net"], draft["tax"], draft["total"]) == ("1946.50", "313.92", "2260.42")

    invoice_pdf = tmp_path / "invoice-two-rates.pdf"
    issued = ok(url, "invoice", "issue", draft["number"], "-o", str(invoice_pdf))
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(invoice_pdf).pages)
    assert "Tax rate" in words and "standard 19 %" in words and "reduced 7 %" in words
    assert "€281.30" in words and "€32.62" in words and "€2,260.42" in words
    assert ok(url, "payment", "add", issued["number"], "1000.00")["balance"] == "1260.42"

    # 100.00 shared by the rates' totals: 19 % 1761.80, 7 % 498.62 of 2260.42 → 77.94 and
    # 22.06; 77.94 / 1.19 = 65.50 net + 12.44 tax; 22.06 / 1.07 = 20.62 net + 1.44 tax.
    note = ok(url, "credit", issued["number"], "--reason", "goodwill", "--amount", "100.00")
    assert [(ln["tax_name"], ln["net"], ln["tax"]) for ln in note["lines"]] == [
        ("standard", "-65.50", "-12.44"),
        ("reduced", "-20.62", "-1.44"),
    ]
    assert (note["net"], note["tax"], note["total"]) == ("-86.12", "-13.88", "-100.00")
    listed = {v["number"]: v for v in ok(url, "invoice", "list")}
    assert listed[issued["number"]]["balance"] == "1160.42"
    err = refused(capsys, url, "pricing", "tax-rate", "remove", "reduced")
    assert "named by a rate card or a line kind" in err
    text_out = invoke(url, "pricing", "tax-rate", "list").output
    assert "reduced" in text_out and "damage" in text_out


def test_day_kind_shares_and_the_duration_table_from_the_command_line(catalog_db, capsys):
    """A production of 6 calendar days: prep, travel, 2 shoot days, hold, wrap. Day rate 100,
    no week rate, 3 day rates a week."""
    url = catalog_db.url
    ok(url, "pricing", "set", "--currency", "EUR", "--tax", "0", "--days-per-week", "3")
    ok(url, "asset", "add", "--category", "Camera", "--name", "Alexa 35")
    ok(url, "rate", "set", "--category", "Camera", "--day", "100")
    ok(url, "production", "add", "Road Movie", "--prep", day(0).isoformat(),
       "--travel", day(1).isoformat(), "--shoot", f"{day(2).isoformat()}..{day(3).isoformat()}",
       "--hold", day(4).isoformat(), "--wrap", day(5).isoformat())  # fmt: skip
    ok(url, "reserve", "Road Movie", "CAM-0001")

    def quoted() -> tuple[str, str]:
        line = ok(url, "quote", "Road Movie")["lines"][0]
        return line["days"], line["gross"]

    # every day counts: 6 days → min(6 × 100, 300) = 300.00
    assert quoted() == ("6", "300.00")
    shown = ok(url, "pricing", "set", "--day-kind", "travel=0.5", "--day-kind", "hold=0")
    assert shown["day_shares"] == {"hold": "0", "travel": "0.5"}
    # prep 1 + travel 0.5 + shoot 2 + hold 0 + wrap 1 = 4.5 days → min(450, 300) = 300.00
    assert quoted() == ("4.5", "300.00")
    shown = ok(url, "pricing", "set", "--durations", "2=1.5,3-4=2,5-7=3", "--day-kind", "prep=0")
    assert shown["multipliers"] == [[2, 2, "1.5"], [3, 4, "2"], [5, 7, "3"]]
    assert shown["day_shares"] == {"hold": "0", "prep": "0", "travel": "0.5"}  # kept, added
    # 3.5 days: between the table's rows 3-4 → 2 × 100 = 200.00
    assert quoted() == ("3.5", "200.00")
    ok(url, "pricing", "set", "--day-kind", "travel=1", "--day-kind", "prep=1")
    # 5 days (hold still 0) → the 5-7 row: 3 × 100 = 300.00
    assert quoted() == ("5", "300.00")
    text = invoke(url, "pricing", "show").output
    assert "Hire days:      hold=0" in text
    assert "Duration table: 2=1.5,3-4=2,5-7=3" in text
    shown = ok(url, "pricing", "set", "--no-durations", "--day-kind", "hold=1")
    assert (shown["multipliers"], shown["day_shares"]) == ([], {})
    assert "Duration table: none (weeks and day rates)" in invoke(url, "pricing", "show").output
    assert quoted() == ("6", "300.00")

    for args, message in (
        (("--day-kind", "rest=0"), "no shoot-day kind"),
        (("--day-kind", "travel=1.5"), "must be 0 to 1"),
        (("--day-kind", "travel"), "not KIND=SHARE"),
        (("--durations", "2=1.5,2-3=2"), "overlap at 2 days"),
        (("--durations", "three days=2"), "not a duration row"),
        (("--durations", "2=0"), "above 0"),
        (("--durations", "2=2", "--no-durations"), "not both"),
    ):
        assert message in refused(capsys, url, "pricing", "set", *args)
    assert ok(url, "pricing", "show")["multipliers"] == []
