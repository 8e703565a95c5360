"""Dates show the year when it is not this year's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gearroom.text import format_day


def test_a_date_this_year_has_no_year():
    assert format_day(date(2026, 11, 26), date(2026, 12, 1)) == "Thu 26 Nov"


def test_a_date_of_another_year_shows_it():
    assert format_day(date(2021, 11, 25), date(2026, 12, 1)) == "Thu 25 Nov 2021"
    assert format_day(date(2027, 1, 4), date(2026, 12, 1)) == "Mon 04 Jan 2027"


def test_without_weekday_and_from_a_datetime():
    assert format_day(date(2025, 12, 29), date(2026, 1, 2), weekday=False) == "29 Dec 2025"
    assert format_day(datetime(2026, 3, 1, 9, tzinfo=UTC), date(2026, 5, 1)) == "Sun 01 Mar"
