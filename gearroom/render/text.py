"""Text as printed: font families with fallbacks, and names made safe to set on one line.

Qt picks a fallback font for any character the first family lacks; naming the Noto families
makes the choice explicit (emoji, Chinese/Japanese/Korean, Arabic) so what a name says is
drawn rather than dropped. Line and paragraph separators (U+2028, U+2029) and other control
whitespace inside a one-line field would be swallowed by the text engine: they print as spaces.
"""

from __future__ import annotations

import unicodedata

#: Latin first (the metrics the layouts were made with), then the scripts it lacks.
FAMILIES = [
    "DejaVu Sans",
    "Liberation Sans",
    "Arial",
    "Helvetica",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans CJK JP",
    "Noto Color Emoji",
]


def one_line(text: str) -> str:
    """``text`` for a one-line field: separators and control characters become spaces."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch) in ("Zl", "Zp", "Cc") else ch for ch in text)
