"""Bad input, tried: SQL fragments, formulas, huge names, NUL and control characters,
right-to-left text and emoji go through the resolver, the catalog services and the importer.

Each is stored and read back as the same text, or refused with a GearroomError; nothing else is
raised and the history chain and the database stay intact.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from gearroom.errors import GearroomError
from gearroom.services import (
    catalog,
    history,
    import_files,
    importer,
    kits,
    people,
    resolver,
    stock,
)
from gearroom.services.catalog import AssetDraft
from gearroom.services.import_files import ImportKind
from gearroom.services.importer import ImportOptions

EVIL = [
    "'; DROP TABLE assets; --",
    "Robert'); DELETE FROM events WHERE ('1'='1",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","x")',
    "+SUM(1,2)",
    "@A1",
    "-2+3",
    "\x00",
    "CAM-0001\x00",
    "a\x00b",
    "\x1b[31mred",
    "\x7f",
    "\u202egnp.exe\u202c",
    "מצלמה ראשית",
    "كاميرا",
    "🎥📷🎬",
    "👨‍👩‍👧‍👦 family",
    "\ufeffBOM",
    "zero\u200bwidth",
    "x" * 10_000,
    "Ä" * 201,
    "  padded  ",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "NULL",
    "None",
    "",
    " ",
    "cam-0001",
    "LOC-0001",
    "Camera",
]

nasty = st.one_of(
    st.sampled_from(EVIL),
    st.text(max_size=40),
    st.lists(st.sampled_from(EVIL[:24]), min_size=2, max_size=3).map("".join),
)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Examples that write (each one or two transactions, then a full chain check) are fewer.
WRITING = settings(SETTINGS, max_examples=40)


def _intact(db) -> None:
    with db.read() as s:
        report = history.verify_chain(s)
        assert report.ok, report.problem
    assert db.state().integrity == "ok"


def _attempt(db, work) -> Any:
    """Run ``work`` in a write transaction; a GearroomError is an accepted answer."""
    try:
        with db.write() as s:
            return work(s)
    except GearroomError as exc:
        assert str(exc).strip(), "an error must say what is wrong"
        return None


@SETTINGS
@given(text=nasty)
def test_the_resolver_answers_or_says_unknown(catalog_db, text):
    with catalog_db.read() as s:
        try:
            found = resolver.resolve(s, text)
        except GearroomError as exc:
            assert str(exc)
        else:
            assert found.tag == resolver.clean_scan(text)


@WRITING
@given(field=st.sampled_from(["name", "make", "model", "serial", "notes"]), text=nasty)
def test_asset_text_fields_store_the_text_or_refuse_it(catalog_db, actor, field, text):
    values = {"name": "Probe", "category": "Grip", field: text}
    view = _attempt(catalog_db, lambda s: catalog.create_asset(s, actor, AssetDraft(**values)))
    if view is not None:
        with catalog_db.read() as s:
            stored = catalog.get_asset(s, view.tag)
        assert getattr(stored, field) == text.strip()
        edited = _attempt(
            catalog_db, lambda s: catalog.update_asset(s, actor, view.tag, {field: text + "!"})
        )
        assert edited is None or getattr(edited, field) == (text + "!").strip()
    _intact(catalog_db)


@WRITING
@given(
    field=st.sampled_from(["tag", "category", "location", "purchase_date", "purchase_value"]),
    text=nasty,
)
def test_asset_reference_fields_refuse_what_they_cannot_use(catalog_db, actor, field, text):
    values: dict[str, Any] = {"name": "Probe", "category": "Grip", field: text}
    view = _attempt(catalog_db, lambda s: catalog.create_asset(s, actor, AssetDraft(**values)))
    if view is not None and field == "tag" and text:
        assert view.tag == text.strip().upper()
        with catalog_db.read() as s:
            assert resolver.resolve(s, text).id == view.id
    _intact(catalog_db)


@WRITING
@given(kind=st.sampled_from(["category", "location", "kit", "person", "stock"]), text=nasty)
def test_names_of_everything_else(catalog_db, actor, kind, text):
    def create(s):
        if kind == "category":
            return catalog.create_category(s, actor, text, "ZZ" + str(len(text) % 97))
        if kind == "location":
            return catalog.create_location(s, actor, text)
        if kind == "kit":
            return kits.create_kit(s, actor, text, notes=text, location=text or None)
        if kind == "person":
            return people.add_person(s, actor, text, company=text, email=text, phone=text[:60])
        return stock.create_stock_item(s, actor, text, "Power", 1, unit=text[:20], notes=text)

    view = _attempt(catalog_db, create)
    if view is not None:
        assert view.name == text.strip()
    _intact(catalog_db)


@WRITING
@given(
    cells=st.lists(st.lists(nasty, min_size=1, max_size=5), min_size=1, max_size=5),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    create_categories=st.booleans(),
)
def test_the_importer_reports_or_imports_any_file(
    catalog_db, actor, tmp_path_factory, cells, sep, encoding, create_categories
):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(["Name", "Category", "Tag", "Notes", "Location"])
    for row in cells:
        writer.writerow(row)
    path = tmp_path_factory.mktemp("bad") / "bad.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    options = ImportOptions(create_categories=create_categories)
    try:
        table = import_files.read_table(path)
        mapping = importer.initial_mapping(ImportKind.ASSETS, table)
        with catalog_db.write() as s:
            report = importer.run_import(
                s, actor, table, ImportKind.ASSETS, mapping, options, commit=True
            )
    except importer.ImportRefused as refused:
        assert refused.report.problems
        assert all(p.message and p.line >= 2 for p in refused.report.problems)
    except GearroomError as exc:
        assert str(exc)
    else:
        with catalog_db.read() as s:
            for row in report.rows:
                assert catalog.get_asset(s, row.tag).name == row.name
    _intact(catalog_db)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_read_as_a_table_or_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "x.csv"
    path.write_bytes(data)
    try:
        table = import_files.read_table(path)
    except import_files.ImportFileError as exc:
        assert str(exc)
    else:
        assert table.headers and all(r.line > table.header_line for r in table.rows)


@SETTINGS
@given(
    text=st.one_of(
        nasty, st.from_regex(r"[-+($€]?[0-9.,eE+ -]{0,14}\)?", fullmatch=True), st.just("9" * 400)
    )
)
def test_numbers_and_dates_parse_or_raise_value_error(text):
    try:
        number = import_files.parse_number(text)
    except ValueError:
        pass
    else:
        assert number.is_finite() and abs(number) < Decimal("1e400")
    try:
        day = import_files.parse_date_text(text)
    except ValueError:
        pass
    else:
        assert 1 <= day.year <= 9999
