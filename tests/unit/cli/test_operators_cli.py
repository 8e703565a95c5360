from __future__ import annotations

import pytest

from gearroom.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def demo_db(db_url, capsys, monkeypatch):
    monkeypatch.setattr("gearroom.services.demo.load_demo", _tiny_demo)
    code, out, _ = run(capsys, "init", "--demo", "--db", db_url)
    assert code == 0
    assert "admin, staff, assistant" in out and "PIN 1234" in out
    return db_url


def _tiny_demo(session, actor, **_options):
    from gearroom.services.demo import DemoSummary

    return DemoSummary(0, 0, 0, 0, 0)


def test_writes_need_a_sign_in_once_operators_exist(demo_db, capsys, monkeypatch):
    monkeypatch.delenv("GEARROOM_OPERATOR")
    code, _, err = run(
        capsys, "asset", "add", "--db", demo_db, "--category", "Camera", "--name", "FX6"
    )
    assert code != 0
    assert err.startswith("gearroom: Sign in first") and err.count("\n") == 1


def test_staff_cannot_do_an_admin_action_from_the_cli(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("GEARROOM_PIN", "1234")
    code, _, err = run(
        capsys,
        "asset",
        "add",
        "--db",
        demo_db,
        "--operator",
        "staff",
        "--category",
        "Camera",
        "--name",
        "FX6",
    )
    assert code != 0 and "staff (staff) may not add items" in err
    code, out, _ = run(
        capsys,
        "--db",
        demo_db,
        "--operator",
        "admin",
        "asset",
        "add",
        "--category",
        "Camera",
        "--name",
        "FX6",
    )
    assert code == 0 and out.strip() == "CAM-0001"
    # Reading needs a sign-in too once operators exist.
    code, out, _ = run(capsys, "history", "CAM-0001", "--db", demo_db, "--operator", "admin")
    assert "admin" in out


def test_wrong_pin_is_refused(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("GEARROOM_PIN", "0000")
    monkeypatch.setenv("GEARROOM_OPERATOR", "admin")
    code, _, err = run(capsys, "location", "add", "Shelf Z9", "--db", demo_db)
    assert code != 0 and "Wrong name or PIN" in err
    monkeypatch.setenv("GEARROOM_PIN", "1234")
    code, out, _ = run(capsys, "location", "list", "--db", demo_db, "--json")
    assert code == 0 and "Shelf Z9" not in out


def test_operator_commands(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("GEARROOM_PIN", "1234")
    monkeypatch.setenv("GEARROOM_OPERATOR", "admin")
    monkeypatch.setenv("GEARROOM_NEW_PIN", "2468")
    code, out, _ = run(capsys, "operator", "add", "lee", "--role", "staff", "--db", demo_db)
    assert code == 0 and "lee (staff)" in out
    code, out, _ = run(capsys, "operator", "list", "--json", "--db", demo_db)
    assert '"name": "lee"' in out
    monkeypatch.setenv("GEARROOM_OPERATOR", "lee")
    monkeypatch.setenv("GEARROOM_PIN", "2468")
    code, _, err = run(capsys, "operator", "set", "staff", "--role", "admin", "--db", demo_db)
    assert code != 0 and "may not manage operators" in err
