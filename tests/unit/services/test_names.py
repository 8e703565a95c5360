"""Names in every script: created, found in any case, searched without accents, checked out,
reported and exported, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import select, text

from gearroom.cli import cli
from gearroom.errors import ConflictError, NotFoundError
from gearroom.models import Asset, Category, Location, Person, Production
from gearroom.services import asset_search, catalog, operators, people, productions
from gearroom.services.asset_search import AssetQuery
from gearroom.services.catalog import AssetDraft
from gearroom.services.names import did_you_mean, nearest_names
from gearroom.text import name_key, search_fold
from tests.unit.services._gear import day

#: (name as created, the same name typed another way, a word typed without accents)
NAMES = [
    pytest.param("Été à Montréal", "ÉTÉ À MONTRÉAL", "montreal", id="french"),
    pytest.param("Straßenbahn Größe", "STRASSENBAHN GRÖSSE", "grosse", id="german"),
    pytest.param("ÉTÉ Øresund Ærø", "été øresund ærø", "oresund", id="nordic"),
    pytest.param("İstanbul Işık Çekimi", "İSTANBUL IŞIK ÇEKİMİ", "istanbul", id="turkish"),
    pytest.param("Οδύσσεια Αθήνα", "ΟΔΎΣΣΕΙΑ ΑΘΉΝΑ", "οδυσσεια", id="greek"),
    pytest.param("撮影 東京 ガンダム", "撮影　東京　ガンダム", "ガンダム", id="japanese"),
    # typed in presentation forms (as copied out of a PDF); searched with its vowel marks
    pytest.param("تصوير القاهرة", "\ufe97\ufebc\ufeee\ufef3\ufeae القاهرة", "تَصْوِير", id="arabic"),
]


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", url], catch_exceptions=False)


def test_the_fold_forgives_case_and_accents_but_keeps_letters():
    assert search_fold("Angénieux") == search_fold("ANGÉNIEUX") == "angenieux"
    assert search_fold("İstanbul") == "istanbul"
    assert search_fold("STRASSE") == search_fold("straße") == "strasse"
    assert search_fold("Øresund") == "oresund"
    # kana voicing marks are letters, not accents: ガ is not カ
    assert search_fold("ガ") != search_fold("カ")
    assert name_key("ÉTÉ Øresund") == name_key("été  øresund ") == "été øresund"
    assert name_key("ΟΔΥΣΣΕΥΣ") == name_key("Οδυσσευς")


def test_nearest_names_are_at_most_five_and_forgive_accents():
    names = [f"Shelf {n}" for n in range(200)] + ["Sokodé"]
    assert nearest_names("sokode", names) == ["Sokodé"]
    assert len(nearest_names("Shelf 1", names)) == 5
    assert did_you_mean("Sokode", names) == " Did you mean 'Sokodé'?"
    assert did_you_mean("Qqqqzz", names) == ""


@pytest.mark.parametrize(("name", "typed", "word"), NAMES)
def test_a_name_is_found_however_it_is_typed(catalog_db, actor, name, typed, word):
    with catalog_db.write() as s:
        catalog.create_location(s, actor, name)
        person = people.add_person(s, actor, name)
        productions.create_production(s, actor, name)
        operators.create_operator(s, actor, name.split()[0], "admin", "123456")
        tag = catalog.create_asset(
            s, actor, AssetDraft(name=name, category="Camera", make=name, location=typed)
        ).tag
    with catalog_db.read() as s:
        assert productions.get_production(s, typed).name == name
        signed_in = operators._by_name(s, typed.split()[0])
        assert signed_in is not None and signed_in.name == name.split()[0]
        assert people.get_person(s, typed).badge == person.badge
        assert catalog.get_asset(s, tag).location == name
        assert [p.name for p in people.list_people(s, typed.split()[0])] == [name]
        for query in (word, typed, name):
            assert asset_search.find_asset_ids(s, AssetQuery(text=query)), query
        keys = {
            s.scalar(select(model.name_key).where(model.name == name))
            for model in (Location, Person, Production)
        }
        assert keys == {name_key(typed)}
    with catalog_db.write() as s, pytest.raises(ConflictError):
        productions.create_production(s, actor, typed)
    with catalog_db.write() as s, pytest.raises(ConflictError):
        catalog.create_location(s, actor, typed)


def test_keys_follow_renames_and_core_inserts(catalog_db, actor):
    with catalog_db.write() as s:
        tag = catalog.create_asset(s, actor, AssetDraft(name="Optimo", category="Lens")).tag
        catalog.update_asset(s, actor, tag, {"make": "Angénieux"})
        s.execute(
            Asset.__table__.insert().values(
                tag="LNS-9000",
                name="Zoom",
                make="ANGÉNIEUX",
                category_id=s.scalar(select(Category.id).where(Category.prefix == "LNS")),
                attributes={},
            )
        )
    with catalog_db.read() as s:
        found = asset_search.find_asset_ids(s, AssetQuery(text="angenieux"))
        tags = set(s.scalars(select(Asset.tag).where(Asset.id.in_(found))))
    assert tags == {tag, "LNS-9000"}


def test_an_unknown_location_names_only_the_nearest(catalog_db, actor):
    with catalog_db.write() as s:
        for n in range(40):
            catalog.create_location(s, actor, f"Shelf B{n}")
    with catalog_db.read() as s, pytest.raises(NotFoundError) as info:
        catalog._location_by_name(s, "Shelf B4x")
    message = str(info.value)
    assert "Did you mean" in message
    assert message.count("'Shelf B") <= 6  # the name typed and at most five suggestions


@pytest.mark.parametrize(("name", "typed", "word"), NAMES)
def test_round_trip_through_the_command_line(catalog_db, actor, tmp_path: Path, name, typed, word):
    url = catalog_db.url
    assert invoke(url, "location", "add", name).exit_code == 0
    added = invoke(url, "person", "add", name)
    assert added.exit_code == 0, added.output
    made = invoke(
        url,
        "production",
        "add",
        name,
        "--prep",
        day(0).isoformat(),
        "--shoot",
        f"{day(1).isoformat()}..{day(2).isoformat()}",
        "--wrap",
        day(3).isoformat(),
    )
    assert made.exit_code == 0, made.output
    asset = invoke(url, "asset", "add", "--category", "Camera", "--name", name, "--location", typed)
    assert asset.exit_code == 0, asset.output
    tag = asset.output.strip().split()[0]

    shown = invoke(url, "production", "show", typed, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["production"]["name"] == name

    listed = invoke(url, "asset", "list", "--search", word, "--json")
    assert [a["tag"] for a in json.loads(listed.output)] == [tag]

    out = invoke(url, "checkout", typed, "--to", typed, tag, "--json")
    assert out.exit_code == 0, out.output

    report = invoke(
        url,
        "report",
        "weekly",
        "--from",
        day(0).isoformat(),
        "--to",
        day(6).isoformat(),
        "--json",
    )
    assert report.exit_code == 0, report.output
    assert name in report.output or json.dumps(name)[1:-1] in report.output

    target = tmp_path / "catalog.xlsx"
    exported = invoke(url, "export", "catalog", "-o", str(target))
    assert exported.exit_code == 0, exported.output
    cells = {
        str(c.value)
        for ws in load_workbook(target, read_only=True).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    assert name in cells


def test_both_engines_store_the_same_keys(catalog_db, actor):
    with catalog_db.write() as s:
        for param in NAMES:
            people.add_person(s, actor, param.values[0])
    with catalog_db.read() as s:
        stored = {row[0]: row[1] for row in s.execute(select(Person.name, Person.name_key))}
        assert stored == {p.values[0]: name_key(p.values[0]) for p in NAMES}
        # the key is ours, not the database's lower(): they differ beyond ASCII
        lowered = {row[0]: row[1] for row in s.execute(select(Person.name, text("lower(name)")))}
    assert any(lowered[n] != k for n, k in stored.items())
