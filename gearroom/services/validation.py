"""Checks shared by the services: clean text, numbers and dates from people and files."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from gearroom.errors import ValidationError


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Text as it is stored: stripped, control characters refused, length checked."""
    text = "" if value is None else str(value)
    text = text.strip()
    if required and not text:
        raise ValidationError(f"{field.replace('_', ' ').capitalize()} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} is {len(text)} characters long; "
            f"{max_length} at most.",
            field=field,
        )
    for ch in text:
        if ch in "\n\t" and max_length > 200:
            continue
        if unicodedata.category(ch) == "Cc":
            raise ValidationError(
                f"{field.replace('_', ' ').capitalize()} contains a control character "
                f"(U+{ord(ch):04X}); remove it.",
                field=field,
            )
    return text


def parse_money(value: Any, field: str = "purchase_value") -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError(f"{value!r} is not an amount of money.", field=field) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError("An amount of money cannot be negative.", field=field)
    if amount >= Decimal("10000000000"):
        raise ValidationError("That amount is too large.", field=field)
    return amount.quantize(Decimal("0.01"))


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
