"""The dashboard by job: what goes out today, is due back today, is overdue, and this week's
bookings, one row per production (client, days, custodian, how many items, picked so far of
booked); a production's item rows are read on demand.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import (
    Checkout,
    CheckoutLine,
    DraftCheckout,
    ModelReservation,
    Person,
    Production,
    Reservation,
)
from gearroom.services.checkout_out import OutLine, out_lines
from gearroom.services.picklist import PickLine, PickList, picklist_of
from gearroom.services.productions import production_by_key, window_of


class JobSection(enum.StrEnum):
    GOING_OUT_TODAY = "going_out_today"
    DUE_BACK_TODAY = "due_back_today"
    OVERDUE = "overdue"
    THIS_WEEK = "this_week"


@dataclass(frozen=True)
class JobRow:
    section: JobSection
    production_id: int
    production: str
    production_tag: str
    client: str
    start: date | None
    end: date | None
    custodians: tuple[str, ...]
    items: int  # lines out (due, overdue) or lines booked (going out, this week)
    picked: int
    booked: int


@dataclass(frozen=True)
class JobBoard:
    today: date
    sections: dict[JobSection, tuple[JobRow, ...]]


def _booked_ids(session: Session, start: date, end: date) -> set[int]:
    ids = set(
        session.scalars(
            select(Reservation.production_id).where(
                Reservation.start_date <= end, Reservation.end_date >= start
            )
        )
    )
    ids |= set(
        session.scalars(
            select(ModelReservation.production_id).where(
                ModelReservation.start_date <= end, ModelReservation.end_date >= start
            )
        )
    )
    return ids


def calendar_week(today: date) -> tuple[date, date]:
    """The Monday and the Sunday of the calendar week that holds ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def job_board(session: Session, today: date | None = None) -> JobBoard:
    """The four sections, each a row per production; "this week" is the calendar week
    (Monday to Sunday) that holds ``today``. Cancelled productions are left out."""
    today = today or date.today()
    week_start, week_end = calendar_week(today)
    open_out = out_lines(session, today=today)
    due: dict[int, list[OutLine]] = defaultdict(list)
    late: dict[int, list[OutLine]] = defaultdict(list)
    for ln in open_out:
        if ln.due_back == today:
            due[ln.production_id].append(ln)
        elif ln.due_back < today:
            late[ln.production_id].append(ln)
    custodians: dict[int, set[str]] = defaultdict(set)
    for pid, name in session.execute(
        select(Checkout.production_id, Person.name)
        .join(Person, Person.id == Checkout.custodian_id)
        .join(CheckoutLine, CheckoutLine.checkout_id == Checkout.id)
        .where(CheckoutLine.returned_at.is_(None))
        .distinct()
    ):
        custodians[pid].add(name)
    for pid, name in session.execute(
        select(DraftCheckout.production_id, Person.name).join(
            Person, Person.id == DraftCheckout.custodian_id
        )
    ):
        custodians[pid].add(name)
    week_ids = _booked_ids(session, week_start, week_end)
    prods = {
        p.id: p
        for p in session.scalars(
            select(Production).where(
                Production.id.in_(sorted(week_ids | set(due) | set(late))),
                Production.cancelled_at.is_(None),
            )
        )
    }
    sections: dict[JobSection, list[JobRow]] = {s: [] for s in JobSection}
    for pid, prod in prods.items():
        window = window_of(prod)
        start, end = (window[0], window[1]) if window else (None, None)
        pick = picklist_of(session, prod) if pid in week_ids else None

        who = tuple(sorted(custodians.get(pid, ())))

        def row(
            section: JobSection,
            items: int,
            p: Production = prod,
            w: tuple[str, ...] = who,
            pl: PickList | None = pick,
            s: date | None = start,
            e: date | None = end,
        ) -> JobRow:
            return JobRow(
                section,
                p.id,
                p.name,
                p.tag,
                p.client,
                s,
                e,
                w,
                items,
                pl.picked if pl else 0,
                pl.wanted if pl else 0,
            )

        if pid in late:
            sections[JobSection.OVERDUE].append(row(JobSection.OVERDUE, len(late[pid])))
        if pid in due:
            sections[JobSection.DUE_BACK_TODAY].append(
                row(JobSection.DUE_BACK_TODAY, len(due[pid]))
            )
        if pick is not None:
            lines = sum(1 for ln in pick.lines if ln.kind != "kit")
            if start == today:
                sections[JobSection.GOING_OUT_TODAY].append(row(JobSection.GOING_OUT_TODAY, lines))
            sections[JobSection.THIS_WEEK].append(row(JobSection.THIS_WEEK, lines))
    return JobBoard(
        today,
        {
            s: tuple(sorted(rows, key=lambda r: (r.start or today, r.production)))
            for s, rows in sections.items()
        },
    )


@dataclass(frozen=True)
class JobItems:
    """A production's item rows for one section: pick lines, or lines out."""

    production: str
    section: JobSection
    pick: tuple[PickLine, ...]
    out: tuple[OutLine, ...]


def job_items(
    session: Session, production: str, section: JobSection | str, today: date | None = None
) -> JobItems:
    """The item rows behind a dashboard row (read when the row is opened)."""
    today = today or date.today()
    prod = production_by_key(session, production)
    kind = JobSection(section)
    if kind in (JobSection.GOING_OUT_TODAY, JobSection.THIS_WEEK):
        return JobItems(prod.name, kind, picklist_of(session, prod).lines, ())
    lines = out_lines(session, production_id=prod.id, today=today)
    if kind is JobSection.DUE_BACK_TODAY:
        lines = [ln for ln in lines if ln.due_back == today]
    else:
        lines = [ln for ln in lines if ln.due_back < today]
    return JobItems(prod.name, kind, (), tuple(lines))
