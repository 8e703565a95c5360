"""A small priced rental house shared by the quote, invoice and revenue tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gearroom.models import ShootDayKind
from gearroom.services import clients, model_bookings, pricing, productions, rates, reservations
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.services.productions import ShootDayDraft
from tests.unit.services._gear import day, kit, stock_item


@dataclass(frozen=True)
class House:
    cam: str
    lenses: list[str]
    case: str
    batt: str


def priced_house(s: Session, actor: Actor, *, tax: str = "20") -> House:
    """EUR, the given tax; Camera 400/day (category); Prime model 50/day; case kit 90/day."""
    pricing.set_rules(s, actor, currency="EUR", tax_pct=tax, days_per_week=3)
    cam = create_asset(s, actor, AssetDraft(name="Alexa 35", category="Camera",
                                            purchase_value="60000.00")).tag  # fmt: skip
    lenses = [
        create_asset(
            s, actor, AssetDraft(name=f"Prime {mm}", category="Lens", make="Zeiss",
                                 model=f"Prime {mm}", purchase_value="4000.00")
        ).tag
        for mm in (25, 35)
    ]  # fmt: skip
    case = kit(s, actor, "Prime case", lenses)
    batt = stock_item(s, actor, "V-mount", 10)
    rates.set_rate(s, actor, category="Camera", day="400")
    rates.set_rate(s, actor, model="Zeiss Prime 25", day="50")
    rates.set_rate(s, actor, model="Zeiss Prime 35", day="50")
    rates.set_rate(s, actor, tag=case, day="90")
    rates.set_rate(s, actor, tag=batt, day="5", sale="30.00")
    return House(cam, lenses, case, batt)


def job(s: Session, actor: Actor, name: str, *, client: str = "", first: int = 0,
        last: int = 3) -> str:  # fmt: skip
    days = [ShootDayDraft(day(first), ShootDayKind.PREP)]
    days += [ShootDayDraft(day(n)) for n in range(first + 1, last)]
    if last > first:
        days.append(ShootDayDraft(day(last), ShootDayKind.WRAP))
    return productions.create_production(s, actor, name, client=client, days=days).name


def add_client(s: Session, actor: Actor, name: str, discount: str = "0", terms: int = 30) -> None:
    clients.add_client(s, actor, name, discount=discount, terms_days=terms)


def book(s: Session, actor: Actor, production: str, *items: str) -> None:
    reservations.reserve(s, actor, production, list(items))


def book_models(s: Session, actor: Actor, production: str, model: str, qty: int) -> None:
    model_bookings.reserve_models(s, actor, production, [(model, qty)])
