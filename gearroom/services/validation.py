"""Checks shared by the services: clean text, numbers and dates from people and files."""

from __future__ import annotations

from datetime import date
from typing import Any

from gearroom.errors import ValidationError
from gearroom.services import text as text_rules


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Text as it is stored: see :func:`gearroom.services.text.clean_text` (the one place)."""
    return text_rules.clean_text(value, field, max_length=max_length, required=required)


def parse_date(value: Any, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"{text!r} is not a date; use YYYY-MM-DD.", field=field) from exc


def parse_int(value: Any, field: str, *, minimum: int | None = None) -> int:
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a whole number.", field=field) from exc
    if minimum is not None and number < minimum:
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} must be at least {minimum}.", field=field
        )
    return number
