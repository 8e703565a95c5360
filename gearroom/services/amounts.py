"""Amounts of money: parsing what people type, minor units and formatting from CLDR (Babel).

An amount is a :class:`~decimal.Decimal` in the service layer and an integer count of the
currency's minor unit in the database; never a float. Rounding is half-even, to the minor unit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import (
    UnknownCurrencyError,
    format_currency,
    get_currency_name,
    get_currency_precision,
)

from gearroom.errors import ValidationError

_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def _check_currency(code: str) -> str:
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValidationError(f"{code!r} is not an ISO 4217 currency code (e.g. EUR, GBP, USD).")
    try:
        name = get_currency_name(text, locale="en")
    except UnknownCurrencyError:
        name = text
    if name == text:
        raise ValidationError(f"{text} is not a currency CLDR knows (e.g. EUR, GBP, USD).")
    return text


def currency_code(code: str) -> str:
    """The upper-case ISO code of a currency CLDR knows; a clear refusal otherwise."""
    return _check_currency(code)


def minor_digits(currency: str) -> int:
    """How many decimals the currency's minor unit has (EUR 2, JPY 0, KWD 3), from CLDR."""
    return int(get_currency_precision(currency))


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(currency))


def round_money(value: Decimal, currency: str) -> Decimal:
    """Rounded half-even to the currency's minor unit."""
    return value.quantize(quantum(currency), rounding=ROUND_HALF_EVEN)


def to_minor(value: Decimal, currency: str) -> int:
    """An amount as an integer count of minor units (rounded half-even)."""
    return int(round_money(value, currency).scaleb(minor_digits(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to an amount with exactly the currency's decimals."""
    return Decimal(int(minor)).scaleb(-minor_digits(currency)).quantize(quantum(currency))


_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
#: Amounts at or above this are refused as typing slips (ten thousand million).
LARGEST = Decimal("10000000000")


def _written_decimal(raw: str, what: str, field: str | None) -> str:
    """A plain decimal from an amount written in either convention, or a refusal.

    ``1,234.56`` and ``1.234,56`` both read 1234.56 (the rightmost separator is the decimal
    one and the other groups thousands in threes); ``14,500`` is fourteen thousand five hundred
    and ``12,5`` twelve and a half. What reads two ways (``1.234``) is refused.
    """
    value = raw.replace(" ", "").replace("\u00a0", "")
    sign = ""
    if value[:1] in "+-":
        sign, value = value[0], value[1:]
    commas, dots = value.count(","), value.count(".")
    if commas and dots:
        point = "," if value.rfind(",") > value.rfind(".") else "."
        whole, _, cents = value.rpartition(point)
        group = "." if point == "," else ","
        if group in cents or point in whole or not _GROUPED.match(whole.replace(group, ",")):
            raise ValidationError(
                f"The {what} {raw!r} is not an amount of money (separators out of place).",
                field=field,
            )
        return f"{sign}{whole.replace(group, '')}.{cents}"
    separator = "," if commas else "." if dots else ""
    if not separator:
        return sign + value
    parts = value.split(separator)
    if len(parts) > 2 or (separator == "," and len(parts[-1]) == 3):
        if not _GROUPED.match(value):
            raise ValidationError(
                f"The {what} {raw!r} is not an amount of money (thousands are grouped in threes).",
                field=field,
            )
        return sign + value.replace(separator, "")
    if separator == "." and len(parts[-1]) == 3:
        raise ValidationError(
            f"The {what} {raw!r} is ambiguous: write 1234 or 1.23 (no thousands separator).",
            field=field,
        )
    return f"{sign}{parts[0]}.{parts[1]}"


def parse_amount(
    text: str | Decimal | int,
    currency: str,
    *,
    what: str = "amount",
    grouped: bool = False,
    field: str | None = None,
) -> Decimal:
    """What a person typed as an amount of money: the one parser of typed money in Gearroom.

    The rule, by default (every price, payment, credit and repair cost): digits with an
    optional ``.`` and at most the currency's decimals (CLDR, via Babel). Commas, thousands
    separators and exponents are refused as ambiguous: ``1,234`` is a thousand and more in
    English and one and a bit in German, and a command line or a price field has no locale of
    its own that could settle it. With ``grouped=True`` (what an item cost, typed the way a
    spreadsheet or a receipt shows it) both conventions are read as long as the text reads only
    one way: ``1.234,56`` and ``1,234.56`` are 1234.56, ``14,500`` is 14500, ``12,5`` is 12.5,
    and ``1.234`` is refused. Floats are always refused (pass a string or a Decimal), so are
    negative amounts, NaN and amounts of ten thousand million or more. The result has exactly
    the currency's decimals.
    """
    if isinstance(text, float):
        raise ValidationError(
            f"The {what} must be exact: pass a decimal string, not a float.", field=field
        )
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        raw = str(text).strip()
        if grouped and raw:
            raw = _written_decimal(raw, what, field)
        elif "," in raw:
            raise ValidationError(
                f"The {what} {raw!r} is ambiguous: write it with a point and no thousands "
                "separators, e.g. 1250.50.",
                field=field,
            )
        if not _PLAIN.match(raw.removeprefix("+")):
            shown = str(text).strip()
            raise ValidationError(
                f"The {what} {shown!r} is not an amount of money: write e.g. 100 or 99.50.",
                field=field,
            )
        value = Decimal(raw)
    if not value.is_finite():
        raise ValidationError(f"The {what} must be a finite amount.", field=field)
    if value < 0:
        raise ValidationError(f"The {what} cannot be negative.", field=field)
    if value >= LARGEST:
        raise ValidationError(f"The {what} {value} is too large.", field=field)
    digits = minor_digits(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise ValidationError(
            f"The {what} {value} has more decimals than {currency} has ({digits}).", field=field
        )
    return value.quantize(quantum(currency))


def parse_percent(text: str | Decimal | int, *, what: str = "percentage") -> Decimal:
    """A percentage between 0 and 100, e.g. ``10`` or ``7.5``; floats and commas refused."""
    if isinstance(text, float):
        raise ValidationError(f"The {what} must be exact: pass a decimal string, not a float.")
    raw = str(text).strip().removesuffix("%").strip()
    if not _PLAIN.match(raw):
        raise ValidationError(f"The {what} {raw!r} is not a number: write e.g. 10 or 7.5.")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"The {what} {raw!r} is not a number.") from None
    if value < 0 or value > 100:
        raise ValidationError(f"The {what} must be between 0 and 100, not {raw}.")
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError(f"The {what} {raw} has more than four decimals.")
    return value


def plain(value: Decimal, currency: str) -> str:
    """An amount as a plain decimal string with the currency's decimals ("360.00")."""
    return str(round_money(value, currency))


def display(value: Decimal, currency: str, locale: str = "en") -> str:
    """An amount formatted for people by CLDR ("€360.00", "¥3,600")."""
    return str(format_currency(value, currency, locale=locale))


def excel_format(currency: str, locale: str = "en") -> str:
    """An Excel number format for real currency cells, from the CLDR pattern of the locale."""
    digits = minor_digits(currency)
    decimals = "0." + "0" * digits if digits else "0"
    symbol = display(Decimal(0), currency, locale).replace("0", "").replace(".", "").strip()
    symbol = symbol.replace(",", "").strip() or currency
    return f'"{symbol}"#,##{decimals}'


def percent(value: Decimal | int | str) -> Decimal:
    """A percentage or count without trailing zeros and never in exponent form (10, 7.5)."""
    number = Decimal(value)
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
