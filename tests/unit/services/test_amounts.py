"""The one parser of typed money: strict by default, both conventions only when asked."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gearroom.errors import ValidationError
from gearroom.services.amounts import parse_amount


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1.234,56", D("1234.56")),
        ("1,234.56", D("1234.56")),
        ("14,500", D("14500.00")),
        ("12,5", D("12.50")),
        ("1 234,56", D("1234.56")),
        ("1.234.567,89", D("1234567.89")),
        ("99.5", D("99.50")),
        ("+7", D("7.00")),
    ],
)
def test_grouped_amounts_read_one_way_are_read(written, read):
    assert parse_amount(written, "EUR", grouped=True) == read


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1.234", "ambiguous"),
        ("1,23,4", "grouped in threes"),
        ("12.345,6.7", "separators out of place"),
        ("lots", "not an amount of money"),
        ("-1.234,56", "negative"),
        ("10.000.000.000,00", "too large"),
        ("1,234.567", "more decimals"),
    ],
)
def test_grouped_amounts_that_read_two_ways_or_none_are_refused(written, message):
    with pytest.raises(ValidationError, match=message) as caught:
        parse_amount(written, "EUR", grouped=True, field="purchase_value")
    assert caught.value.field == "purchase_value"


@pytest.mark.parametrize("written", ["1,234", "1.234,56", "1,234.56", "12,5"])
def test_the_strict_default_refuses_every_comma(written):
    with pytest.raises(ValidationError, match="ambiguous"):
        parse_amount(written, "EUR")


def test_the_currency_sets_the_decimals_in_both_modes():
    assert parse_amount("3600", "JPY") == D("3600")
    with pytest.raises(ValidationError, match="more decimals than JPY"):
        parse_amount("3600.5", "JPY")
    with pytest.raises(ValidationError, match="more decimals than JPY"):
        parse_amount("3.600,5", "JPY", grouped=True)
    assert parse_amount("1.250", "KWD") == D("1.250")
