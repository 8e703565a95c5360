"""The statements of the availability check of assets, built once: each call only binds its
values (the assets as expanding IN lists, the widened window, the production asking).

:func:`flags_statement` answers the common case, free, for many assets in one statement;
:func:`details` reads, for the assets it flagged, every reason in one more statement (one round
trip on a server): reservations of other productions, open check-out lines, open tickets.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Connection,
    Date,
    DateTime,
    Select,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    text,
    union_all,
)

from gearroom.models import (
    Asset,
    AssetStatus,
    Checkout,
    CheckoutLine,
    Person,
    Production,
    Reservation,
    ServiceTicket,
)


class AssetFlags(NamedTuple):
    """What the availability check's first query reads of an asset: it is free unless a flag
    (or its status) says otherwise, and the detail queries run only for the flags set."""

    id: int
    tag: str
    name: str
    status: AssetStatus
    booked: bool  # another production holds it in the window widened by the turnaround
    open_line: bool
    open_ticket: bool


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)


@cache
def flags_statement(with_production: bool) -> Select[*tuple[Any, ...]]:
    """Each asset with three flags: booked in the widened window, on an open line, ticketed."""
    booked = select(Reservation.id).where(
        Reservation.asset_id == Asset.id,
        Reservation.start_date <= bindparam("widened_end"),
        Reservation.end_date >= bindparam("widened_start"),
    )
    if with_production:
        booked = booked.where(Reservation.production_id != bindparam("production_id"))
    open_line = select(CheckoutLine.id).where(
        CheckoutLine.asset_id == Asset.id, CheckoutLine.returned_at.is_(None)
    )
    open_ticket = select(ServiceTicket.id).where(
        ServiceTicket.asset_id == Asset.id, ServiceTicket.closed_at.is_(None)
    )
    return select(
        Asset.id,
        Asset.tag,
        Asset.name,
        Asset.status,
        booked.exists(),
        open_line.exists(),
        open_ticket.exists(),
    ).where(Asset.id.in_(_IDS))


@cache
def _details_statement(with_production: bool) -> CompoundSelect[*tuple[Any, ...]]:
    """The details of the flagged assets in one statement (one round trip): reservations of
    other productions touching the widened window (part 1, by start), open check-out lines
    (part 2) and open service tickets (part 3), each part for its own list of assets."""
    line = CheckoutLine.__table__.c
    no_text = cast(null(), String)
    no_day, no_time = cast(null(), Date), cast(null(), DateTime)
    bookings = (
        select(
            literal(1).label("part"),
            Reservation.asset_id,
            Production.id,
            Production.name,
            no_text,
            Reservation.start_date.label("day1"),
            Reservation.end_date,
            no_time,
            cast(null(), line.condition.type),
        )
        .join(Production, Production.id == Reservation.production_id)
        .where(
            Reservation.asset_id.in_(bindparam("booking_ids", expanding=True)),
            Reservation.start_date <= bindparam("widened_end"),
            Reservation.end_date >= bindparam("widened_start"),
        )
    )
    if with_production:
        bookings = bookings.where(Reservation.production_id != bindparam("production_id"))
    lines = (
        select(
            literal(2),
            CheckoutLine.asset_id,
            Production.id,
            Production.name,
            Person.name,
            no_day,
            Checkout.due_back,
            Checkout.out_at,
            CheckoutLine.condition,
        )
        .join(Checkout, Checkout.id == CheckoutLine.checkout_id)
        .join(Production, Production.id == Checkout.production_id)
        .join(Person, Person.id == Checkout.custodian_id)
        .where(
            CheckoutLine.asset_id.in_(bindparam("line_ids", expanding=True)),
            CheckoutLine.returned_at.is_(None),
        )
    )
    tickets = select(
        literal(3),
        ServiceTicket.asset_id,
        ServiceTicket.id,
        ServiceTicket.note,
        no_text,
        no_day,
        no_day,
        ServiceTicket.opened_at,
        cast(null(), line.condition.type),
    ).where(
        ServiceTicket.asset_id.in_(bindparam("ticket_ids", expanding=True)),
        ServiceTicket.closed_at.is_(None),
    )
    return union_all(bookings, lines, tickets).order_by(text("part"), text("day1"))


def details(
    connection: Connection,
    with_production: bool,
    params: dict[str, Any],
    with_booking: list[int],
    with_line: list[int],
    with_ticket: list[int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(bookings, lines, tickets) of the flagged assets, from :func:`_details_statement`."""
    bookings: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    tickets: list[tuple[Any, ...]] = []
    if not (with_booking or with_line or with_ticket):
        return bookings, lines, tickets
    values = {
        **params,
        "booking_ids": with_booking,
        "line_ids": with_line,
        "ticket_ids": with_ticket,
    }
    for part, asset_id, num, name, person, day1, day2, moment, condition in connection.execute(
        _details_statement(with_production), values
    ):
        if part == 1:
            bookings.append((asset_id, day1, day2, num, name))
        elif part == 2:
            lines.append((asset_id, condition, moment, day2, num, name, person))
        else:
            tickets.append((asset_id, num, name, moment))
    return bookings, lines, tickets
