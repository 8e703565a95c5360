from __future__ import annotations

import json
from pathlib import Path

import pytest

from gearroom import config
from gearroom.config import Settings, load_settings, save_settings
from gearroom.errors import ValidationError


def test_a_missing_file_gives_the_defaults(tmp_path: Path):
    assert load_settings(tmp_path / "nope.json") == Settings()


def test_save_then_load_round_trips(tmp_path: Path):
    target = tmp_path / "sub" / "config.json"
    settings = Settings().with_changes(
        database_url="postgresql+psycopg://gear@db.local/gearroom",
        house_name="Northlight Camera Rentals",
        house_phone="+1 323 555 0100",
        backup_keep=14,
        extra={"label_printer": "Zebra ZD421"},
    )
    assert save_settings(settings, target) == target
    assert load_settings(target) == settings
    assert not target.with_suffix(".tmp").exists()
    assert json.loads(target.read_text(encoding="utf-8"))["house_name"] == (
        "Northlight Camera Rentals"
    )


def test_the_config_file_comes_from_the_environment(tmp_path: Path, monkeypatch):
    target = tmp_path / "elsewhere.json"
    monkeypatch.setenv("GEARROOM_CONFIG", str(target))
    assert config.config_path() == target
    save_settings(Settings(house_name="Env House"))
    assert target.exists()
    assert load_settings().house_name == "Env House"


def test_unknown_keys_in_the_file_are_ignored(tmp_path: Path):
    target = tmp_path / "config.json"
    target.write_text(json.dumps({"house_name": "A", "from_a_newer_version": 1}), "utf-8")
    assert load_settings(target) == Settings(house_name="A")


@pytest.mark.parametrize("content", ["{not json", "", '{"house_name": "A",}'])
def test_a_broken_file_says_where_and_what_to_do(tmp_path: Path, content):
    target = tmp_path / "config.json"
    target.write_text(content, "utf-8")
    with pytest.raises(ValidationError) as err:
        load_settings(target)
    message = str(err.value)
    assert str(target) in message
    assert "cannot be read" in message and "Fix or delete it" in message


def test_a_file_that_is_not_an_object(tmp_path: Path):
    target = tmp_path / "config.json"
    target.write_text("[1, 2]", "utf-8")
    with pytest.raises(ValidationError, match="must hold a JSON object"):
        load_settings(target)


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"backup_keep": "seven"}, "backup_keep"),
        ({"backup_keep": True}, "backup_keep"),
        ({"backup_keep": 0}, "backup_keep"),
        ({"house_name": 42}, "house_name"),
        ({"extra": []}, "extra"),
    ],
)
def test_a_bad_value_in_the_file_is_named(tmp_path: Path, raw, field):
    target = tmp_path / "config.json"
    target.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ValidationError) as err:
        load_settings(target)
    assert err.value.field == field
    assert str(target) in str(err.value) and "Fix or delete it" in str(err.value)


def test_with_changes_validates():
    with pytest.raises(ValidationError, match="Unknown setting"):
        Settings().with_changes(colour="red")
    with pytest.raises(ValidationError, match="at least one backup"):
        Settings().with_changes(backup_keep=0)
    assert Settings().with_changes(backup_keep=3).backup_keep == 3


def test_database_url_precedence(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GEARROOM_DATA_DIR", str(tmp_path / "data"))
    embedded = f"sqlite:///{tmp_path / 'data' / 'gearroom.sqlite3'}"
    assert Settings().effective_database_url() == embedded
    from_file = Settings(database_url="sqlite:////srv/gear/shared.sqlite3")
    assert from_file.effective_database_url() == "sqlite:////srv/gear/shared.sqlite3"
    monkeypatch.setenv("GEARROOM_DATABASE_URL", "postgresql+psycopg://gear@db/gearroom")
    assert from_file.effective_database_url() == "postgresql+psycopg://gear@db/gearroom"


def test_data_dir_and_operator_from_the_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GEARROOM_DATA_DIR", str(tmp_path / "gear"))
    assert config.default_data_dir() == tmp_path / "gear"
    assert config.default_database_url() == f"sqlite:///{tmp_path / 'gear' / 'gearroom.sqlite3'}"
    monkeypatch.setenv("GEARROOM_OPERATOR", "marta")
    assert config.default_operator() == "marta"
    monkeypatch.delenv("GEARROOM_OPERATOR")
    assert config.default_operator()  # the OS user, or "unknown"


def test_defaults_without_environment(monkeypatch):
    monkeypatch.delenv("GEARROOM_DATA_DIR")
    monkeypatch.delenv("GEARROOM_CONFIG")
    assert config.default_data_dir().name == "gearroom"
    assert config.config_path().name == "config.json"
    assert config.config_path().parent.name == "gearroom"


def test_scanner_settings_round_trip_and_are_checked(tmp_path: Path):
    settings = Settings().with_changes(scan_gap_ms=45, scan_suffix="crlf", scan_prefix="]")
    path = tmp_path / "config.json"
    save_settings(settings, path)
    assert load_settings(path) == settings
    for bad in ({"scan_gap_ms": 1}, {"scan_suffix": "space"}, {"scan_prefix": "x"}):
        with pytest.raises(ValidationError) as caught:
            Settings().with_changes(**bad)
        assert caught.value.field == next(iter(bad))
