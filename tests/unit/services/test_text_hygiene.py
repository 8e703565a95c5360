"""Text hygiene: refused at the door, inert and writable on the way out."""

from __future__ import annotations

import csv
import io
import re

import pytest

from gearroom.errors import ValidationError
from gearroom.services.text import clean_text, export_text, neutralise_cell


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Lens\uffff", "non-character (U+FFFF)"),
        ("Lens\ufdd0", "non-character (U+FDD0)"),
        ("Lens\U0001fffe", "non-character (U+1FFFE)"),
        ("Lens\x07", "control character (U+0007)"),
        ("Lens\udcff", "not valid UTF-8"),
        ("Lens\u2028B", "line separator (U+2028)"),
    ],
)
def test_bad_characters_are_refused_with_their_name(text, why):
    with pytest.raises(ValidationError, match=re.escape(why)):
        clean_text(text, "name", max_length=200)


@pytest.mark.parametrize("text", ["\u200b", " \u200b\u200d ", "\u2060\ufeff", "\u00a0"])
def test_text_that_shows_nothing_is_empty(text):
    with pytest.raises(ValidationError, match="Name is required"):
        clean_text(text, "name", max_length=200, required=True)
    assert clean_text(text, "notes", max_length=4000) == ""


def test_what_people_write_is_kept():
    for text in ["Cooke S4/i 32mm", "Zeiss Supreme Prime 29mm", "🎥 Kit A", "Ça va – ß", "👩‍🔧"]:
        assert clean_text(text, "name", max_length=200) == text
    assert clean_text("line one\nline two\ttab", "notes", max_length=4000).count("\n") == 1


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
@pytest.mark.parametrize(
    "name",
    ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "Lens;=cmd|' /C calc'!A0", "A,@x", "A|+x"],
)
def test_no_cell_becomes_a_formula_whatever_the_separator(sep, name):
    cell = neutralise_cell(name)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=",").writerow(["CAM-0001", cell])
    # A spreadsheet in another locale splits the line on its own separator, ignoring quotes.
    for part in buffer.getvalue().rstrip("\r\n").replace('"', "").split(sep):
        assert not part.startswith(("=", "+", "-", "@")), (sep, name, part)


def test_any_text_that_got_in_can_be_exported():
    assert export_text("Lens\uffff\x00") == "Lens\ufffd\ufffd"
    assert neutralise_cell("Plain name") == "Plain name"
