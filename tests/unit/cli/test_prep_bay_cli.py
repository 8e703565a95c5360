"""The prep-bay day through the command line, from booking to close-out: a production books
"2 × ARRI Alexa Mini LF" and a lens kit, the pick list is printed, half is scanned by one
process and the rest by another, an unbooked extra is refused until confirmed, the wrap moves
a day later, a faulty body is swapped, the rest comes back and close-out marks one missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result

from gearroom.cli import cli, main
from gearroom.models import AssetStatus
from gearroom.services import catalog, history, product_models
from gearroom.services.productions import production_by_key
from tests.unit.services._gear import day, kit, person

LF = "ARRI Alexa Mini LF"


def invoke(url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def as_json(url: str, *args: str) -> object:
    return json.loads(invoke(url, *args, "--json").output)


def refused(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--db", url])
    _out, err = capsys.readouterr()
    assert exit_info.value.code not in (0, None)
    assert err.count("\n") == 1, err  # one line
    return err


def in_another_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GEARROOM_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "gearroom", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def house(catalog_db, actor):
    with catalog_db.write() as s:
        for n in range(3):
            catalog.create_asset(
                s,
                actor,
                catalog.AssetDraft(
                    name=f"Alexa Mini LF {n + 1}",
                    category="Camera",
                    make="ARRI",
                    model="Alexa Mini LF",
                    serial=f"LF-{n + 1}",
                    location="Shelf A1",
                ),
            )
        lenses = [
            catalog.create_asset(
                s,
                actor,
                catalog.AssetDraft(
                    name=f"Signature Prime {mm}mm", category="Lens", location="Prep Bay 1"
                ),
            ).tag
            for mm in (25, 40, 75, 100)
        ]
        case = kit(s, actor, "Signature case", lenses[:2])
        ana = person(s, actor, "Ana Lopez")
    return catalog_db, lenses, case, ana


def test_the_prep_bay_day_end_to_end(house, capsys, tmp_path):
    db, lenses, case, ana = house
    url = db.url
    invoke(
        url, "production", "add", "Nightfall",
        "--prep", day(0).isoformat(),
        "--shoot", f"{day(1).isoformat()}..{day(2).isoformat()}",
        "--wrap", day(3).isoformat(),
    )  # fmt: skip
    booked = as_json(url, "reserve", "Nightfall", case, "--model", f"{LF}:2")
    assert booked["models"]["booked"][0]["quantity"] == 2
    free = as_json(
        url, "available", "--model", LF, "--from", day(0).isoformat(), "--to", day(3).isoformat()
    )
    assert [d["free"] for d in free["days"]] == [1, 1, 1, 1]
    invoke(url, "production", "add", "Other", "--shoot", day(1).isoformat())
    assert "Only 1 of 3" in refused(capsys, url, "reserve", "Other", "--model", f"{LF}:2")

    pdf = tmp_path / "picklist.pdf"
    pick = as_json(url, "picklist", "Nightfall", "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sum(ln["wanted"] for ln in pick["lines"] if ln["kind"] != "kit") == 4
    assert sum(ln["picked"] for ln in pick["lines"]) == 0
    locations = [ln["location"] for ln in pick["lines"]]
    assert locations == sorted(locations, key=lambda x: (x == "(no location)", x))

    draft = as_json(url, "draft", "start", "Nightfall", "--to", ana)["id"]
    first = in_another_process(url, "draft", "scan", str(draft), "CAM-0001", lenses[0])
    assert first.returncode == 0, first.stderr
    # the first process is gone; a second one goes on where it stopped
    second = in_another_process(url, "draft", "scan", str(draft), "CAM-0002", lenses[1])
    assert second.returncode == 0, second.stderr
    assert "not booked" in refused(capsys, url, "draft", "scan", str(draft), lenses[2])
    invoke(url, "draft", "scan", str(draft), lenses[2], "--reason", "DP wants a 75")
    shown = as_json(url, "draft", "show", str(draft))
    assert [ln["tag"] for ln in shown["lines"]] == [
        "CAM-0001",
        lenses[0],
        "CAM-0002",
        lenses[1],
        lenses[2],
    ]
    pick = as_json(url, "picklist", "Nightfall")
    assert all(ln["picked"] >= ln["wanted"] for ln in pick["lines"])
    out = as_json(url, "draft", "commit", str(draft))
    assert len(out["lines"]) == 5

    moved = as_json(url, "production", "edit", "Nightfall", "--wrap", day(4).isoformat())
    assert moved["end"] == day(4).isoformat() and moved["checkouts_due_back"] == 1
    assert {ln["due_back"] for ln in as_json(url, "out", "--production", "Nightfall")} == {
        day(4).isoformat()
    }

    # a faulty body: back to service, swapped for the third one, which goes out
    receipt = tmp_path / "receipt-1.pdf"
    invoke(
        url,
        "checkin",
        "CAM-0001",
        "--condition",
        "service",
        "--note",
        "sensor flicker",
        "--receipt",
        str(receipt),
    )
    assert receipt.read_bytes().startswith(b"%PDF")
    assert "check it in first" in refused(capsys, url, "swap", "Nightfall", "CAM-0002", "CAM-0003")
    swapped = as_json(url, "swap", "Nightfall", "CAM-0001", "CAM-0003")
    assert swapped["new_tag"] == "CAM-0003"
    draft2 = as_json(url, "draft", "start", "Nightfall", "--to", ana)["id"]
    invoke(url, "draft", "scan", str(draft2), "CAM-0003")
    invoke(url, "draft", "commit", str(draft2))

    receipt2 = tmp_path / "receipt-2.pdf"
    back = ["CAM-0002", "CAM-0003", lenses[0], lenses[1]]
    invoke(url, "checkin", *back, "--receipt", str(receipt2))
    assert "still has 1 line" in refused(
        capsys, url, "production", "cancel", "Nightfall", "--reason", "x"
    )
    closed = as_json(url, "production", "close-out", "Nightfall", "--yes")
    assert [ln["tag"] for ln in closed["missing"]] == [lenses[2]]

    with db.read() as s:
        assert catalog.get_asset(s, lenses[2]).status is AssetStatus.LOST
        assert catalog.get_asset(s, "CAM-0001").status is AssetStatus.IN_SERVICE
        assert catalog.get_asset(s, "CAM-0003").status is AssetStatus.AVAILABLE
        model = product_models.model_by_key(s, LF)
        strip = product_models.model_availability(s, [model.id], day(10), day(10))[model.id]
        assert strip.days[0].free == 2  # CAM-0001 in service
        prod = production_by_key(s, "Nightfall")
        summaries = [e.summary for e in history.events_for(s, "production", prod.id)]
        for words in ("moved", "swapped", "closed out", "2 × ARRI Alexa Mini LF"):
            assert any(words in x for x in summaries), words
        assert any("DP wants a 75" in e.summary for e in history.events_for_tag(s, lenses[2]))
    (tmp_path / "paths.txt").write_text(f"{pdf}\n{receipt}\n{receipt2}\n")


def test_refusals_exit_non_zero_with_one_line(house, capsys):
    db, _lenses, _case, ana = house
    url = db.url
    assert "no model called" in refused(capsys, url, "model", "show", "Alexa Mini")
    assert "Did you mean" in refused(capsys, url, "model", "show", "Alexa Mini")
    assert "no production" in refused(capsys, url, "picklist", "Nowhere")
    assert "e-mail" in refused(capsys, url, "person", "edit", ana, "--email", "not-an-address")
    edited = as_json(url, "person", "edit", ana, "--badge", "P-0099", "--phone", "+44 20 7946 0000")
    assert (edited["badge"], edited["phone"]) == ("P-0099", "+44 20 7946 0000")
    models = as_json(url, "model", "list")
    assert [(m["name"], m["serials"]) for m in models] == [
        (LF, 3),
        ("Signature Prime 100mm", 1),
        ("Signature Prime 25mm", 1),
        ("Signature Prime 40mm", 1),
        ("Signature Prime 75mm", 1),
    ]
