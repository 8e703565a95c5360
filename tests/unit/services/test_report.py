"""The kit report's numbers, pinned on a hand-built week (see tests/report_week.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from report_week import LA, NOW, WEEK, after_the_fact, build_week, la
from sqlalchemy import func, select

from gearroom.db import Database
from gearroom.errors import ValidationError
from gearroom.models import Event
from gearroom.services.report import (
    KitReport,
    ReportCancelled,
    build_report,
    house_timezone,
    last_day_out,
    last_full_week,
    range_period,
    report_as_dict,
    week_period,
)
from gearroom.services.report_export import summary_rows


@pytest.fixture
def week_db(database: Database) -> Database:
    build_week(database)
    return database


def _report(db: Database, period: str = WEEK, **kw: object) -> KitReport:
    with db.read() as s:
        return build_report(s, week_period(period), now=NOW, **kw)  # type: ignore[arg-type]


def test_gear_out_grouped_by_production_with_days_in_the_week(week_db: Database) -> None:
    report = _report(week_db)
    got = {
        p.name: [(g.tag, g.custodian, g.days_out, g.condition) for g in p.lines]
        for p in report.productions
    }
    assert got == {
        "Blue Hour": [
            ("CAM-0001", "Ana Costa", 2, "ok"),
            ("LNS-0001", "Ana Costa", 7, "damaged"),
            ("LNS-0002", "Ana Costa", 1, "ok"),
        ],
        "Night Shift": [
            ("CAM-0002", "Ben Okafor", 5, ""),
            ("CAM-0003", "Ben Okafor", 5, "missing"),
            ("LGT-0002", "Ben Okafor", 2, ""),  # back on Monday: not shown as returned
        ],
    }
    lgt2 = report.productions[1].lines[2]
    assert lgt2.returned_at is None
    first = report.productions[0].lines[0]
    assert first.serial == "AM-1001"
    assert first.out_at == la(2026, 11, 13, 18)
    assert first.returned_at == la(2026, 11, 17, 9)
    assert first.out_at.utcoffset() == timedelta(hours=-8)


def test_totals_tie_out(week_db: Database) -> None:
    report = _report(week_db)
    t = report.totals
    assert [p.days_out for p in report.productions] == [10, 12]
    assert [p.line_count for p in report.productions] == [3, 3]
    assert t.line_days_out == 22 == sum(p.days_out for p in report.productions)
    assert t.lines_out == 6 == sum(p.line_count for p in report.productions)
    assert t.items_out == 6
    assert t.productions == 2


def test_checkouts_and_returns_in_local_time(week_db: Database) -> None:
    report = _report(week_db)
    assert [(m.tag, m.at) for m in report.checkouts] == [
        ("LNS-0002", la(2026, 11, 16, 8)),
        ("CAM-0002", la(2026, 11, 18, 7)),
        ("CAM-0003", la(2026, 11, 18, 7)),
        ("LGT-0002", la(2026, 11, 21, 10)),
    ]
    # Sunday 23:30 in Los Angeles is Monday 07:30 UTC: still a return of this week.
    assert [(m.tag, m.condition) for m in report.returns] == [
        ("LNS-0002", "ok"),
        ("CAM-0001", "ok"),
        ("LNS-0001", "damaged"),
    ]
    assert report.totals.checkouts == 3
    assert report.totals.checked_out == 4
    assert report.totals.returned == 3
    assert report.totals.damaged_returns == 1


def test_service_tickets(week_db: Database) -> None:
    report = _report(week_db)
    assert [t.tag for t in report.tickets_opened] == ["LNS-0001"]
    assert [t.tag for t in report.tickets_closed] == ["LGT-0001"]
    assert [t.tag for t in report.in_service] == ["LNS-0001"]
    assert report.tickets_opened[0].days_in_service == 1
    assert report.tickets_closed[0].days_in_service == 2  # Mon and Tue of the week
    assert (report.totals.tickets_opened, report.totals.tickets_closed) == (1, 1)
    assert report.totals.in_service_at_end == 1


def test_missing_and_overdue_at_end(week_db: Database) -> None:
    report = _report(week_db)
    assert [(e.state, e.tag, e.days_late, e.due_back) for e in report.missing_overdue] == [
        ("missing", "CAM-0003", 3, date(2026, 11, 20)),
        ("overdue", "CAM-0002", 3, date(2026, 11, 20)),
    ]
    assert (report.totals.missing_at_end, report.totals.overdue_at_end) == (1, 1)


def test_utilisation_excludes_retired_and_unpurchased_days(week_db: Database) -> None:
    report = _report(week_db)
    items = {i.tag: (i.days_out, i.available_days) for i in report.items}
    assert items == {
        "CAM-0001": (2, 7),
        "CAM-0002": (5, 7),
        "CAM-0003": (5, 7),
        "LGT-0001": (0, 7),
        "LGT-0002": (2, 4),  # bought Thursday
        "LNS-0001": (7, 7),
        "LNS-0002": (1, 3),  # retired Wednesday
    }
    cats = {c.category: (c.items, c.days_out, c.available_days) for c in report.categories}
    assert cats == {"Camera": (3, 12, 21), "Lens": (2, 8, 10), "Lighting": (2, 2, 11)}
    assert report.totals.days_out == 22
    assert report.totals.available_days == 42
    assert report.totals.utilisation == pytest.approx(22 / 42)
    assert [i.tag for i in report.busiest] == [
        "LNS-0001",
        "CAM-0002",
        "CAM-0003",
        "LGT-0002",
        "LNS-0002",
        "CAM-0001",
    ]


def test_idle_items_depend_on_the_number_of_weeks(week_db: Database) -> None:
    report = _report(week_db)
    assert [(i.tag, i.last_out) for i in report.idle] == [("LGT-0001", date(2026, 9, 3))]
    # Twelve weeks back reaches the September job: nothing is idle.
    assert _report(week_db, idle_weeks=12).idle == ()
    # One week back: CAM-0002 was out this week, LGT-0001 was not.
    assert [i.tag for i in _report(week_db, idle_weeks=1).idle] == ["LGT-0001"]


def test_a_past_week_is_the_same_whenever_it_is_run(week_db: Database) -> None:
    before = report_as_dict(_report(week_db))
    after_the_fact(week_db)
    with week_db.read() as s:
        later = report_as_dict(
            build_report(s, week_period(WEEK), now=datetime(2027, 3, 1, tzinfo=LA))
        )
    assert later == before


def test_the_house_time_zone_decides_the_days(database: Database) -> None:
    build_week(database, timezone="Asia/Tokyo")
    with database.read() as s:
        assert house_timezone(s) == ZoneInfo("Asia/Tokyo")
        report = build_report(s, week_period(WEEK), now=NOW)
    # In Tokyo the LA Sunday-night return (Mon 16:30 JST) falls outside the week.
    assert "LNS-0001" not in [m.tag for m in report.returns]
    assert report.timezone == "Asia/Tokyo"


def test_an_unfinished_period_counts_days_up_to_today(week_db: Database) -> None:
    with week_db.read() as s:
        report = build_report(s, week_period(WEEK), now=la(2026, 11, 19, 12))
    assert report.observed_until == date(2026, 11, 19)
    assert ("Counted through (period not over)", date(2026, 11, 19)) in summary_rows(report)
    items = {i.tag: (i.days_out, i.available_days) for i in report.items}
    assert items["CAM-0002"] == (2, 4)  # Wed, Thu of Mon–Thu
    assert items["LNS-0001"] == (4, 4)


def test_the_report_carries_where_the_history_chain_ended(week_db: Database) -> None:
    with week_db.read() as s:
        last_id, last_hash = s.execute(
            select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)
        ).one()
    report = _report(week_db)
    assert report.history_anchor == f"#{last_id} {last_hash[:16]}"
    assert ("History ends at event", report.history_anchor) in summary_rows(report)
    after_the_fact(week_db)
    assert _report(week_db).history_anchor != report.history_anchor


def test_a_date_range_report(week_db: Database) -> None:
    with week_db.read() as s:
        report = build_report(s, range_period("2026-11-01", "2026-11-30"), now=la(2026, 12, 5))
    assert report.period.iso_week is None
    assert report.period.days == 30
    items = {i.tag: i.days_out for i in report.items}
    # Nov 2–5, then Nov 18 and still out through the 30th: 4 + 13 days.
    assert items["CAM-0002"] == 4 + 13
    assert {p.name for p in report.productions} == {"Blue Hour", "Night Shift"}


def test_progress_and_cancel(week_db: Database) -> None:
    seen: list[int] = []
    _report(week_db, progress=lambda pct, _msg: seen.append(pct))
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    with pytest.raises(ReportCancelled):
        _report(week_db, cancelled=lambda: True)


def test_reports_never_write(week_db: Database) -> None:
    with week_db.read() as s:
        events = s.scalar(select(func.count()).select_from(Event))
    _report(week_db)
    with week_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == events


def test_json_has_stable_keys(week_db: Database) -> None:
    data = report_as_dict(_report(week_db))
    assert list(data) == [
        "period",
        "totals",
        "productions",
        "checkouts",
        "returns",
        "service",
        "missing_overdue",
        "utilisation",
    ]
    assert data["period"] == {
        "start": "2026-11-16",
        "end": "2026-11-22",
        "week": "2026-W47",
        "days": 7,
        "timezone": "America/Los_Angeles",
        "observed_until": "2026-11-22",
    }
    assert data["totals"]["line_days_out"] == 22
    assert data["productions"][0]["gear"][0]["out_at"] == "2026-11-13T18:00:00-08:00"


# ---- periods and days


def test_week_parsing() -> None:
    p = week_period("2026-W47")
    assert (p.start, p.end, p.days, p.iso_week) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
        7,
        "2026-W47",
    )
    assert week_period("2026w1").start == date(2025, 12, 29)
    assert week_period("2026-W53").start == date(2026, 12, 28)  # 2026 has 53 ISO weeks


@pytest.mark.parametrize("text", ["2026-W54", "2025-W53", "banana", "", "2026-47"])
def test_bad_weeks_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match=r"week|W"):
        week_period(text)


def test_ranges() -> None:
    assert range_period("2026-11-16", "2026-11-22").iso_week == "2026-W47"
    assert range_period(date(2026, 11, 1), date(2026, 11, 1)).days == 1
    with pytest.raises(ValidationError, match="before"):
        range_period("2026-11-22", "2026-11-16")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        range_period("22/11/2026", "2026-11-30")


def test_last_full_week() -> None:
    assert last_full_week(date(2026, 11, 22)).iso_week == "2026-W46"  # a Sunday
    assert last_full_week(date(2026, 11, 23)).iso_week == "2026-W47"  # the Monday after


def test_a_return_at_midnight_ends_the_day_before() -> None:
    out = la(2026, 11, 16, 22)
    assert last_day_out(out, la(2026, 11, 18, 0), LA) == date(2026, 11, 17)
    assert last_day_out(out, la(2026, 11, 18, 0, 1), LA) == date(2026, 11, 18)
    assert last_day_out(out, out, LA) == date(2026, 11, 16)


def test_stock_lines_count_with_their_quantities(week_db: Database) -> None:
    from sqlalchemy import select as sa_select

    from gearroom.models import (
        Category,
        Checkout,
        CheckoutLine,
        Person,
        Production,
        ReturnCondition,
        StockItem,
    )

    with week_db.write() as s:
        power = Category(name="Power", prefix="PWR", fields=[])
        batteries = StockItem(tag="PWR-0100", name="V-mount 150 Wh", category=power, quantity=20)
        production = s.scalar(sa_select(Production).where(Production.tag == "PRD-0001"))
        ana = s.scalar(sa_select(Person).where(Person.badge == "PER-0001"))
        s.add(batteries)
        checkout = Checkout(
            production=production,
            custodian=ana,
            out_at=la(2026, 11, 19, 9),
            due_back=date(2026, 11, 20),
            operator="tester",
        )
        s.add(checkout)
        s.flush()
        s.add(
            CheckoutLine(
                checkout=checkout,
                stock_item_id=batteries.id,
                quantity=6,
                returned_quantity=4,
                returned_at=la(2026, 11, 20, 18),
                condition=ReturnCondition.MISSING,
            )
        )
    report = _report(week_db)
    blue = report.productions[0]
    stock = [g for g in blue.lines if g.tag == "PWR-0100"]
    assert [(g.quantity, g.days_out, g.category) for g in stock] == [(6, 2, "Power")]
    assert [(m.tag, m.quantity) for m in report.returns if m.tag == "PWR-0100"] == [("PWR-0100", 4)]
    assert blue.days_out == 12 and report.totals.line_days_out == 24
    # Stock is not a serialized item: utilisation stays about assets.
    assert "PWR-0100" not in {i.tag for i in report.items}
    assert report.totals.days_out == 22


def test_in_a_period_not_over_only_ended_days_make_an_item_late(week_db: Database) -> None:
    with week_db.read() as s:
        friday = build_report(s, week_period(WEEK), now=la(2026, 11, 20, 12))
        saturday = build_report(s, week_period(WEEK), now=la(2026, 11, 21, 12))
    # CAM-0002 is due back Friday 20: not late on Friday, one day late on Saturday.
    assert [e.tag for e in friday.missing_overdue if e.state == "overdue"] == []
    assert [(e.tag, e.days_late) for e in saturday.missing_overdue if e.state == "overdue"] == [
        ("CAM-0002", 1)
    ]
