"""Productions, reservations, availability, check-out, check-in and service on the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from gearroom.cli import cli, main
from gearroom.models import AssetStatus
from gearroom.services import catalog
from tests.unit.services._gear import asset, day, kit, person, stock_item


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", url], catch_exceptions=False)


def run_main(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--db", url])
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def gear(catalog_db, actor):
    with catalog_db.write() as s:
        cam = asset(s, actor, "Alexa 35", "Camera")
        lenses = [asset(s, actor, f"Prime {mm}mm") for mm in (25, 35, 50)]
        case = kit(s, actor, "Prime case", lenses[:2])
        batt = stock_item(s, actor, "V-mount", 6)
        ana = person(s, actor, "Ana Costa")
    return {
        "db": catalog_db,
        "url": catalog_db.url,
        "cam": cam,
        "lenses": lenses,
        "case": case,
        "batt": batt,
        "ana": ana,
    }


def _add_productions(url):
    first = invoke(
        url,
        "production",
        "add",
        "Night Train",
        "--prep",
        day(0).isoformat(),
        "--shoot",
        f"{day(1).isoformat()}..{day(3).isoformat()}",
        "--wrap",
        day(4).isoformat(),
        "--client",
        "Northlight",
    )
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (
        f"PRD-0001 Night Train ({day(0).isoformat()}..{day(4).isoformat()})"
    )
    second = invoke(
        url,
        "production",
        "add",
        "Day Break",
        "--prep",
        day(5).isoformat(),
        "--prep",
        day(6).isoformat(),
        "--shoot",
        day(7).isoformat(),
        "--wrap",
        day(8).isoformat(),
        "--json",
    )
    data = json.loads(second.output)
    assert [d["kind"] for d in data["days"]] == ["prep", "prep", "shoot", "wrap"]
    assert (data["window_start"], data["window_end"]) == (day(5).isoformat(), day(8).isoformat())


def test_production_add_show_list(gear):
    url = gear["url"]
    _add_productions(url)
    shown = invoke(url, "production", "show", "night train")
    assert "Client:   Northlight" in shown.output
    assert f"Gear:     {day(0).isoformat()} .. {day(4).isoformat()}" in shown.output
    assert shown.output.count("shoot") == 3
    listed = json.loads(invoke(url, "production", "list", "--json").output)
    assert [p["name"] for p in listed] == ["Night Train", "Day Break"]


def test_production_list_hides_cancelled_productions_unless_all(gear):
    url = gear["url"]
    _add_productions(url)
    invoke(url, "production", "cancel", "Day Break", "--reason", "the client pulled it")
    listed = json.loads(invoke(url, "production", "list", "--json").output)
    assert [p["name"] for p in listed] == ["Night Train"]
    every = json.loads(invoke(url, "production", "list", "--all", "--json").output)
    assert [(p["name"], p["cancelled"]) for p in every] == [
        ("Night Train", False),
        ("Day Break", True),
    ]
    text = invoke(url, "production", "list").output
    assert "Day Break" not in text and "1 production(s)" in text
    text = invoke(url, "production", "list", "--all").output
    assert "Day Break (cancelled)" in text and "2 production(s)" in text


def test_reserve_conflict_and_override(gear, capsys):
    url = gear["url"]
    _add_productions(url)
    ok = invoke(url, "reserve", "Night Train", gear["case"], f"{gear['batt']}:4")
    assert ok.exit_code == 0
    assert ok.output.startswith("3 reserved for Night Train")
    # Day Break preps on day 5: the lenses are back on day 4, 1-day turnaround -> conflict.
    code, _out, err = run_main(capsys, url, "reserve", "Day Break", gear["lenses"][0])
    assert code == 4
    assert "reserved for Night Train" in err and "override" in err
    forced = invoke(
        url, "reserve", "Day Break", gear["lenses"][0], "--override", "pickup is late evening"
    )
    assert forced.exit_code == 0
    assert "overridden: " in forced.output


def test_available(gear):
    url = gear["url"]
    _add_productions(url)
    invoke(url, "reserve", "Night Train", gear["cam"], f"{gear['batt']}:4")
    busy = invoke(
        url, "available", gear["cam"], "--from", day(2).isoformat(), "--to", day(3).isoformat()
    )
    assert busy.exit_code == 1
    assert "reserved for Night Train" in busy.output
    free = invoke(
        url, "available", gear["cam"], "--from", day(6).isoformat(), "--to", day(9).isoformat()
    )
    assert free.exit_code == 0 and "is free" in free.output
    stock = invoke(
        url,
        "available",
        gear["batt"],
        "--from",
        day(4).isoformat(),
        "--to",
        day(5).isoformat(),
        "--json",
    )
    days = json.loads(stock.output)["stock"][0]["days"]
    assert [d["free"] for d in days] == [2, 2]  # day 5 is the turnaround day


def test_checkout_out_checkin_and_service(gear, capsys):
    url = gear["url"]
    _add_productions(url)
    out = invoke(
        url,
        "checkout",
        "Night Train",
        "--to",
        "Ana Costa",
        gear["cam"],
        gear["case"],
        f"{gear['batt']}:2",
    )
    assert out.exit_code == 0, out.output
    assert (
        f"4 line(s) out to Ana Costa for Night Train, due back {day(4).isoformat()}" in out.output
    )
    # The same camera again: refused with who has it.
    code, _, err = run_main(capsys, url, "checkout", "Day Break", "--to", gear["ana"], gear["cam"])
    assert code == 4
    assert f"{gear['cam']} is out to Ana Costa for Night Train" in err
    listed = json.loads(invoke(url, "out", "--production", "Night Train", "--json").output)
    assert sorted(r["tag"] for r in listed) == sorted(
        [gear["cam"], *gear["lenses"][:2], gear["batt"]]
    )
    assert invoke(url, "out", "--overdue").output.strip().endswith("0 line(s) out")

    back = invoke(url, "checkin", gear["lenses"][0], "--condition", "damaged", "--note", "scratch")
    assert back.exit_code == 0
    assert "service ticket #1 opened" in back.output
    assert "Night Train still has 3 line(s) out." in back.output
    tickets = json.loads(invoke(url, "service", "list", "--json").output)
    assert [(t["tag"], t["note"]) for t in tickets] == [(gear["lenses"][0], "scratch")]
    with gear["db"].read() as s:
        assert catalog.get_asset(s, gear["lenses"][0]).status is AssetStatus.IN_SERVICE
    closed = invoke(url, "service", "close", gear["lenses"][0], "--note", "polished")
    assert closed.exit_code == 0 and "closed" in closed.output
    with gear["db"].read() as s:
        assert catalog.get_asset(s, gear["lenses"][0]).status is AssetStatus.AVAILABLE
    opened = invoke(url, "service", "open", gear["lenses"][2], "--note", "collimate")
    assert opened.output.startswith(f"#2 {gear['lenses'][2]}")

    code, _, err = run_main(capsys, url, "checkin", gear["lenses"][2])
    assert code == 4 and "is not out" in err
    rest = invoke(url, "checkin", gear["cam"], gear["case"], gear["batt"])
    assert rest.exit_code == 0, rest.output
    assert "still has" not in rest.output
    assert json.loads(invoke(url, "out", "--json").output) == []


def test_unknown_things_exit_non_zero(gear, capsys):
    url = gear["url"]
    code, _, err = run_main(capsys, url, "production", "show", "Nope")
    assert code == 3 and "no production" in err
    code, _, err = run_main(
        capsys, url, "available", "NOPE-1", "--from", "2026-01-01", "--to", "2026-01-02"
    )
    assert code == 3 and "Unknown tag" in err
