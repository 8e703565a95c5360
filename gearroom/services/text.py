"""Text hygiene in one place: what text may be stored, and how text leaves for spreadsheets.

At the door (:func:`clean_text`, which every service uses through
:func:`gearroom.services.validation.clean_text`): control characters (tab and newline only in
long, multi-line fields), lone surrogates (bytes that were not UTF-8), Unicode non-characters
(U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two code points of every plane), and line or
paragraph separators in one-line fields are refused with a message naming the character; text
made only of invisible characters (zero-width spaces, joiners, format marks) counts as empty.

On the way out (:func:`export_text`, :func:`neutralise_cell`): text that got in before these
rules is made writable (XML-illegal characters become U+FFFD), and text a spreadsheet would run
as a formula is made inert, whatever separator the spreadsheet splits on.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from gearroom.errors import ValidationError

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Separators a spreadsheet may split a CSV line on, depending on its locale and settings.
CSV_SEPARATORS = (",", ";", "\t", "|")
_AFTER_SEPARATOR = re.compile(
    "(["
    + re.escape("".join(CSV_SEPARATORS))
    + "])(?=["
    + re.escape("".join(FORMULA_TRIGGERS))
    + "])"
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters that draw nothing: text made only of these (and spaces) is empty.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


def is_noncharacter(ch: str) -> bool:
    """Unicode's 66 non-characters: never meant for interchange."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored (naming the first bad character), or None."""
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\t" and multiline:
            continue
        if category == "Cc":
            return f"a control character (U+{ord(ch):04X})"
        if category == "Cs":
            return "bytes that are not valid UTF-8"
        if is_noncharacter(ch):
            return f"a non-character (U+{ord(ch):04X})"
        if category in ("Zl", "Zp") and not multiline:
            return f"a line separator (U+{ord(ch):04X})"
    return None


def is_blank(text: str) -> bool:
    """True for text that shows nothing: empty, spaces, zero-width characters, format marks."""
    return all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text)


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Text as it is stored: stripped, checked, length limited (fields over 200 characters are
    multi-line: tab and newline allowed)."""
    text = "" if value is None else str(value)
    text = text.strip()
    if is_blank(text):
        text = ""
    if required and not text:
        raise ValidationError(f"{_label(field)} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(
            f"{_label(field)} is {len(text)} characters long; {max_length} at most.", field=field
        )
    bad = refused_character(text, multiline=max_length > 200)
    if bad:
        raise ValidationError(f"{_label(field)} contains {bad}; remove it.", field=field)
    return text


def export_text(text: str) -> str:
    """``text`` writable into any export (XML, CSV, PDF): XML-illegal characters become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def neutralise_cell(text: str) -> str:
    """A CSV cell no spreadsheet runs as a formula, whatever separator it splits lines on.

    A cell that starts with a formula trigger (``=``, ``+``, ``-``, ``@``, tab, CR) gets a
    leading ``'``; so does every part that would start with one if a spreadsheet split the
    cell at ``,``, ``;``, tab or ``|`` (``Lens;=cmd`` → ``Lens;'=cmd``). The importer drops a
    leading ``'`` again.
    """
    text = export_text(text)
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return _AFTER_SEPARATOR.sub(r"\1'", text)
