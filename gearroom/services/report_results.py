"""What the kit report holds: its sections as frozen dataclasses (gear out, movements, service
tickets, missing and overdue items, utilisation) and their totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from gearroom.services.report_period import Period
from gearroom.services.report_revenue import ReportRevenue


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
    #: Where the history chain ended when the report was built ("#1234 9f2c…"): kept on paper
    #: and in files, outside the database, so a chain cut or rewritten later is caught.
    history_anchor: str = ""
    #: What was invoiced in the period, for a viewer who may see prices; None otherwise.
    revenue: ReportRevenue | None = None

    @property
    def gear_out(self) -> tuple[GearOutLine, ...]:
        return tuple(line for p in self.productions for line in p.lines)
