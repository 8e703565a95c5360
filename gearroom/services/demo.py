"""The demo rental house loaded by ``gearroom init --demo`` and on the app's first run.

The house is described by the JSON files in ``resources/demo/`` (locations, people, assets,
stock, kits and the condition of a few items) and loaded through the ordinary services, so every
item has its creation in history and obeys the same rules as hand-entered gear.

What the files leave open (serial numbers, purchase dates and prices, sensor hours, battery
cycles, drone registrations) comes from a random generator seeded per model: the demo is the
same every time it is loaded (for a given ``today``), and adding a model to ``assets.json``
does not change the serials of the others.

Each part has its own loader (``_load_locations``, ``_load_people``…), all sharing a
:class:`_Demo` that maps the keys used in the files to the tags the services gave out; a later
part (productions, reservations) can refer to people, assets and kits through it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError
from gearroom.models import (
    Asset,
    AssetStatus,
    Kit,
    Location,
    LocationKind,
    Person,
    Production,
    StockItem,
)
from gearroom.services import catalog, kits, people, stock
from gearroom.services.actor import Actor, Permission
from gearroom.services.catalog import AssetDraft
from gearroom.services.demo_prep import load_demo_prep
from gearroom.services.demo_productions import load_demo_productions
from gearroom.services.ensure import ensure_location
from gearroom.services.setup import ensure_standard_categories

DEMO_SEED = "gearroom-demo-v1"
PURCHASE_YEARS = 6
# Nothing in the demo was bought in the last three weeks.
NEWEST_PURCHASE_DAYS = 21

_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I or O: they read as 1 and 0 on a label
_PATTERN_CHARS = {"#": _DIGITS, "@": _LETTERS, "&": _DIGITS + _LETTERS}


@dataclass(frozen=True)
class DemoSummary:
    assets: int
    stock_items: int
    kits: int
    people: int
    locations: int
    in_service: int = 0
    retired: int = 0
    productions: int = 0

    def describe(self) -> str:
        return (
            f"Demo rental house loaded: {self.assets} assets ({self.in_service} in service, "
            f"{self.retired} retired), {self.stock_items} stock items, {self.kits} kits, "
            f"{self.people} people, {self.locations} locations, {self.productions} productions."
        )


@dataclass
class _Demo:
    """The loading state: the session, and what each key in the files became."""

    session: Session
    actor: Actor
    today: date
    files: Path
    locations: dict[str, str] = field(default_factory=dict)  # name -> tag
    people: dict[str, str] = field(default_factory=dict)  # key -> badge
    assets: dict[str, list[str]] = field(default_factory=dict)  # key -> tag of each copy
    stock: dict[str, str] = field(default_factory=dict)  # name -> tag
    kits: dict[str, str] = field(default_factory=dict)  # key -> tag
    serials: set[str] = field(default_factory=set)

    def asset_tag(self, ref: str) -> str:
        """The tag of ``key`` (a model with one copy) or ``key#n`` (its n-th copy, from 1)."""
        key, _, copy = ref.partition("#")
        tags = self.assets.get(key)
        if tags is None:
            raise ValueError(f"demo data: no asset model {key!r}")
        if not copy:
            if len(tags) != 1:
                raise ValueError(f"demo data: {key!r} has {len(tags)} copies; say which (#n)")
            return tags[0]
        index = int(copy)
        if not 1 <= index <= len(tags):
            raise ValueError(f"demo data: {key!r} has no copy #{index}")
        return tags[index - 1]


def _read(demo: _Demo, name: str) -> list[dict[str, Any]]:
    path = demo.files / name
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"demo data: {path} must hold a JSON list")
    return data


def is_catalog_empty(session: Session) -> bool:
    """Whether there are no assets, stock items or kits yet (the demo may be loaded)."""
    return all(
        session.scalar(select(model.id).limit(1)) is None for model in (Asset, StockItem, Kit)
    )


def load_demo(
    session: Session, actor: Actor, *, files: Path, today: date | None = None
) -> DemoSummary:
    """Fill an empty catalog with a believable rental house, read from the JSON files in
    ``files`` (``paths.demo_dir()``).

    Refuses with a ConflictError, changing nothing, when the catalog has gear already.
    ``today`` anchors the purchase dates (default: today).
    """
    actor.require(Permission.CATALOG, "load the demo rental house")
    actor.require(Permission.PEOPLE, "load the demo rental house")
    _refuse_unless_empty(session)
    ensure_standard_categories(session, actor)
    demo = _Demo(session, actor, today or date.today(), files)
    _load_locations(demo)
    _load_people(demo)
    _load_assets(demo)
    _load_stock(demo)
    _load_kits(demo)
    _apply_conditions(demo)
    load_demo_productions(session, actor, demo.today)
    load_demo_prep(session, actor, demo.today)
    return _summary(session)


def _refuse_unless_empty(session: Session) -> None:
    counts = {
        label: int(session.scalar(select(func.count()).select_from(model)) or 0)
        for label, model in (("assets", Asset), ("stock items", StockItem), ("kits", Kit))
    }
    present = [f"{n} {label}" for label, n in counts.items() if n]
    if present:
        raise ConflictError(
            f"The catalog is not empty ({', '.join(present)}); the demo rental house loads "
            "only into an empty database. Give a new database file, e.g. "
            "'gearroom init --demo --db sqlite:///demo.sqlite3'."
        )


def _load_locations(demo: _Demo) -> None:
    for row in _read(demo, "locations.json"):
        name = row["name"]
        # a house that named its shelves before the demo keeps them
        view, _created = ensure_location(
            demo.session,
            demo.actor,
            name,
            LocationKind(row.get("kind", "shelf")),
            tag=row.get("tag"),
            notes=row.get("notes", ""),
        )
        demo.locations[name] = view.tag


def _load_people(demo: _Demo) -> None:
    for row in _read(demo, "people.json"):
        view = people.add_person(
            demo.session,
            demo.actor,
            row["name"],
            role=row.get("role", "crew"),
            company=row.get("company", ""),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            notes=row.get("notes", ""),
        )
        demo.people[row["key"]] = view.badge


def _expand(pattern: str, rng: random.Random) -> str:
    """``#`` a digit, ``@`` a letter, ``&`` either; anything else as written."""
    return "".join(rng.choice(_PATTERN_CHARS[ch]) if ch in _PATTERN_CHARS else ch for ch in pattern)


def _purchase_date(released: str, today: date, rng: random.Random) -> date:
    year, month = (int(part) for part in released.split("-")[:2])
    newest = today - timedelta(days=NEWEST_PURCHASE_DAYS)
    oldest = max(date(year, month, 1), today - timedelta(days=round(PURCHASE_YEARS * 365.25)))
    span = max(0, (newest - oldest).days)
    return min(oldest, newest) + timedelta(days=rng.randint(0, span))


def _purchase_value(price: float, rng: random.Random) -> Decimal:
    """What was paid: up to 10 % under list, rounded the way invoices are."""
    paid = price * rng.uniform(0.9, 1.0)
    step = 10 if price >= 1000 else 1
    return Decimal(round(paid / step) * step).quantize(Decimal("0.01"))


def _attribute(spec: Any, age_days: int, rng: random.Random) -> Any:
    if not isinstance(spec, dict):
        return spec
    if "pattern" in spec:
        return _expand(spec["pattern"], rng)
    if "range" in spec:
        low, high = spec["range"]
        return rng.randint(int(low), int(high))
    if "per_day" in spec:  # wear grows with age: sensor hours, battery cycles
        low, high = spec["per_day"]
        return int(age_days * rng.uniform(float(low), float(high)))
    raise ValueError(f"demo data: unknown attribute spec {spec!r}")


def _unique_serial(demo: _Demo, pattern: str, rng: random.Random) -> str:
    for _ in range(1000):
        serial = _expand(pattern, rng)
        if serial not in demo.serials:
            demo.serials.add(serial)
            return serial
    raise ValueError(f"demo data: serial pattern {pattern!r} ran out of serials")


def _load_assets(demo: _Demo) -> None:
    for row in _read(demo, "assets.json"):
        key = row["key"]
        rng = random.Random(f"{DEMO_SEED}/{key}")
        name = row.get("name") or f"{row['make']} {row['model']}"
        tags = []
        for _ in range(int(row.get("count", 1))):
            bought = _purchase_date(row["released"], demo.today, rng)
            age_days = (demo.today - bought).days
            draft = AssetDraft(
                name=name,
                category=row["category"],
                make=row["make"],
                model=row["model"],
                serial=_unique_serial(demo, row["serial"], rng),
                location=row.get("location"),
                purchase_date=bought,
                purchase_value=_purchase_value(float(row["price"]), rng),
                notes=row.get("notes", ""),
                attributes={
                    k: _attribute(v, age_days, rng) for k, v in row.get("attributes", {}).items()
                },
            )
            tags.append(catalog.create_asset(demo.session, demo.actor, draft).tag)
        demo.assets[key] = tags


def _load_stock(demo: _Demo) -> None:
    for row in _read(demo, "stock.json"):
        view = stock.create_stock_item(
            demo.session,
            demo.actor,
            row["name"],
            row["category"],
            int(row["quantity"]),
            location=row.get("location"),
            unit=row.get("unit", "pcs"),
            notes=row.get("notes", ""),
        )
        demo.stock[row["name"]] = view.tag


def _load_kits(demo: _Demo) -> None:
    rows = _read(demo, "kits.json")
    for row in rows:
        view = kits.create_kit(
            demo.session,
            demo.actor,
            row["name"],
            location=row.get("location"),
            notes=row.get("notes", ""),
        )
        demo.kits[row["key"]] = view.tag
    for row in rows:
        members = [(demo.asset_tag(ref), 1) for ref in row.get("assets", [])]
        members += [(demo.stock[name], int(qty)) for name, qty in row.get("stock", {}).items()]
        members += [(demo.kits[child], 1) for child in row.get("kits", [])]
        kits.add_many_to_kit(demo.session, demo.actor, demo.kits[row["key"]], members)


def _apply_conditions(demo: _Demo) -> None:
    """A few items on the service bench or retired, each with its reason."""
    for row in _read(demo, "conditions.json"):
        tag = demo.asset_tag(row["asset"])
        if row.get("location"):
            catalog.update_asset(demo.session, demo.actor, tag, {"location": row["location"]})
        status = AssetStatus(row["status"])
        if status is AssetStatus.RETIRED:
            catalog.retire_asset(demo.session, demo.actor, tag, row["reason"])
        else:
            catalog.set_status(demo.session, demo.actor, tag, status, row["reason"])


def _summary(session: Session) -> DemoSummary:
    def count(model: type[Any], *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return DemoSummary(
        assets=count(Asset),
        stock_items=count(StockItem),
        kits=count(Kit),
        people=count(Person),
        locations=count(Location),
        in_service=count(Asset, Asset.status == AssetStatus.IN_SERVICE),
        retired=count(Asset, Asset.status == AssetStatus.RETIRED),
        productions=count(Production),
    )
