"""The weekly kit report: what went out, to whom, for how long, what came back and how.

A report covers a *period*: an ISO week (Monday to Sunday, ``2026-W47``) or any range of
calendar dates, both ends included. Every number comes from the check-out lines, the service
tickets and the history, never from an item's current status, so the report for a past period
is the same whenever it is run.

Definitions (used the same way in every section, on screen and in every export):

House time zone
    Dates are calendar dates in the rental house's time zone: the ``house_timezone`` shared
    setting (an IANA name such as ``Europe/London``), else the machine's zone. The period
    runs from local midnight at the start of its first day to local midnight at the end of
    its last day.

Day out
    A calendar day (house time) on which the item was out for any part of the day: from the
    moment its check-out left (``Checkout.out_at``) to the moment the line was checked in
    (``CheckoutLine.returned_at``). An item out Friday 18:00 and back Monday 09:00 is out
    four days (Fri, Sat, Sun, Mon); one back at exactly midnight is not out on the day that
    midnight starts. A line still open (not returned, or marked missing) is out through the end
    of the period, or through today when the period has not ended yet. *Days out within the
    period* counts only the days inside the period. In the gear-out section each line counts
    its own days (so a production's total is the sum of its lines); for utilisation an item's
    days are counted once even when two lines touch the same day.

Check-outs and returns
    A line is checked out in the period when its check-out's ``out_at`` falls in it, and
    returned in the period when its ``returned_at`` does.

Service
    Tickets opened, and tickets closed, in the period; items still in service are the tickets
    open at the end of the period (opened before its end, not closed by then).

Missing and overdue at the end of the period
    Lines still out at the end of the period. *Missing* when the item's status at that moment,
    replayed from history, is ``lost`` (a stock line: marked missing). Otherwise *overdue* when
    its due-back date is on or before the period's last day; ``days late`` counts the days from
    the due date to the end of the period (due Sunday, still out at the end of Sunday: 1). In a
    period not over yet, the end is the end of yesterday: an item due back today is not late.

Utilisation
    For a serialized item: days out ÷ days available in the period. Available days are the
    period's days (through today, for a period that has not ended) from the item's purchase
    date (any day, when it has none) through the day of its ``retire`` event, inclusive.
    Days out are counted on available days only, so the ratio never exceeds 1. A category's
    ratio is the sum of its items' days out over the sum of their available days.

Idle
    Items in the inventory at the end of the period (purchased at least N weeks before, not
    retired) that were not out on any day of the N weeks ending on the period's last day
    (N is ``idle_weeks``, 4 by default).

As of the end of the period
    What happened after the period is not shown: a line returned later shows no return, a
    ticket closed later shows as open, so a past period reads the same whenever it is run.

Stock items (counted, unserialized) appear in the gear-out, check-out and return sections with
their quantities; utilisation and idle items are about serialized assets.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import (
    Asset,
    Category,
    Checkout,
    CheckoutLine,
    Event,
    Person,
    Production,
    ReturnCondition,
    ServiceTicket,
    Setting,
    StockItem,
)

#: Shared setting (settings table) naming the rental house's time zone.
TIMEZONE_SETTING = "house_timezone"
DEFAULT_IDLE_WEEKS = 4
#: How many items the "busiest" list shows.
BUSIEST_COUNT = 10
#: Longest period a report covers (ten years), to refuse typos like 2206 for 2026.
MAX_PERIOD_DAYS = 3660
#: Rows fetched per IN (...) query, well under every engine's parameter limit.
_CHUNK = 500
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)

ProgressFn = Callable[[int, str], None]
CancelledFn = Callable[[], bool]


class ReportCancelled(GearroomError):
    """The report was cancelled before it was finished."""

    def __init__(self) -> None:
        super().__init__("The report was cancelled.")


# --------------------------------------------------------------------------------------------
# Time zone and periods


def _system_timezone() -> tzinfo:
    name = os.environ.get("TZ", "").lstrip(":")
    candidates = [name] if name else []
    try:
        link = Path("/etc/localtime").resolve()
        if "zoneinfo" in link.parts:
            candidates.append("/".join(link.parts[link.parts.index("zoneinfo") + 1 :]))
    except OSError:  # pragma: no cover - platform dependent
        pass
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    local = datetime.now().astimezone().tzinfo
    return local if local is not None else UTC


def current_time() -> datetime:
    """Now, in UTC (the one clock the report reads; tests replace it)."""
    return datetime.now(UTC)


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA time zone by name, or a clear error."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"Unknown time zone {name!r}: use an IANA name such as Europe/London.",
            field="timezone",
        ) from exc


def house_timezone(session: Session) -> tzinfo:
    """The rental house's time zone: the shared ``house_timezone`` setting, else the machine's."""
    value = session.scalar(select(Setting.value).where(Setting.key == TIMEZONE_SETTING))
    if value:
        return parse_timezone(value)
    return _system_timezone()


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


def today_in(tz: tzinfo, now: datetime | None = None) -> date:
    return (now or current_time()).astimezone(tz).date()


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


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class GearOutLine:
    """One check-out line out during the period."""

    line_id: int
    production_tag: str
    production_name: str
    tag: str
    item: str
    serial: str
    category: str
    quantity: int
    custodian: str
    out_at: datetime
    due_back: date
    returned_at: datetime | None
    condition: str
    days_out: int


@dataclass(frozen=True)
class ProductionGear:
    """A production's gear out during the period, with its totals."""

    tag: str
    name: str
    client: str
    lines: tuple[GearOutLine, ...]

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def item_count(self) -> int:
        return len({line.tag for line in self.lines})

    @property
    def days_out(self) -> int:
        return sum(line.days_out for line in self.lines)


@dataclass(frozen=True)
class Movement:
    """A check-out or a return of one line during the period."""

    at: datetime
    kind: str  # "out" or "return"
    production_tag: str
    production_name: str
    tag: str
    item: str
    quantity: int
    custodian: str
    condition: str


@dataclass(frozen=True)
class TicketRow:
    ticket_id: int
    tag: str
    item: str
    category: str
    production_tag: str
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str
    note: str
    days_in_service: int


@dataclass(frozen=True)
class Outstanding:
    """An item still out at the end of the period that is missing or overdue."""

    state: str  # "missing" or "overdue"
    tag: str
    item: str
    serial: str
    production_tag: str
    production_name: str
    custodian: str
    out_at: datetime
    due_back: date
    days_late: int


@dataclass(frozen=True, slots=True)
class ItemUtilisation:
    asset_id: int
    tag: str
    item: str
    category: str
    available_days: int
    days_out: int
    last_out: date | None

    @property
    def ratio(self) -> float:
        return self.days_out / self.available_days if self.available_days else 0.0


@dataclass(frozen=True)
class CategoryUtilisation:
    category: str
    items: int
    available_days: int
    days_out: int

    @property
    def ratio(self) -> float:
        return self.days_out / self.available_days if self.available_days else 0.0


@dataclass(frozen=True)
class Totals:
    productions: int
    lines_out: int
    items_out: int
    line_days_out: int
    checked_out: int
    checkouts: int
    returned: int
    damaged_returns: int
    tickets_opened: int
    tickets_closed: int
    in_service_at_end: int
    missing_at_end: int
    overdue_at_end: int
    available_days: int
    days_out: int

    @property
    def utilisation(self) -> float:
        return self.days_out / self.available_days if self.available_days else 0.0


@dataclass(frozen=True)
class KitReport:
    """The weekly kit report, every section computed; immutable."""

    period: Period
    timezone: str
    generated_at: datetime
    observed_until: date
    idle_weeks: int
    productions: tuple[ProductionGear, ...]
    checkouts: tuple[Movement, ...]
    returns: tuple[Movement, ...]
    tickets_opened: tuple[TicketRow, ...]
    tickets_closed: tuple[TicketRow, ...]
    in_service: tuple[TicketRow, ...]
    missing_overdue: tuple[Outstanding, ...]
    categories: tuple[CategoryUtilisation, ...]
    items: tuple[ItemUtilisation, ...]
    busiest: tuple[ItemUtilisation, ...]
    idle: tuple[ItemUtilisation, ...]
    totals: Totals = field(repr=False)

    @property
    def gear_out(self) -> tuple[GearOutLine, ...]:
        return tuple(line for p in self.productions for line in p.lines)


# --------------------------------------------------------------------------------------------
# Building


def _days_between(first: date, last: date) -> int:
    return max(0, (last - first).days + 1)


def _clip(first: date, last: date, lo: date, hi: date) -> tuple[date, date] | None:
    a, b = max(first, lo), min(last, hi)
    return (a, b) if a <= b else None


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


class _Steps:
    def __init__(self, progress: ProgressFn | None, cancelled: CancelledFn | None) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def __call__(self, percent: int, message: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ReportCancelled()
        if self._progress is not None:
            self._progress(percent, message)


def build_report(
    session: Session,
    period: Period,
    *,
    idle_weeks: int = DEFAULT_IDLE_WEEKS,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> KitReport:
    """Compute the kit report for ``period`` (read only; a handful of set-based queries).

    ``now`` (default: the current time) only matters for a period that has not ended: days
    after today are not counted. ``progress(percent, message)`` is called between steps and
    ``cancelled()``, when it returns True, stops the work with :class:`ReportCancelled`.
    """
    if idle_weeks < 1 or idle_weeks > 520:
        raise ValidationError("Idle weeks must be between 1 and 520.", field="idle_weeks")
    step = _Steps(progress, cancelled)
    step(0, "Reading settings")
    zone = tz or house_timezone(session)
    moment = now or current_time()
    today = today_in(zone, moment)
    observed_until = min(period.end, max(today, period.start - timedelta(days=1)))
    start_utc = local_midnight(period.start, zone)
    end_utc = local_midnight(period.end + timedelta(days=1), zone)
    idle_start = period.end - timedelta(days=7 * idle_weeks - 1)
    idle_utc = local_midnight(idle_start, zone)

    step(5, "Reading check-out lines")
    lines = _overlapping_lines(session, start_utc, end_utc)
    recently_out = _assets_out_between(session, idle_utc, end_utc)

    step(35, "Reading service tickets")
    tickets = _overlapping_tickets(session, start_utc, end_utc)

    step(50, "Reading the catalog")
    # Each item's last return before the end: one index seek per item (asset_id, returned_at),
    # read as it is stored (naive UTC; text on SQLite): converted in _last_day, cheaply.
    last_return = (
        select(func.max(CheckoutLine.returned_at, type_=String()))
        .where(CheckoutLine.asset_id == Asset.id, CheckoutLine.returned_at < end_utc)
        .correlate(Asset)
        .scalar_subquery()
    )
    assets = session.execute(
        select(Asset.id, Asset.tag, Asset.name, Category.name, Asset.purchase_date, last_return)
        .join(Category, Asset.category_id == Category.id)
        .order_by(Asset.tag)
    ).all()
    retired_on: dict[int, date] = {}
    for kind, entity_id, at in session.execute(
        select(Event.entity_kind, Event.entity_id, Event.at).where(
            Event.action == "retire", Event.at < end_utc
        )
    ):
        if kind == "asset":
            day = at.astimezone(zone).date()
            retired_on[entity_id] = min(day, retired_on.get(entity_id, day))

    step(65, "Working out days out")
    # Each line's days out, clipped to the period and to what has happened so far.
    spans: list[tuple[Any, date, date]] = []
    for row in lines:
        first = first_day_out(row.out_at, zone)
        last = (
            last_day_out(row.out_at, row.returned_at, zone)
            if row.returned_at is not None
            else max(first, min(period.end, today))
        )
        spans.append((row, first, last))

    step(70, "Checking what is missing or overdue")
    open_at_end = [
        row
        for row, _, _ in spans
        if row.out_at < end_utc and (row.returned_at is None or row.returned_at >= end_utc)
    ]
    # Only a check-in marks an item missing: lines never checked in cannot be missing.
    status_at_end = _status_at(
        session,
        sorted({r.asset_id for r in open_at_end if r.asset_id and r.condition is not None}),
        end_utc,
    )
    gear_lines: dict[int, list[GearOutLine]] = defaultdict(list)
    production_names: dict[int, tuple[str, str, str]] = {}
    checkouts_out: list[Movement] = []
    returns: list[Movement] = []
    asset_days: dict[int, set[date]] = defaultdict(set)
    for row, first, last in spans:
        clipped = _clip(first, last, period.start, observed_until)
        days = _days_between(*clipped) if clipped else 0
        if row.asset_id is not None and clipped:
            day = clipped[0]
            while day <= clipped[1]:
                asset_days[row.asset_id].add(day)
                day += timedelta(days=1)
        tag = row.asset_tag or row.stock_tag or ""
        item = row.asset_name or row.stock_name or ""
        # As of the end of the period: a later return or a later check-in mark is not shown.
        returned_at = row.returned_at if row.returned_at and row.returned_at < end_utc else None
        if returned_at is not None and row.condition is not None:
            condition = row.condition.value
        elif _missing_at_end(row, status_at_end):
            condition = ReturnCondition.MISSING.value
        else:
            condition = ""
        production_names[row.production_id] = (
            row.production_tag,
            row.production_name,
            row.client,
        )
        gear_lines[row.production_id].append(
            GearOutLine(
                line_id=row.line_id,
                production_tag=row.production_tag,
                production_name=row.production_name,
                tag=tag,
                item=item,
                serial=row.serial or "",
                category=row.category,
                quantity=row.quantity,
                custodian=row.custodian,
                out_at=row.out_at.astimezone(zone),
                due_back=row.due_back,
                returned_at=returned_at.astimezone(zone) if returned_at else None,
                condition=condition,
                days_out=days,
            )
        )
        if start_utc <= row.out_at < end_utc:
            checkouts_out.append(
                Movement(
                    row.out_at.astimezone(zone),
                    "out",
                    row.production_tag,
                    row.production_name,
                    tag,
                    item,
                    row.quantity,
                    row.custodian,
                    "",
                )
            )
        if row.returned_at is not None and start_utc <= row.returned_at < end_utc:
            returns.append(
                Movement(
                    row.returned_at.astimezone(zone),
                    "return",
                    row.production_tag,
                    row.production_name,
                    tag,
                    item,
                    row.returned_quantity if row.stock_tag else row.quantity,
                    row.custodian,
                    condition,
                )
            )

    productions = tuple(
        ProductionGear(
            tag=production_names[pid][0],
            name=production_names[pid][1],
            client=production_names[pid][2],
            lines=tuple(sorted(items, key=lambda g: (g.out_at, g.tag, g.line_id))),
        )
        for pid, items in sorted(
            gear_lines.items(), key=lambda kv: production_names[kv[0]][1].casefold()
        )
    )

    # Due back on the last day and still out at its end: late. In a period not over yet, only
    # days that have ended count (an item due back today is not late yet).
    late_after = period.end if observed_until >= period.end else today - timedelta(days=1)
    exceptions: list[Outstanding] = []
    for row in open_at_end:
        missing = _missing_at_end(row, status_at_end)
        overdue = row.due_back <= late_after
        if not (missing or overdue):
            continue
        exceptions.append(
            Outstanding(
                state="missing" if missing else "overdue",
                tag=row.asset_tag or row.stock_tag or "",
                item=row.asset_name or row.stock_name or "",
                serial=row.serial or "",
                production_tag=row.production_tag,
                production_name=row.production_name,
                custodian=row.custodian,
                out_at=row.out_at.astimezone(zone),
                due_back=row.due_back,
                days_late=max(0, (late_after - row.due_back).days + 1),
            )
        )
    exceptions.sort(key=lambda e: (e.state, -e.days_late, e.tag))

    step(85, "Working out utilisation")
    items: list[ItemUtilisation] = []
    idle: list[ItemUtilisation] = []
    by_category: dict[str, list[ItemUtilisation]] = defaultdict(list)
    no_days: set[date] = set()
    for asset_id, tag, name, category, purchased, returned in assets:
        first_available = max(period.start, purchased) if purchased else period.start
        last_available = observed_until
        retired = retired_on.get(asset_id)
        if retired is not None:
            last_available = min(last_available, retired)
        available = _days_between(first_available, last_available)
        gone = retired is not None or (purchased is not None and purchased > period.end)
        if available == 0 and gone and not asset_days.get(asset_id):
            continue
        seen_out = _last_day(returned, zone) if returned is not None else None
        days_out_of_item = asset_days.get(asset_id, no_days)
        out_days = 0
        if days_out_of_item:
            out_days = sum(1 for d in days_out_of_item if first_available <= d <= last_available)
            seen_out = max(seen_out or period.start, max(days_out_of_item))
        entry = ItemUtilisation(asset_id, tag, name, category, available, out_days, seen_out)
        items.append(entry)
        by_category[category].append(entry)
        in_house_at_end = retired is None and (purchased is None or purchased <= idle_start)
        if in_house_at_end and asset_id not in recently_out:
            idle.append(entry)
    categories = tuple(
        CategoryUtilisation(
            name,
            len(members),
            sum(m.available_days for m in members),
            sum(m.days_out for m in members),
        )
        for name, members in sorted(by_category.items(), key=lambda kv: kv[0].casefold())
    )
    busiest = tuple(
        sorted(
            (i for i in items if i.days_out > 0),
            key=lambda i: (-i.ratio, -i.days_out, i.tag),
        )[:BUSIEST_COUNT]
    )
    idle.sort(key=lambda i: (i.last_out or date.min, i.tag))

    opened = tuple(t for t in tickets if start_utc <= t.opened_at.astimezone(UTC) < end_utc)
    closed = tuple(
        t
        for t in tickets
        if t.closed_at is not None and start_utc <= t.closed_at.astimezone(UTC) < end_utc
    )
    in_service = tuple(
        t for t in tickets if t.closed_at is None or t.closed_at.astimezone(UTC) >= end_utc
    )
    ticket_rows = _ticket_rows(tickets, zone, period, observed_until)
    all_gear = [g for p in productions for g in p.lines]
    totals = Totals(
        productions=len(productions),
        lines_out=len(all_gear),
        items_out=len({g.tag for g in all_gear}),
        line_days_out=sum(g.days_out for g in all_gear),
        checked_out=len(checkouts_out),
        checkouts=len(
            {row.checkout_id for row, _, _ in spans if start_utc <= row.out_at < end_utc}
        ),
        returned=len(returns),
        damaged_returns=sum(
            1 for m in returns if m.condition in (ReturnCondition.DAMAGED, ReturnCondition.SERVICE)
        ),
        tickets_opened=len(opened),
        tickets_closed=len(closed),
        in_service_at_end=len(in_service),
        missing_at_end=sum(1 for e in exceptions if e.state == "missing"),
        overdue_at_end=sum(1 for e in exceptions if e.state == "overdue"),
        available_days=sum(c.available_days for c in categories),
        days_out=sum(c.days_out for c in categories),
    )
    step(100, "Done")
    return KitReport(
        period=period,
        timezone=str(getattr(zone, "key", None) or zone),
        generated_at=moment.astimezone(zone),
        observed_until=observed_until,
        idle_weeks=idle_weeks,
        productions=productions,
        checkouts=tuple(sorted(checkouts_out, key=lambda m: (m.at, m.tag))),
        returns=tuple(sorted(returns, key=lambda m: (m.at, m.tag))),
        tickets_opened=tuple(ticket_rows[t.id] for t in opened),
        tickets_closed=tuple(ticket_rows[t.id] for t in closed),
        in_service=tuple(ticket_rows[t.id] for t in in_service),
        missing_overdue=tuple(exceptions),
        categories=categories,
        items=tuple(items),
        busiest=busiest,
        idle=tuple(idle),
        totals=totals,
    )


def _missing_at_end(row: Any, status_at_end: dict[int, str]) -> bool:
    """Whether a line open at the end of the period was missing then (asset: lost in history)."""
    if row.asset_id is not None:
        return status_at_end.get(row.asset_id) == "lost"
    return bool(row.condition is ReturnCondition.MISSING)


def _overlapping_lines(session: Session, start_utc: datetime, end_utc: datetime) -> Sequence[Any]:
    """Every check-out line out at some moment in [start, end): one query."""
    asset_category = aliased(Category)
    stock_category = aliased(Category)
    query = (
        select(
            CheckoutLine.id.label("line_id"),
            CheckoutLine.checkout_id,
            CheckoutLine.asset_id,
            CheckoutLine.quantity,
            CheckoutLine.returned_quantity,
            CheckoutLine.returned_at,
            CheckoutLine.condition,
            Checkout.out_at,
            Checkout.due_back,
            Checkout.production_id,
            Production.tag.label("production_tag"),
            Production.name.label("production_name"),
            Production.client,
            Person.name.label("custodian"),
            Asset.tag.label("asset_tag"),
            Asset.name.label("asset_name"),
            Asset.serial,
            StockItem.tag.label("stock_tag"),
            StockItem.name.label("stock_name"),
            func.coalesce(asset_category.name, stock_category.name, "").label("category"),
        )
        .join(Checkout, CheckoutLine.checkout_id == Checkout.id)
        .join(Production, Checkout.production_id == Production.id)
        .join(Person, Checkout.custodian_id == Person.id)
        .outerjoin(Asset, CheckoutLine.asset_id == Asset.id)
        .outerjoin(asset_category, Asset.category_id == asset_category.id)
        .outerjoin(StockItem, CheckoutLine.stock_item_id == StockItem.id)
        .outerjoin(stock_category, StockItem.category_id == stock_category.id)
        .where(
            Checkout.out_at < end_utc,
            or_(CheckoutLine.returned_at.is_(None), CheckoutLine.returned_at > start_utc),
        )
    )
    return session.execute(query).all()


def _assets_out_between(session: Session, start_utc: datetime, end_utc: datetime) -> set[int]:
    """The assets out at some moment in [start, end)."""
    rows = session.scalars(
        select(CheckoutLine.asset_id)
        .join(Checkout, CheckoutLine.checkout_id == Checkout.id)
        .where(
            CheckoutLine.asset_id.is_not(None),
            Checkout.out_at < end_utc,
            or_(CheckoutLine.returned_at.is_(None), CheckoutLine.returned_at > start_utc),
        )
        .distinct()
    )
    return {int(asset_id) for asset_id in rows if asset_id is not None}


def _overlapping_tickets(session: Session, start_utc: datetime, end_utc: datetime) -> Sequence[Any]:
    """Service tickets open at some moment in [start, end): one query."""
    return session.execute(
        select(
            ServiceTicket.id,
            ServiceTicket.opened_at,
            ServiceTicket.opened_by,
            ServiceTicket.closed_at,
            ServiceTicket.closed_by,
            ServiceTicket.note,
            Asset.tag.label("asset_tag"),
            Asset.name.label("asset_name"),
            Category.name.label("category"),
            Production.tag.label("production_tag"),
        )
        .join(Asset, ServiceTicket.asset_id == Asset.id)
        .join(Category, Asset.category_id == Category.id)
        .outerjoin(Production, ServiceTicket.production_id == Production.id)
        .where(
            ServiceTicket.opened_at < end_utc,
            or_(ServiceTicket.closed_at.is_(None), ServiceTicket.closed_at >= start_utc),
        )
        .order_by(ServiceTicket.opened_at, ServiceTicket.id)
    ).all()


def _ticket_rows(
    tickets: Sequence[Any], zone: tzinfo, period: Period, observed_until: date
) -> dict[int, TicketRow]:
    rows: dict[int, TicketRow] = {}
    end_utc = local_midnight(period.end + timedelta(days=1), zone)
    for t in tickets:
        closed = t.closed_at if t.closed_at is not None and t.closed_at < end_utc else None
        first = t.opened_at.astimezone(zone).date()
        last = (
            last_day_out(t.opened_at, t.closed_at, zone)
            if t.closed_at is not None
            else observed_until
        )
        clipped = _clip(first, last, period.start, observed_until)
        rows[t.id] = TicketRow(
            ticket_id=t.id,
            tag=t.asset_tag,
            item=t.asset_name,
            category=t.category,
            production_tag=t.production_tag or "",
            opened_at=t.opened_at.astimezone(zone),
            opened_by=t.opened_by,
            closed_at=closed.astimezone(zone) if closed else None,
            closed_by=t.closed_by if closed else "",
            note=t.note,
            days_in_service=_days_between(*clipped) if clipped else 0,
        )
    return rows


def _status_at(session: Session, asset_ids: Sequence[int], at_utc: datetime) -> dict[int, str]:
    """Each asset's status at ``at_utc``, replayed from its history (status-bearing events)."""
    result: dict[int, str] = {}
    status = Event.after["status"].as_string()
    for chunk in _chunks(list(asset_ids)):
        latest = (
            select(Event.entity_id, func.max(Event.id).label("last_id"))
            .where(
                Event.entity_kind == "asset",
                Event.entity_id.in_(chunk),
                Event.at < at_utc,
                status.is_not(None),
            )
            .group_by(Event.entity_id)
            .subquery()
        )
        for entity_id, value in session.execute(
            select(Event.entity_id, status).join(
                latest, and_(Event.id == latest.c.last_id, Event.entity_id == latest.c.entity_id)
            )
        ):
            if value is not None:
                result[int(entity_id)] = str(value)
    return result


def _last_day(returned: datetime | str | None, zone: tzinfo) -> date | None:
    """The last day out of a line returned at ``returned``: naive UTC as stored (text on
    SQLite, a datetime elsewhere)."""
    if returned is None:
        return None
    if isinstance(returned, str):
        returned = datetime.fromisoformat(returned)
    if returned.tzinfo is None:
        returned = returned.replace(tzinfo=UTC)
    return (returned.astimezone(zone) - timedelta(microseconds=1)).date()


# --------------------------------------------------------------------------------------------
# JSON


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _item_dict(i: ItemUtilisation) -> dict[str, Any]:
    return {
        "tag": i.tag,
        "item": i.item,
        "category": i.category,
        "available_days": i.available_days,
        "days_out": i.days_out,
        "utilisation": round(i.ratio, 4),
        "last_out": _iso(i.last_out),
    }


def _ticket_dict(t: TicketRow) -> dict[str, Any]:
    return {
        "ticket": t.ticket_id,
        "tag": t.tag,
        "item": t.item,
        "category": t.category,
        "production": t.production_tag,
        "opened_at": _iso(t.opened_at),
        "opened_by": t.opened_by,
        "closed_at": _iso(t.closed_at),
        "closed_by": t.closed_by,
        "note": t.note,
        "days_in_service": t.days_in_service,
    }


def _movement_dict(m: Movement) -> dict[str, Any]:
    return {
        "at": _iso(m.at),
        "production": m.production_tag,
        "tag": m.tag,
        "item": m.item,
        "quantity": m.quantity,
        "custodian": m.custodian,
        "condition": m.condition,
    }


def report_as_dict(report: KitReport) -> dict[str, Any]:
    """The report's numbers as JSON-ready data with stable keys (``gearroom report --json``)."""
    t = report.totals
    return {
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "week": report.period.iso_week,
            "days": report.period.days,
            "timezone": report.timezone,
            "observed_until": report.observed_until.isoformat(),
        },
        "totals": {
            "productions": t.productions,
            "lines_out": t.lines_out,
            "items_out": t.items_out,
            "line_days_out": t.line_days_out,
            "checkouts": t.checkouts,
            "lines_checked_out": t.checked_out,
            "lines_returned": t.returned,
            "damaged_returns": t.damaged_returns,
            "tickets_opened": t.tickets_opened,
            "tickets_closed": t.tickets_closed,
            "in_service_at_end": t.in_service_at_end,
            "missing_at_end": t.missing_at_end,
            "overdue_at_end": t.overdue_at_end,
            "available_days": t.available_days,
            "days_out": t.days_out,
            "utilisation": round(t.utilisation, 4),
        },
        "productions": [
            {
                "tag": p.tag,
                "name": p.name,
                "client": p.client,
                "lines": p.line_count,
                "items": p.item_count,
                "days_out": p.days_out,
                "gear": [
                    {
                        "tag": g.tag,
                        "item": g.item,
                        "serial": g.serial,
                        "category": g.category,
                        "quantity": g.quantity,
                        "custodian": g.custodian,
                        "out_at": _iso(g.out_at),
                        "due_back": _iso(g.due_back),
                        "returned_at": _iso(g.returned_at),
                        "condition": g.condition,
                        "days_out": g.days_out,
                    }
                    for g in p.lines
                ],
            }
            for p in report.productions
        ],
        "checkouts": [_movement_dict(m) for m in report.checkouts],
        "returns": [_movement_dict(m) for m in report.returns],
        "service": {
            "opened": [_ticket_dict(x) for x in report.tickets_opened],
            "closed": [_ticket_dict(x) for x in report.tickets_closed],
            "in_service_at_end": [_ticket_dict(x) for x in report.in_service],
        },
        "missing_overdue": [
            {
                "state": e.state,
                "tag": e.tag,
                "item": e.item,
                "serial": e.serial,
                "production": e.production_tag,
                "custodian": e.custodian,
                "out_at": _iso(e.out_at),
                "due_back": _iso(e.due_back),
                "days_late": e.days_late,
            }
            for e in report.missing_overdue
        ],
        "utilisation": {
            "idle_weeks": report.idle_weeks,
            "categories": [
                {
                    "category": c.category,
                    "items": c.items,
                    "available_days": c.available_days,
                    "days_out": c.days_out,
                    "utilisation": round(c.ratio, 4),
                }
                for c in report.categories
            ],
            "busiest": [_item_dict(i) for i in report.busiest],
            "idle": [_item_dict(i) for i in report.idle],
            "items": [_item_dict(i) for i in report.items],
        },
    }
