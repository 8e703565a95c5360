"""The weekly kit report: what went out, to whom, for how long, what came back and how.

A report covers a *period*: an ISO week (Monday to Sunday, ``2026-W47``) or any range of
calendar dates, both ends included. Every number comes from the check-out lines, the service
tickets and the history, never from an item's current status, so the report for a past period
is the same whenever it is run.

Definitions (used the same way in every section, on screen and in every export):

House time zone
    Dates are calendar dates in the rental house's time zone: the ``house_timezone`` shared
    setting (an IANA name such as ``Europe/London``), else the machine's zone, which the
    command line and the app resolve and pass as ``tz``. The period runs from local midnight
    at the start of its first day to local midnight at the end of its last day.

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

Revenue (staff and admins only)
    Built only for a viewer who may see prices: the net of the invoices and credit notes
    issued in the period, per production and per client (see
    :mod:`gearroom.services.report_revenue`). An assistant's report has no revenue at all.

Stock items (counted, unserialized) appear in the gear-out, check-out and return sections with
their quantities; utilisation and idle items are about serialized assets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError, ValidationError
from gearroom.models import (
    Asset,
    Category,
    CheckoutLine,
    Event,
    ReturnCondition,
)
from gearroom.services.actor import Actor, Permission
from gearroom.services.history_anchor import current_anchor
from gearroom.services.report_json import report_as_dict as report_as_dict
from gearroom.services.report_period import (
    MAX_PERIOD_DAYS as MAX_PERIOD_DAYS,
    TIMEZONE_SETTING as TIMEZONE_SETTING,
    Period as Period,
    first_day_out as first_day_out,
    house_timezone as house_timezone,
    last_day_out as last_day_out,
    last_full_week as last_full_week,
    local_midnight as local_midnight,
    parse_timezone as parse_timezone,
    range_period as range_period,
    week_of as week_of,
    week_period as week_period,
)
from gearroom.services.report_queries import (
    assets_out_between,
    clip,
    days_between,
    last_day,
    missing_at_end,
    overlapping_lines,
    overlapping_tickets,
    rows_for_tickets,
    status_at,
)
from gearroom.services.report_results import (
    CategoryUtilisation as CategoryUtilisation,
    GearOutLine as GearOutLine,
    ItemUtilisation as ItemUtilisation,
    KitReport as KitReport,
    Movement as Movement,
    Outstanding as Outstanding,
    ProductionGear as ProductionGear,
    TicketRow as TicketRow,
    Totals as Totals,
)
from gearroom.services.report_revenue import period_revenue

DEFAULT_IDLE_WEEKS = 4
#: How many items the "busiest" list shows.
BUSIEST_COUNT = 10

ProgressFn = Callable[[int, str], None]
CancelledFn = Callable[[], bool]


class ReportCancelled(GearroomError):
    """The report was cancelled before it was finished."""

    def __init__(self) -> None:
        super().__init__("The report was cancelled.")


def current_time() -> datetime:
    """Now, in UTC (the one clock the report reads; tests replace it)."""
    return datetime.now(UTC)


def today_in(tz: tzinfo, now: datetime | None = None) -> date:
    return (now or current_time()).astimezone(tz).date()


# --------------------------------------------------------------------------------------------
# Building


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
    viewer: Actor | None = None,
) -> KitReport:
    """Compute the kit report for ``period`` (read only; a handful of set-based queries).

    ``tz`` is the house's zone (default: the ``house_timezone`` setting, else UTC; the callers
    pass :func:`house_timezone` with the machine's zone as its fallback).
    ``now`` (default: the current time) only matters for a period that has not ended: days
    after today are not counted. ``progress(percent, message)`` is called between steps and
    ``cancelled()``, when it returns True, stops the work with :class:`ReportCancelled`.
    ``viewer``: who the report is for; it has a revenue section when they may see prices.
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
    lines = overlapping_lines(session, start_utc, end_utc)
    recently_out = assets_out_between(session, idle_utc, end_utc)

    step(35, "Reading service tickets")
    tickets = overlapping_tickets(session, start_utc, end_utc)

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
    status_at_end = status_at(
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
        clipped = clip(first, last, period.start, observed_until)
        days = days_between(*clipped) if clipped else 0
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
        elif missing_at_end(row, status_at_end):
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
        missing = missing_at_end(row, status_at_end)
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
        available = days_between(first_available, last_available)
        gone = retired is not None or (purchased is not None and purchased > period.end)
        if available == 0 and gone and not asset_days.get(asset_id):
            continue
        seen_out = last_day(returned, zone) if returned is not None else None
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
    ticket_rows = rows_for_tickets(tickets, zone, period, observed_until)
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
    revenue = None
    if viewer is not None and viewer.can(Permission.PRICES):
        step(95, "Adding up revenue")
        revenue = period_revenue(session, period.start, period.end)
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
        history_anchor=current_anchor(session).describe(),
        revenue=revenue,
    )
