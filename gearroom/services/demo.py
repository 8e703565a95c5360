"""The demo rental house loaded by ``gearroom init --demo`` and on the app's first run."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gearroom.services.actor import Actor


@dataclass(frozen=True)
class DemoSummary:
    assets: int
    stock_items: int
    kits: int
    people: int
    locations: int

    def describe(self) -> str:
        return (
            f"Demo rental house loaded: {self.assets} assets, {self.stock_items} stock items, "
            f"{self.kits} kits, {self.people} people, {self.locations} locations."
        )


def load_demo(session: Session, actor: Actor) -> DemoSummary:
    """Fill an empty catalog with a believable rental house."""
    raise NotImplementedError
