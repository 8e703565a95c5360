"""A small rental house for the front-desk page tests: a camera package, crew, productions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gearroom.models import ShootDayKind
from gearroom.services import catalog, kits, people, productions, stock
from gearroom.services.catalog import AssetDraft
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.context import AppContext


@dataclass(frozen=True)
class Desk:
    production: str  # tag
    production_id: int
    production_name: str
    other: str  # tag of a second production over the same days
    badge: str
    custodian: str
    kit: str  # the lens case's tag
    kit_members: tuple[str, ...]
    loose: tuple[str, ...]  # the package's items outside the kit
    lens: str  # a lens of the package (not in the kit)
    battery: str  # stock tag
    return_day: date


def build_desk(context: AppContext, loose_items: int = 34, kit_items: int = 8) -> Desk:
    """A camera package (``loose_items`` + ``kit_items`` in a lens case + batteries)."""
    today = date.today()

    def add(session, actor):  # type: ignore[no-untyped-def]
        loose = []
        camera = catalog.create_asset(
            session, actor, AssetDraft(name="ARRI Alexa 35", category="Camera", serial="A35-001")
        )
        loose.append(camera.tag)
        for i in range(loose_items - 1):
            view = catalog.create_asset(
                session,
                actor,
                AssetDraft(
                    name=f"Zeiss Supreme Prime {i + 15}mm",
                    category="Lens",
                    serial=f"ZSP-{i:03d}",
                ),
            )
            loose.append(view.tag)
        case = kits.create_kit(session, actor, "Cooke S4 lens case")
        members = []
        for i in range(kit_items):
            view = catalog.create_asset(
                session,
                actor,
                AssetDraft(name=f"Cooke S4/i {i + 18}mm", category="Lens", serial=f"S4-{i:03d}"),
            )
            members.append(view.tag)
        kits.add_many_to_kit(session, actor, case.tag, [(t, 1) for t in members])
        battery = stock.create_stock_item(session, actor, "V-mount battery 150Wh", "Power", 12)
        person = people.add_person(session, actor, "Ana Ribeiro", role="crew")
        days = [
            ShootDayDraft(today, ShootDayKind.PREP, "Rental house"),
            ShootDayDraft(today + timedelta(days=1), ShootDayKind.SHOOT, "Union Station"),
            ShootDayDraft(today + timedelta(days=2), ShootDayKind.SHOOT, "Union Station"),
            ShootDayDraft(today + timedelta(days=3), ShootDayKind.WRAP, "Rental house"),
        ]
        prod = productions.create_production(
            session, actor, "Northern Line", client="Cole & Webb", days=days
        )
        other = productions.create_production(
            session,
            actor,
            "Salt Flats",
            client="Meridian",
            days=[ShootDayDraft(today + timedelta(days=i)) for i in range(4)],
        )
        return Desk(
            production=prod.tag,
            production_id=prod.id,
            production_name=prod.name,
            other=other.tag,
            badge=person.badge,
            custodian=person.name,
            kit=case.tag,
            kit_members=tuple(members),
            loose=tuple(loose),
            lens=loose[1],
            battery=battery.tag,
            return_day=today + timedelta(days=3),
        )

    return context.perform(add, "production")
