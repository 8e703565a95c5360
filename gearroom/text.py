"""Text rules shared by every layer: how names are compared, how search folds, how dates show.

Qt-free and database-free, so the models, the services, the command line and the pages all
use the same rules and SQLite and PostgreSQL store the same keys.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

#: Letters that carry their accent in the letter itself (no decomposition), folded to the
#: plain letters a person at a keyboard types.
_SEARCH_LETTERS = str.maketrans(
    {
        "ı": "i",  # Turkish dotless i
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ŧ": "t",
        "þ": "th",
        "\u0640": "",  # Arabic tatweel: a stretch, not a letter
    }
)


#: Turkish i's, after case folding: İ folds to i + U+0307; ı has no capital of its own.
_TURKISH_I = str.maketrans({"\u0307": None, "ı": "i"})


def _is_accent(char: str) -> bool:
    """A mark search forgives: Latin, Greek and Cyrillic diacritics and Arabic vowel marks.

    Kana voicing marks and the vowel signs of Indic scripts are letters in their own right
    there, so they are kept.
    """
    code = ord(char)
    return (
        0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
        or 0x064B <= code <= 0x065F
        or code == 0x0670
    )


def name_key(text: str) -> str:
    """The key a name is looked up by: NFKC-normalised, case-folded, whitespace collapsed.

    ``name_key("ÉTÉ Øresund") == name_key("été øresund")``; the same on every engine because
    it is computed here and stored, never by the database's own ``lower()``. Turkish capitals
    fold without a locale: "İ" (which case-folds to i + a combining dot) and the dotless "ı"
    both to "i", so "İSTANBUL IŞIK" is "İstanbul Işık".
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TURKISH_I)
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def search_fold(text: str) -> str:
    """Text as search compares it: case and accents forgiven.

    NFKD, drop the accents, case-fold, NFKC: "Angénieux", "ANGÉNIEUX" and "angenieux" fold
    alike, "İstanbul" to "istanbul", "STRASSE" and "straße" to "strasse".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not _is_accent(c))
    folded = unicodedata.normalize("NFKC", stripped.casefold()).translate(_SEARCH_LETTERS)
    return unicodedata.normalize("NFKC", folded)


def format_day(day: date | datetime, today: date | None = None, *, weekday: bool = True) -> str:
    """A date for people: "Thu 25 Nov", with the year when it is not this year's.

    ``today`` defaults to the local date; a datetime is shown by its date.
    """
    if isinstance(day, datetime):
        day = day.date()
    today = today or date.today()
    text = f"{day:%a %d %b}" if weekday else f"{day:%d %b}"
    return text if day.year == today.year else f"{text} {day.year}"
