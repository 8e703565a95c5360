"""init --demo, db check and db backup, through click's runner and the console entry point."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gearroom.cli import cli, main
from gearroom.db import open_database
from gearroom.services import asset_search, history, kits


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def one_error_line(err: str) -> str:
    assert err.startswith("gearroom: ") and err.count("\n") == 1 and err.endswith("\n"), err
    return err[len("gearroom: ") : -1]


def _contents(url: str) -> tuple[list[str], int, list[str]]:
    db = open_database(url)
    try:
        with db.read() as s:
            return (
                [r.tag for r in asset_search.list_assets(s)],
                history.newest_event_id(s),
                [k.tag for k in kits.list_kits(s)],
            )
    finally:
        db.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'house.sqlite3'}"
    assert invoke("init", "--db", url).exit_code == 0
    return url


def test_init_demo_loads_the_house_and_says_how_big_it_is(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    code, out, err = run_main(capsys, "init", "--demo", "--db", url)
    assert code == 0, err
    match = re.search(r"Demo rental house loaded: (\d+) assets .* (\d+) kits", out)
    assert match, out
    assets, kit_tags = _contents(url)[0], _contents(url)[2]
    assert int(match.group(1)) == len(assets) >= 300
    assert int(match.group(2)) == len(kit_tags) >= 12

    # a second load is refused with one line, and the house is as it was
    before = _contents(url)
    monkeypatch.setenv("GEARROOM_OPERATOR", "admin")
    monkeypatch.setenv("GEARROOM_PIN", "1234")
    code, out, err = run_main(capsys, "--db", url, "init", "--demo")
    assert code == 4 and out == ""
    assert "The catalog is not empty" in one_error_line(err)
    assert _contents(url) == before


def test_init_demo_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    data = json.loads(invoke("init", "--demo", "--json", "--db", url).output)
    assert data["categories_created"] == 12
    assert set(data["demo"]) >= {"assets", "stock_items", "kits", "people", "locations"}
    assert data["demo"]["assets"] == len(_contents(url)[0])


def test_db_check_on_a_good_database(url):
    result = invoke("db", "check", "--db", url)
    assert result.exit_code == 0
    assert "Integrity: ok" in result.output
    data = json.loads(invoke("--db", url, "db", "check", "--json", "--full").output)
    assert data["integrity"] == "ok" and data["up_to_date"] is True
    assert data["current_revision"] == data["head_revision"]
    assert set(data) == {
        "url",
        "backend",
        "current_revision",
        "head_revision",
        "integrity",
        "up_to_date",
    }


def test_db_check_reports_a_database_that_needs_an_upgrade(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite3"
    conn = sqlite3.connect(empty)  # an SQLite file without tables (a zero-byte file is refused)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.close()
    code, out, err = run_main(capsys, "db", "check", "--db", f"sqlite:///{empty}")
    assert code != 0
    assert "Revision:  None" in out
    assert "gearroom db upgrade" in one_error_line(err)


@pytest.mark.parametrize("command", [["db", "check"], ["asset", "list"], ["init"], ["backup"]])
def test_a_zero_byte_file_is_refused_not_taken_for_a_new_database(tmp_path, capsys, command):
    empty = tmp_path / "gearroom.sqlite3"
    empty.touch()
    code, out, err = run_main(capsys, "--db", f"sqlite:///{empty}", *command)
    assert code != 0 and out == ""
    message = one_error_line(err)
    assert "empty (0 bytes)" in message and "gearroom restore" in message, message
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gearroom.sqlite3"]


def test_db_backup_to_a_path_then_refuses_to_overwrite(url, tmp_path, capsys):
    invoke("asset", "add", "--db", url, "--category", "Camera", "--name", "ARRI Alexa 35")
    target = tmp_path / "copies" / "before-prep.sqlite3"
    code, out, err = run_main(capsys, "db", "backup", str(target), "--db", url)
    assert (code, err) == (0, "")
    assert Path(out.strip()) == target
    assert _contents(f"sqlite:///{target}") == _contents(url)

    code, out, err = run_main(capsys, "--db", url, "db", "backup", str(target))
    assert code != 0 and out == ""
    assert "exists already" in one_error_line(err)


def test_db_backup_default_goes_beside_the_database(url, tmp_path):
    result = invoke("db", "backup", "--db", url)
    assert result.exit_code == 0
    made = Path(result.output.strip())
    assert made.exists() and made.parent == tmp_path / "backups"
    assert _contents(f"sqlite:///{made}") == _contents(url)
