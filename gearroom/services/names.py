"""Looking things up by name: one comparison for every named table, and "did you mean …".

Every named table stores ``name_key`` (:func:`gearroom.text.name_key`, computed in Python), so a
lookup compares keys and SQLite and PostgreSQL agree whatever the script of the name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import ColumnElement

from gearroom.text import name_key, search_fold

#: At most this many names in a "did you mean …" hint.
NEAREST = 5


class Named(Protocol):
    """A mapped class with a stored ``name_key`` column."""

    name_key: Any


def same_name(entity: type[Named], text: str) -> ColumnElement[bool]:
    """The condition "this row's name is ``text``", forgiving case and Unicode forms."""
    condition: ColumnElement[bool] = entity.name_key == name_key(text)
    return condition


def like_escape(text: str) -> str:
    """``text`` with LIKE wildcards escaped (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def nearest_names(text: str, names: Iterable[str], limit: int = NEAREST) -> list[str]:
    """Up to ``limit`` of ``names`` closest to ``text``, closest first (case and accents aside)."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(search_fold(name), name)
    wanted = search_fold(text)
    close = difflib.get_close_matches(wanted, list(by_key), n=limit, cutoff=0.6)
    if len(close) < limit:
        # a name that contains what was typed, or is contained in it, is near too
        close += [k for k in by_key if k not in close and wanted and (wanted in k or k in wanted)][
            : limit - len(close)
        ]
    return [by_key[k] for k in close]


def did_you_mean(text: str, names: Iterable[str], kind: str = "", limit: int = NEAREST) -> str:
    """`` Did you mean 'A', 'B'?`` for the nearest names.

    When none is near and ``kind`` is given, the first few known ones instead
    (`` Known categories: Audio, Camera, …``); never more than ``limit`` names.
    """
    every = list(names)
    near = nearest_names(text, every, limit)
    if near:
        return " Did you mean " + ", ".join(repr(n) for n in near) + "?"
    if kind and every:
        more = ", …" if len(every) > limit else ""
        return f" Known {kind}: {', '.join(every[:limit])}{more}."
    return ""
