"""The kit report's periods and time zone: ISO weeks or date ranges, in the rental house's time
zone (the ``house_timezone`` shared setting, else the zone the caller passes: the command line
and the app pass the machine's), and the calendar days a line was out in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ValidationError
from gearroom.models import Setting

#: Shared setting (settings table) naming the rental house's time zone.
TIMEZONE_SETTING = "house_timezone"
#: Longest period a report covers (ten years), to refuse typos like 2206 for 2026.
MAX_PERIOD_DAYS = 3660
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA time zone by name, or a clear error."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"Unknown time zone {name!r}: use an IANA name such as Europe/London.",
            field="timezone",
        ) from exc


def house_timezone(session: Session, fallback: tzinfo = UTC) -> tzinfo:
    """The rental house's time zone: the shared ``house_timezone`` setting, else ``fallback``
    (the command line and the app pass the machine's, :func:`gearroom.config.system_timezone`)."""
    value = session.scalar(select(Setting.value).where(Setting.key == TIMEZONE_SETTING))
    if value:
        return parse_timezone(value)
    return fallback


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end``, both included."""

    start: date
    end: date
    iso_week: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        span = f"{self.start.isoformat()} – {self.end.isoformat()}"
        return f"{self.iso_week} ({span})" if self.iso_week else span

    @property
    def slug(self) -> str:
        """A file-name friendly name: ``2026-W47`` or ``2026-11-01_2026-11-30``."""
        return self.iso_week or f"{self.start.isoformat()}_{self.end.isoformat()}"


def week_period(text: str) -> Period:
    """The ISO week ``YYYY-Www`` (Monday to Sunday)."""
    match = _WEEK_RE.match(text or "")
    if not match:
        raise ValidationError(
            f"{text!r} is not a week: write it as YEAR-Wnn, for example 2026-W47.", field="week"
        )
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValidationError(
            f"{year} has no week {week}: ISO weeks run from W01 to W52 or W53.", field="week"
        ) from exc
    return Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}")


def week_of(day: date) -> Period:
    """The ISO week that contains ``day``."""
    year, week, _ = day.isocalendar()
    return week_period(f"{year}-W{week:02d}")


def range_period(start: date | str, end: date | str) -> Period:
    """Any range of dates, both ends included (an exact ISO week is named as such)."""
    first = _as_date(start, "from")
    last = _as_date(end, "to")
    if last < first:
        raise ValidationError(
            f"The period starts on {first.isoformat()} but ends before, on {last.isoformat()}: "
            "give a 'from' date on or before the 'to' date.",
            field="to",
        )
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            f"A report covers at most {MAX_PERIOD_DAYS} days; "
            f"{first.isoformat()} – {last.isoformat()} is longer.",
            field="to",
        )
    if first.isoweekday() == 1 and last == first + timedelta(days=6):
        return week_of(first)
    return Period(first, last)


def last_full_week(today: date) -> Period:
    """The last week that has ended: the ISO week before the one holding ``today``."""
    return week_of(today - timedelta(days=7))


def _as_date(value: date | str, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError(
            f"{value!r} is not a date: write the {name} date as YYYY-MM-DD.", field=name
        ) from exc


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The instant a calendar day starts in ``tz``, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def first_day_out(out_at: datetime, tz: tzinfo) -> date:
    return out_at.astimezone(tz).date()


def last_day_out(out_at: datetime, returned_at: datetime, tz: tzinfo) -> date:
    """The last calendar day a returned line was out: a return at midnight ends the day before."""
    first = first_day_out(out_at, tz)
    last = (returned_at.astimezone(tz) - timedelta(microseconds=1)).date()
    return max(first, last)
