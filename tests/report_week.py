"""A hand-built week with known answers for the kit report tests (services, exports, UI, CLI).

The rental house is in Los Angeles (UTC-8 in November), so local days and UTC days differ.
Week 2026-W47 runs Monday 16 to Sunday 22 November 2026. Every row is built with the models and
every history event is recorded at a chosen moment, so the test controls every date.

What happens (local times):

* CAM-0001 Alexa Mini — out Fri 13 18:00 for Blue Hour, back Tue 17 09:00 ok (across the week
  start: 2 days in the week).
* LNS-0001 Signature 35 — out with it, back Sun 22 23:30 damaged (Sunday night: Monday in UTC;
  7 days); a service ticket opened Sun 22 23:45, still open.
* LNS-0002 Signature 50 — out Mon 16 08:00–17:00 for Blue Hour (1 day), retired Wed 18 10:00
  (available Mon–Wed: 3 days).
* CAM-0002 Venice — out Wed 18 07:00 for Night Shift, due Fri 20, not back: overdue 3 days, 5 days
  out; an earlier line Mon 2 – Thu 5 November.
* CAM-0003 Mini LF — on the same check-out, marked lost Sat 21 12:00: missing, 5 days out.
* LGT-0002 Orbiter — bought Thu 19, out Sat 21 10:00 for Night Shift, back Mon 23 10:00
  (2 days in the week, 4 available days).
* LGT-0001 SkyPanel — out 1–3 September only; a service ticket 10 – 17 November: idle.
"""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.db import Database
from gearroom.models import (
    Asset,
    AssetStatus,
    Category,
    Checkout,
    CheckoutLine,
    Person,
    Production,
    ReturnCondition,
    ServiceTicket,
    Setting,
)
from gearroom.services import history
from gearroom.services.actor import Actor
from gearroom.services.report import TIMEZONE_SETTING

LA = ZoneInfo("America/Los_Angeles")
WEEK = "2026-W47"
#: When the tests "run" the report: after the week has ended.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=LA)
ACTOR = Actor("tester")


def la(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LA)


def record_at(s: Session, at: datetime, action: str, asset: Asset, after: dict[str, str]) -> None:
    """A history event at a chosen moment."""
    with mock.patch("gearroom.services.history.utcnow", return_value=at):
        history.record(s, ACTOR, action, "asset", asset.id, asset.tag, action, after=after)


def _category(s: Session, name: str) -> Category:
    category = s.scalar(select(Category).where(Category.name == name))
    if category is None:
        category = Category(name=name, prefix=name[:3].upper(), fields=[])
        s.add(category)
        s.flush()
    return category


def _asset(s: Session, tag: str, name: str, category: str, bought: date, serial: str) -> Asset:
    asset = Asset(
        tag=tag,
        name=name,
        serial=serial,
        category=_category(s, category),
        purchase_date=bought,
        attributes={},
    )
    s.add(asset)
    s.flush()
    return asset


def _checkout(
    s: Session, production: Production, custodian: Person, out_at: datetime, due: date
) -> Checkout:
    checkout = Checkout(
        production=production, custodian=custodian, out_at=out_at, due_back=due, operator="tester"
    )
    s.add(checkout)
    s.flush()
    return checkout


def _line(
    s: Session,
    checkout: Checkout,
    asset: Asset,
    returned_at: datetime | None = None,
    condition: ReturnCondition | None = None,
) -> CheckoutLine:
    line = CheckoutLine(
        checkout=checkout,
        asset_id=asset.id,
        quantity=1,
        returned_quantity=1 if returned_at else 0,
        returned_at=returned_at,
        condition=condition,
    )
    s.add(line)
    s.flush()
    return line


def build_week(
    database: Database, *, timezone: str = "America/Los_Angeles", hostile_name: str | None = None
) -> None:
    """Fill ``database`` with the week described in the module docstring."""
    old = date(2025, 1, 1)
    with database.write() as s:
        s.add(Setting(key=TIMEZONE_SETTING, value=timezone))
        cam1 = _asset(s, "CAM-0001", "Alexa Mini", "Camera", old, "AM-1001")
        cam2 = _asset(s, "CAM-0002", "Venice", "Camera", old, "VN-2002")
        cam3 = _asset(s, "CAM-0003", "Mini LF", "Camera", old, "LF-3003")
        lns1 = _asset(s, "LNS-0001", "Signature 35", "Lens", old, "S35-11")
        lns2 = _asset(s, "LNS-0002", "Signature 50", "Lens", old, "S50-12")
        lgt1 = _asset(s, "LGT-0001", hostile_name or "SkyPanel S60", "Lighting", old, "SP-60")
        lgt2 = _asset(s, "LGT-0002", "Orbiter", "Lighting", date(2026, 11, 19), "OR-1")

        ana = Person(name="Ana Costa", badge="PER-0001")
        ben = Person(name="Ben Okafor", badge="PER-0002")
        blue = Production(tag="PRD-0001", name="Blue Hour", client="Northlight Films")
        night = Production(tag="PRD-0002", name="Night Shift", client="Studio Nine")
        s.add_all([ana, ben, blue, night])
        s.flush()

        c1 = _checkout(s, blue, ana, la(2026, 11, 13, 18), date(2026, 11, 17))
        _line(s, c1, cam1, la(2026, 11, 17, 9), ReturnCondition.OK)
        l2 = _line(s, c1, lns1, la(2026, 11, 22, 23, 30), ReturnCondition.DAMAGED)
        c4 = _checkout(s, blue, ana, la(2026, 11, 16, 8), date(2026, 11, 16))
        _line(s, c4, lns2, la(2026, 11, 16, 17), ReturnCondition.OK)

        early = _checkout(s, night, ben, la(2026, 11, 2, 9), date(2026, 11, 5))
        _line(s, early, cam2, la(2026, 11, 5, 18), ReturnCondition.OK)
        c2 = _checkout(s, night, ben, la(2026, 11, 18, 7), date(2026, 11, 20))
        _line(s, c2, cam2)
        _line(s, c2, cam3, None, ReturnCondition.MISSING)
        c3 = _checkout(s, night, ben, la(2026, 11, 21, 10), date(2026, 11, 28))
        _line(s, c3, lgt2, la(2026, 11, 23, 10), ReturnCondition.OK)

        sept = _checkout(s, night, ben, la(2026, 9, 1, 9), date(2026, 9, 3))
        _line(s, sept, lgt1, la(2026, 9, 3, 17), ReturnCondition.OK)

        s.add_all(
            [
                ServiceTicket(
                    asset=lns1,
                    production=blue,
                    checkout_line_id=l2.id,
                    opened_at=la(2026, 11, 22, 23, 45),
                    opened_by="tester",
                    note="Focus ring stiff after the shoot",
                ),
                ServiceTicket(
                    asset=lgt1,
                    opened_at=la(2026, 11, 10, 11),
                    opened_by="tester",
                    closed_at=la(2026, 11, 17, 12),
                    closed_by="tester",
                    note="Firmware update",
                ),
                ServiceTicket(
                    asset=cam2,
                    opened_at=la(2026, 11, 1, 9),
                    opened_by="tester",
                    closed_at=la(2026, 11, 2, 8),
                    closed_by="tester",
                    note="Sensor clean",
                ),
            ]
        )
        s.flush()

        record_at(s, la(2026, 11, 18, 10), "retire", lns2, {"status": "retired", "reason": "sold"})
        record_at(s, la(2026, 11, 21, 12), "status", cam3, {"status": "lost", "reason": "missing"})


def after_the_fact(database: Database) -> None:
    """What happens later: CAM-0002 comes back, CAM-0003 is found, statuses move on."""
    with database.write() as s:
        cam2 = s.scalar(select(Asset).where(Asset.tag == "CAM-0002"))
        cam3 = s.scalar(select(Asset).where(Asset.tag == "CAM-0003"))
        assert cam2 is not None and cam3 is not None
        for line in s.scalars(select(CheckoutLine).where(CheckoutLine.returned_at.is_(None))):
            line.returned_at = la(2026, 11, 26, 9)
            line.condition = ReturnCondition.OK
        cam3.status = AssetStatus.AVAILABLE
        record_at(s, la(2026, 11, 26, 9), "status", cam3, {"status": "available"})
        for ticket in s.scalars(select(ServiceTicket).where(ServiceTicket.closed_at.is_(None))):
            ticket.closed_at = la(2026, 11, 27, 9)
            ticket.closed_by = "tester"
        s.flush()
