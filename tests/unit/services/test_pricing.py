"""Pricing rules: the week rule, days per week, day kinds, the duration table, and amounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from gearroom.errors import ValidationError
from gearroom.models import ShootDayKind
from gearroom.services import pricing
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.amounts import (
    display,
    excel_format,
    from_minor,
    minor_digits,
    parse_amount,
    parse_percent,
    round_money,
    to_minor,
)
from gearroom.services.pricing import PricingRules, hire_days, hire_price

D = Decimal
RULES = PricingRules()


@pytest.mark.parametrize(
    ("days", "price"), [(1, "100.00"), (7, "300.00"), (8, "400.00"), (10, "600.00")]
)
def test_day_rate_100_without_a_week_rate(days, price):
    assert round_money(hire_price(D("100.00"), None, D(days), RULES), "EUR") == D(price)


@pytest.mark.parametrize(
    ("days", "price"),
    [(2, "200"), (3, "250"), (7, "250"), (9, "450"), (11, "500"), (14, "500"), (15, "600")],
)
def test_a_week_rate_caps_each_week_and_each_part_week(days, price):
    # day 100, week 250: 2 days 200 (< 250); 3 days capped at 250; 9 = 250 + 2 × 100;
    # 11 = 250 + min(400, 250); 14 = 2 weeks; 15 = 2 weeks + 1 day
    assert hire_price(D(100), D(250), D(days), RULES) == D(price)


def test_days_per_week_sets_the_week_without_a_week_rate():
    five = PricingRules(days_per_week=5)
    assert hire_price(D(100), None, D(7), five) == D(500)
    assert hire_price(D(100), None, D(4), five) == D(400)
    assert hire_price(D(100), None, D(6), five) == D(500)


def test_the_duration_table_replaces_the_week_rule_where_it_covers():
    table = PricingRules(multipliers=((1, 1, D(1)), (2, 2, D("1.5")), (3, 4, D(2)), (5, 7, D(3))))
    got = [hire_price(D(100), None, D(n), table) for n in (1, 2, 3, 4, 5, 7)]
    assert got == [D(100), D(150), D(200), D(200), D(300), D(300)]
    assert hire_price(D(100), None, D(10), table) == D(600)  # past the table: the week rule


def test_every_calendar_day_counts_unless_a_kind_is_given_a_share():
    start = date(2027, 3, 1)
    kinds = {
        start: ShootDayKind.PREP,
        start + timedelta(days=1): ShootDayKind.TRAVEL,
        start + timedelta(days=2): ShootDayKind.SHOOT,
        start + timedelta(days=4): ShootDayKind.WRAP,
    }  # day 3 is in the window but no shoot day
    end = start + timedelta(days=4)
    assert hire_days(start, end, kinds, RULES) == D(5)
    rules = PricingRules(day_shares={"travel": D("0.5"), "prep": D(0), "other": D(0)})
    assert hire_days(start, end, kinds, rules) == D("2.5")


def test_rules_are_stored_and_only_admins_change_them(database, actor):
    with database.write() as s:
        rules = pricing.set_rules(
            s, actor, currency="gbp", tax_pct="20", days_per_week=4,
            day_shares={"hold": "0"}, multipliers=[(2, 2, "1.5")],
        )  # fmt: skip
    assert (rules.currency, rules.tax_pct, rules.days_per_week) == ("GBP", D(20), 4)
    with database.read() as s:
        again = pricing.load_rules(s)
    assert again == rules
    assert again.day_shares == {"hold": D(0)} and again.multipliers == ((2, 2, D("1.5")),)
    with database.write() as s, pytest.raises(PermissionDenied):
        pricing.set_rules(s, Actor("Sam", Role.STAFF), tax_pct="0")
    with database.write() as s, pytest.raises(ValidationError, match="ISO 4217"):
        pricing.set_rules(s, actor, currency="euro")
    with database.write() as s, pytest.raises(ValidationError, match="CLDR"):
        pricing.set_rules(s, actor, currency="XQQ")


def test_minor_units_and_formats_come_from_cldr():
    assert (minor_digits("EUR"), minor_digits("JPY"), minor_digits("KWD")) == (2, 0, 3)
    assert to_minor(D("1234.56"), "EUR") == 123456
    assert to_minor(D("1234"), "JPY") == 1234
    assert from_minor(123456, "EUR") == D("1234.56")
    assert str(from_minor(36000, "EUR")) == "360.00"
    assert display(D("1360.5"), "EUR") == "€1,360.50"
    assert excel_format("EUR") == '"€"#,##0.00' and excel_format("JPY") == '"¥"#,##0'


def test_rounding_is_half_even_to_the_minor_unit():
    assert round_money(D("0.125"), "EUR") == D("0.12")
    assert round_money(D("0.135"), "EUR") == D("0.14")
    assert round_money(D("7.695"), "EUR") == D("7.70")
    assert round_money(D("2.5"), "JPY") == D(2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,000.00", "ambiguous"),
        ("1.000,00", "ambiguous"),
        ("1e3", "not an amount"),
        ("12.345", "more decimals"),
        ("-5", "negative"),
        ("NaN", "not an amount"),
        ("", "not an amount"),
        (" ten ", "not an amount"),
    ],
)
def test_amounts_people_type_are_refused_when_ambiguous(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(text, "EUR")


def test_floats_are_refused_outright():
    with pytest.raises(ValidationError, match="not a float"):
        parse_amount(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not a float"):
        parse_percent(10.0)  # type: ignore[arg-type]
    assert parse_amount("99.5", "EUR") == D("99.50")
    assert parse_percent("7.5 %") == D("7.5")


@given(
    day=st.integers(min_value=0, max_value=10**7),
    week=st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)),
    days=st.integers(min_value=0, max_value=400),
)
def test_a_hire_never_costs_more_than_its_days_and_never_floats(day, week, days):
    rate = from_minor(day, "EUR")
    week_rate = from_minor(week, "EUR") if week is not None else None
    price = hire_price(rate, week_rate, D(days), RULES)
    assert isinstance(price, Decimal)
    if week_rate is None or week_rate <= rate * 7:  # a sane card: a week is no dearer than 7 days
        assert price <= rate * days
    longer = hire_price(rate, week_rate, D(days + 1), RULES)
    assert longer >= price
