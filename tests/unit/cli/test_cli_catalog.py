"""The catalog commands through click's runner and through the console entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gearroom.cli import cli, main
from gearroom.db import open_database
from gearroom.services import asset_search

ASSET_KEYS = {
    "id",
    "tag",
    "name",
    "make",
    "model",
    "serial",
    "category",
    "category_id",
    "location",
    "location_id",
    "status",
    "purchase_date",
    "purchase_value",
    "notes",
    "attributes",
    "kit_tag",
    "kit_name",
    "created_at",
    "updated_at",
}
ROW_KEYS = {"id", "tag", "name", "category", "status", "location", "make", "model", "serial"}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The console script: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def one_error_line(err: str) -> str:
    assert err.startswith("gearroom: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err[len("gearroom: ") : -1]


@pytest.fixture
def url(tmp_path: Path) -> str:
    result = invoke("init", "--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert result.exit_code == 0, result.output
    assert "12 categories created" in result.output
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert invoke("location", "add", "Shelf A1", "--db", url).output.strip() == "LOC-0001"
    return url


def add_raptor(url: str, *extra: str) -> str:
    result = invoke(
        "asset",
        "add",
        "--db",
        url,
        "--category",
        "Camera",
        "--name",
        "RED V-Raptor 8K VV",
        "--make",
        "RED",
        "--serial",
        "VR8-100234",
        "--purchase-date",
        "2023-04-12",
        "--purchase-value",
        "24500",
        "--attr",
        "mount=RF",
        "--attr",
        "sensor_hours=812",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_init_is_idempotent(url):
    result = invoke("init", "--db", url, "--json")
    assert json.loads(result.output)["categories_created"] == 0


def test_asset_add_prints_the_new_tag(url):
    assert add_raptor(url) == "CAM-0001"
    assert add_raptor(url) == "CAM-0002"


def test_asset_add_json_is_the_whole_asset(url):
    result = invoke(
        "asset", "add", "--db", url, "--category", "lns", "--name", "Cooke 32", "--json"
    )
    data = json.loads(result.output)
    assert set(data) == ASSET_KEYS
    assert (data["tag"], data["category"], data["status"]) == ("LNS-0001", "Lens", "available")


def test_asset_show_text_and_json(url):
    tag = add_raptor(url)
    text = invoke("asset", "show", tag.lower(), "--db", url).output
    assert "RED V-Raptor 8K VV" in text and "VR8-100234" in text and "sensor_hours  812" in text
    data = json.loads(invoke("asset", "show", tag, "--db", url, "--json").output)
    assert set(data) == ASSET_KEYS
    assert data["purchase_value"] == "24500.00"
    assert data["purchase_date"] == "2023-04-12"
    assert data["attributes"] == {"mount": "RF", "sensor_hours": 812}


def test_asset_list_text_and_json(url):
    add_raptor(url)
    invoke("asset", "add", "--db", url, "--category", "Lens", "--name", "Cooke S4/i 50mm")
    text = invoke("asset", "list", "--db", url).output
    assert "CAM-0001" in text and "LNS-0001" in text and text.rstrip().endswith("2 asset(s)")
    rows = json.loads(invoke("asset", "list", "--db", url, "--json", "--category", "Lens").output)
    assert [r["tag"] for r in rows] == ["LNS-0001"]
    assert set(rows[0]) == ROW_KEYS
    found = json.loads(invoke("asset", "list", "--db", url, "--json", "--search", "raptor").output)
    assert [r["tag"] for r in found] == ["CAM-0001"]


def test_asset_edit_text_and_json(url):
    tag = add_raptor(url)
    result = invoke(
        "asset", "edit", tag, "--db", url, "--serial", "VR8-999", "--attr", "firmware=1.8"
    )
    assert result.output.strip() == f"{tag} updated"
    data = json.loads(
        invoke("asset", "edit", tag, "--db", url, "--notes", "PL adapter", "--json").output
    )
    assert set(data) == ASSET_KEYS
    assert data["serial"] == "VR8-999"
    assert data["notes"] == "PL adapter"
    # --attr adds to the fields already there
    assert data["attributes"] == {"mount": "RF", "sensor_hours": 812, "firmware": "1.8"}


def test_asset_retire_text_and_json(url):
    first, second = add_raptor(url), add_raptor(url)
    assert invoke("asset", "retire", first, "--db", url, "--reason", "sold").output.strip() == (
        f"{first} retired"
    )
    data = json.loads(
        invoke("asset", "retire", second, "--db", url, "--reason", "written off", "--json").output
    )
    assert data["status"] == "retired"
    active = json.loads(invoke("asset", "list", "--db", url, "--json", "--active").output)
    assert active == []


def test_kit_add_with_items_and_show(url):
    lens = invoke("asset", "add", "--db", url, "--category", "Lens", "--name", "Vespid 50")
    body = add_raptor(url)
    batteries = invoke(
        "stock", "add", "--db", url, "--category", "Power", "--name", "V-Mount 98Wh",
        "--quantity", "40",
    ).output.strip()  # fmt: skip
    case = invoke("kit", "add", "DZO Vespid Prime Case", "--db", url, "--item", lens.output.strip())
    assert case.output.strip() == "KIT-0001"
    package = invoke(
        "kit", "add", "RED V-Raptor Camera Package", "--db", url, "--location", "Shelf A1",
        "--item", body, "--item", f"{batteries}:6", "--item", "kit-0001",
    )  # fmt: skip
    assert package.exit_code == 0 and package.output.strip() == "KIT-0002"
    text = invoke("kit", "show", "KIT-0002", "--db", url).output
    lines = text.splitlines()
    assert lines[0] == "KIT-0002  RED V-Raptor Camera Package  @ Shelf A1"
    assert any("V-Mount 98Wh  x6" in line for line in lines)
    assert "    LNS-0001  Vespid 50  [available]" in lines  # nested one level deeper
    data = json.loads(invoke("kit", "show", "KIT-0002", "--db", url, "--json").output)
    assert set(data) == {
        "id", "tag", "name", "parent_tag", "location", "notes", "retired", "assets", "stock",
        "kits",
    }  # fmt: skip
    assert data["kits"][0]["tag"] == "KIT-0001" and data["kits"][0]["parent_tag"] == "KIT-0002"
    assert data["stock"] == [
        {"stock_item_id": 1, "tag": batteries, "name": "V-Mount 98Wh", "quantity": 6}
    ]


def test_person_add_and_list(url):
    result = invoke("person", "add", "Ana Ribeiro", "--db", url, "--phone", "+1 323 555 0110")
    assert result.output.strip() == "P-0001"
    invoke(
        "person", "add", "Rachel Kim", "--db", url, "--role", "client", "--company", "Lighthouse"
    )
    text = invoke("person", "list", "--db", url).output
    assert "P-0001" in text and "Ana Ribeiro" in text and "Lighthouse" in text
    data = json.loads(invoke("person", "list", "--db", url, "--json", "--search", "light").output)
    assert [p["name"] for p in data] == ["Rachel Kim"]
    assert set(data[0]) == {
        "id", "name", "badge", "role", "company", "email", "phone", "notes", "active",
    }  # fmt: skip
    assert data[0]["role"] == "client"


def test_find_resolves_scans(url):
    tag = add_raptor(url)
    assert invoke("find", f" {tag.lower()}\r\n", "--db", url).output.strip() == (
        f"{tag}  asset  RED V-Raptor 8K VV"
    )
    data = json.loads(invoke("find", "LOC-0001", "--db", url, "--json").output)
    assert data == {"kind": "location", "id": 1, "tag": "LOC-0001", "label": "Shelf A1"}


def test_history_newest_first(url):
    tag = add_raptor(url)
    invoke("asset", "edit", tag, "--db", url, "--serial", "NEW-1")
    lines = invoke("history", tag, "--db", url).output.splitlines()
    assert len(lines) == 2
    assert "edit" in lines[0] and "create" in lines[1]
    assert "tester" in lines[0]
    events = json.loads(invoke("history", tag, "--db", url, "--json").output)
    assert [e["action"] for e in events] == ["edit", "create"]
    assert events[0]["before"] == {"serial": "VR8-100234"}
    assert events[0]["after"] == {"serial": "NEW-1"}


def test_db_before_the_subcommand(url):
    add_raptor(url)
    result = invoke("--db", url, "asset", "list", "--json")
    assert [r["tag"] for r in json.loads(result.output)] == ["CAM-0001"]


def test_db_option_beats_the_environment(url, tmp_path, monkeypatch):
    add_raptor(url)
    monkeypatch.setenv("GEARROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    for args in (
        ("--db", url, "asset", "list", "--json"),
        ("asset", "list", "--json", "--db", url),
    ):
        assert [r["tag"] for r in json.loads(invoke(*args).output)] == ["CAM-0001"], args
    # and without --db the environment is used
    assert json.loads(invoke("asset", "list", "--json").output) == []


# --------------------------------------------------------------------------- the console script


def test_main_succeeds_with_exit_code_zero(url, capsys):
    code, out, err = run_main(capsys, "asset", "add", "--db", url, "--category", "Camera",
                              "--name", "Sony FX6")  # fmt: skip
    assert (code, out, err) == (0, "CAM-0001\n", "")


@pytest.mark.parametrize(
    "args, exit_code, words",
    [
        (("asset", "show", "CAM-0404"), 3, "No asset has the tag 'CAM-0404'"),
        (("asset", "add", "--category", "Spaceship", "--name", "X"), 3, "no category 'Spaceship'"),
        (("asset", "add", "--category", "Camera", "--name", "X", "--tag", "A B"), 2, "tag"),
        (("asset", "add", "--category", "Camera", "--name", "X", "--attr", "oops"), 2, "KEY=VALUE"),
        (("asset", "retire", "CAM-0001", "--reason", " "), 2, "Reason is required"),
        (("asset", "edit", "CAM-0001"), 2, "Nothing to change"),
        (("find", "nope-1"), 3, "Unknown tag 'NOPE-1'"),
        (("kit", "show", "KIT-0404"), 3, "No kit has the tag"),
        (("kit", "add", "Case", "--item", "CAM-0001:lots"), 2, "'lots' is not a whole number"),
        (("person", "add", " "), 2, "Name is required"),
        (("history", "ZZZ-1"), 3, "ZZZ-1"),
        (("asset", "retire", "CAM-0001"), 2, "--reason"),
        (("asset", "frobnicate"), 2, "frobnicate"),
        (("asset", "list", "--status", "broken"), 2, "broken"),
    ],
)
def test_main_errors_are_one_line_on_stderr(url, capsys, args, exit_code, words):
    run_main(capsys, "asset", "add", "--db", url, "--category", "Camera", "--name", "Sony FX6")
    code, out, err = run_main(capsys, *args, "--db", url)
    assert code == exit_code
    assert words in one_error_line(err)
    assert out == ""


def test_a_failed_command_changes_nothing(url, capsys):
    code, _, err = run_main(capsys, "kit", "add", "Case", "--db", url, "--item", "CAM-0404")
    assert code == 3 and "CAM-0404" in one_error_line(err)
    database = open_database(url)
    try:
        with database.read() as s:
            from gearroom.services import kits

            assert kits.list_kits(s) == []
            assert asset_search.list_assets(s) == []
    finally:
        database.dispose()


def test_main_reports_a_database_that_is_not_one(tmp_path, capsys):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("shopping list", "utf-8")
    code, out, err = run_main(capsys, "asset", "list", "--db", f"sqlite:///{junk}")
    assert code == 5 and out == ""
    assert "not a Gearroom database" in one_error_line(err)
    assert junk.read_text("utf-8") == "shopping list"
