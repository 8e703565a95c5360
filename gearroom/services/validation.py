"""Checks shared by the services: clean text, numbers and dates from people and files."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from gearroom.errors import ValidationError
from gearroom.services import text as text_rules


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    """Text as it is stored: see :func:`gearroom.services.text.clean_text` (the one place)."""
    return text_rules.clean_text(value, field, max_length=max_length, required=required)


_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _money_text(text: str, field: str) -> str:
    """A plain decimal number from an amount written in either convention, or refused.

    Both ``1,234.56`` and ``1.234,56`` are read as 1234.56 (the rightmost separator is the
    decimal one, the other groups thousands in threes); ``14,500`` is fourteen thousand five
    hundred and ``12,5`` twelve and a half. What cannot be read one way only is refused.
    """
    value = text.replace(" ", "").replace("\u00a0", "")
    sign = ""
    if value[:1] in "+-":
        sign, value = value[0], value[1:]
    commas, dots = value.count(","), value.count(".")
    if commas and dots:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        whole, _, cents = value.rpartition(decimal)
        group = "." if decimal == "," else ","
        if group in cents or decimal in whole or not _GROUPED.match(whole.replace(group, ",")):
            raise ValidationError(
                f"{text!r} is not an amount of money (separators out of place).", field=field
            )
        return f"{sign}{whole.replace(group, '')}.{cents}"
    separator = "," if commas else "." if dots else ""
    if not separator:
        return sign + value
    parts = value.split(separator)
    if len(parts) > 2 or (separator == "," and len(parts[-1]) == 3):
        if not _GROUPED.match(value):
            raise ValidationError(
                f"{text!r} is not an amount of money (thousands are grouped in threes).",
                field=field,
            )
        return sign + value.replace(separator, "")
    return f"{sign}{parts[0]}.{parts[1]}"


def parse_money(value: Any, field: str = "purchase_value") -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        amount = Decimal(_money_text(text, field) if isinstance(value, str) else text)
    except InvalidOperation as exc:
        raise ValidationError(f"{value!r} is not an amount of money.", field=field) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError("An amount of money cannot be negative.", field=field)
    if amount >= Decimal("10000000000"):
        raise ValidationError("That amount is too large.", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            f"{text!r} has more than two decimals; write cents at most (1234.56 or 1.234,56).",
            field=field,
        )
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
