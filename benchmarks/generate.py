"""A deterministic synthetic rental house for the benchmarks.

``generate(path, scale)`` writes a Gearroom SQLite database with five years of a large rental
house's life: the catalog (assets over every standard category, stock, nested kits, locations,
people), productions with their shoot days, reservations, check-outs with their lines, service
tickets and the full tamper-evident history (consecutive event ids, hash chain computed with
:func:`gearroom.services.history.content_hash`, so ``gearroom history verify`` passes).

The file is created by :func:`gearroom.db.open_database` (the real schema, Alembic head stamped)
and filled in one transaction with Core ``executemany`` inserts through the models' tables, in
big batches. Everything comes from one seeded :class:`random.Random`, so the same seed and scale
give the same house. The house lives in a fixed five-year window ending on :data:`ANCHOR` (its
"today"); benchmarks pass that day as ``today`` to the services.

The state is consistent the way the services keep it: an asset with an open check-out line is
``out`` (``lost`` when the line is open as missing), an asset with an open service ticket is
``in_service``, retired assets have a retire event, each asset's last status event names its
current status, and every scannable tag is in the ``tags`` registry.
"""

from __future__ import annotations

import bisect
import heapq
import json
import os
import random
import shutil
import sqlite3
import string
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, insert, update
from sqlalchemy.engine import Engine

from gearroom.db import head_revision, open_database
from gearroom.models import (
    Asset,
    Category,
    Checkout,
    CheckoutLine,
    Event,
    Kit,
    KitAsset,
    KitStock,
    Location,
    Person,
    Production,
    Reservation,
    ServiceTicket,
    Setting,
    ShootDay,
    StockItem,
    Tag,
)
from gearroom.services.history import GENESIS_HASH, content_hash, jsonable
from gearroom.services.setup import STANDARD_CATEGORIES

#: Bump when the generated data changes shape: benchmark databases are then regenerated.
GENERATOR_VERSION = 3
DEFAULT_SEED = 20_260_601
#: The house's "today": the last day of its five years of history.
ANCHOR = date(2026, 6, 1)
YEARS = 5
START = ANCHOR - timedelta(days=365 * YEARS + 1)
#: Size of the camera packages the check-out benchmark sends out, and of the kits whose
#: availability is asked.
PACKAGE_SIZE = 60
KIT40_SIZE = 40
BATCH = 20_000
DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Scale:
    """How big the house is."""

    name: str
    assets: int
    kits: int
    productions: int
    shoot_days: int
    lines: int
    events: int
    people: int
    locations: int
    stock_items: int
    #: How many 60-item packages and 40-item kits the benchmarks can use.
    bench_kits: int = 12


FULL = Scale("full", 50_000, 2_000, 5_000, 40_000, 300_000, 1_000_000, 3_000, 300, 200)
QUICK = Scale("quick", 3_000, 100, 200, 1_600, 6_000, 30_000, 150, 24, 30, bench_kits=3)
SCALES = {s.name: s for s in (FULL, QUICK)}


@dataclass
class HouseInfo:
    """What a generated database holds; stored beside it as JSON."""

    generator_version: int
    seed: int
    scale: str
    anchor: str
    counts: dict[str, int]
    #: Tags of 60-item camera packages that are free from the anchor day on.
    packages: list[str]
    #: Tags of 40-item kits (with a nested case) for the availability benchmark.
    kits40: list[str]
    #: A production and a custodian badge to send gear out with.
    production_tag: str
    custodian_badge: str
    #: Asset tags to scan: free ones, out ones, in service.
    scan_tags: list[str]
    seconds: float = 0.0
    schema_revision: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def database_path(scale: Scale, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"house-{scale.name}.sqlite3"


def info_path(db_path: Path) -> Path:
    return db_path.with_suffix(".json")


def read_info(db_path: Path) -> HouseInfo | None:
    path = info_path(db_path)
    if not path.exists() or not db_path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return HouseInfo(**data)
    except (ValueError, TypeError):
        return None


def ensure_house(
    scale: Scale,
    *,
    seed: int = DEFAULT_SEED,
    data_dir: Path = DATA_DIR,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> tuple[Path, HouseInfo]:
    """The generated database of ``scale``, generated only if missing or out of date."""
    path = database_path(scale, data_dir)
    info = None if force else read_info(path)
    if (
        info is not None
        and info.generator_version == GENERATOR_VERSION
        and info.seed == seed
        and info.scale == scale.name
    ):
        if info.schema_revision != head_revision():
            # A newer migration (an index, say): upgrade in place, the data stays the same.
            log(f"Upgrading {path.name} to schema {head_revision()}…")
            database = open_database(f"sqlite:///{path}", upgrade=False)
            try:
                from gearroom.db import upgrade_schema

                upgrade_schema(database.engine)
            finally:
                database.dispose()
            info.schema_revision = head_revision()
            info_path(path).write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
        return path, info
    log(f"Generating the {scale.name} rental house into {path} (seed {seed})…")
    info = generate(path, scale, seed=seed, log=log)
    log(f"Generated in {info.seconds:.1f} s: {info.counts}")
    return path, info


# --------------------------------------------------------------------------- word lists

MAKES: dict[str, list[tuple[str, list[str]]]] = {
    "Camera": [
        ("ARRI", ["Alexa Mini LF", "Alexa 35", "Alexa Mini", "Amira"]),
        ("RED", ["V-Raptor 8K", "Komodo 6K", "Monstro 8K"]),
        ("Sony", ["Venice 2", "FX9", "FX6", "Burano"]),
        ("Canon", ["C500 Mk II", "C300 Mk III", "C70"]),
        ("Blackmagic", ["URSA Mini Pro 12K", "Pocket 6K Pro"]),
    ],
    "Lens": [
        ("Cooke", ["S4/i", "Panchro/i Classic", "S7/i", "Anamorphic/i"]),
        ("Zeiss", ["Supreme Prime", "Master Prime", "Ultra Prime", "CP.3"]),
        ("ARRI", ["Signature Prime", "Ultra Prime", "Master Anamorphic"]),
        ("Canon", ["CN-E Prime", "CN7x17", "CN-E 30-105"]),
        ("Angénieux", ["Optimo 24-290", "Optimo 15-40", "EZ-1"]),
        ("Leitz", ["Summilux-C", "Summicron-C", "M 0.8"]),
    ],
    "Lighting": [
        ("ARRI", ["SkyPanel S60-C", "SkyPanel S30-C", "Orbiter", "M18"]),
        ("Aputure", ["LS 600d Pro", "LS 300x", "Nova P300c", "MC Pro"]),
        ("Kino Flo", ["Celeb 450", "FreeStyle 31", "Diva-Lite"]),
        ("Astera", ["Titan Tube", "Helios Tube", "AX9"]),
        ("Litepanels", ["Gemini 2x1", "Astra 6X"]),
    ],
    "Drone": [
        ("DJI", ["Inspire 3", "Inspire 2", "Mavic 3 Cine", "Matrice 300"]),
        ("Freefly", ["Alta X", "Astro"]),
    ],
    "Grip": [
        ("Matthews", ["C-Stand 40", "Combo Stand", "Road Rags", "Overhead 12x12"]),
        ("Avenger", ["C-Stand", "Baby Stand", "Turtle Base"]),
        ("Modern Studio", ["Apple Box Set", "Sandbag 15lb"]),
    ],
    "Audio": [
        ("Sound Devices", ["MixPre-10 II", "833", "888"]),
        ("Sennheiser", ["MKH 416", "EW-DP", "MKH 50"]),
        ("Lectrosonics", ["SMWB", "DCHR", "SRc"]),
        ("Zaxcom", ["Nova", "ZMT4"]),
    ],
    "Power": [
        ("Anton/Bauer", ["Titon 240", "Dionic XT 150", "Quad Charger"]),
        ("Core SWX", ["Helix Max 360", "Hypercore 98"]),
        ("IDX", ["Duo-C198", "Imicro-150"]),
    ],
    "Media": [
        ("Angelbird", ["CFexpress B 1TB", "AV Pro SD 256GB", "Match Pack"]),
        ("ARRI", ["Codex Compact Drive 1TB", "Compact Drive Reader"]),
        ("Sony", ["AXS-A1TS66", "CFexpress A 160GB"]),
    ],
    "Monitoring": [
        ("SmallHD", ["Cine 7", "Indie 7", "Ultra 7", "1303 HDR"]),
        ("Atomos", ["Shogun 7", "Ninja V+"]),
        ("Flanders", ["DM241", "BM210"]),
    ],
    "Wireless Video": [
        ("Teradek", ["Bolt 6 XT 750", "Bolt 4K LT", "Ranger"]),
        ("Hollyland", ["Mars 4K", "Cosmo C1"]),
    ],
    "Support": [
        ("O'Connor", ["2575D Head", "120EX Head", "Sticks Tall"]),
        ("Sachtler", ["Video 18 S2", "Flowtech 100"]),
        ("Ronford-Baker", ["Atlas 30", "Baby Legs"]),
        ("DJI", ["Ronin 2", "RS 3 Pro"]),
    ],
    "Case": [
        ("Pelican", ["1650", "1610", "1535 Air", "1760"]),
        ("Peli", ["Storm iM2950", "Air 1615"]),
    ],
}
FOCALS = ["18", "21", "25", "27", "32", "35", "40", "50", "65", "75", "100", "135"]
MOUNTS = ["PL", "LPL", "EF", "E", "RF"]
FIRST = [
    "Alex", "Sam", "Jordan", "Maria", "Lena", "Tom", "Nadia", "Omar", "Chris", "Ines", "Kai",
    "Priya", "Jonas", "Sofia", "Mateo", "Yuki", "Ava", "Noah", "Ruth", "Felix", "Ada", "Leo",
]  # fmt: skip
LAST = [
    "Berger", "Okafor", "Lindqvist", "Moreau", "Sato", "Novak", "Garcia", "Kowalski", "Haddad",
    "Jensen", "Rossi", "Brennan", "Silva", "Müller", "Park", "Nguyen", "Dubois", "Fischer",
]  # fmt: skip
WORDS = [
    "Northern", "Silent", "Paper", "Glass", "Midnight", "Harbour", "Copper", "Winter", "Golden",
    "Hollow", "Salt", "Velvet", "Iron", "Last", "Blue", "Falling", "Quiet", "Burning", "Long",
    "River", "Empire", "Signal", "Orchard", "Station", "Lantern", "Tide", "Summit", "Echo",
]  # fmt: skip
CLIENTS = [
    "Northlight Films", "Kestrel Pictures", "Blue Door Media", "Parallax Studios",
    "Foxglove Productions", "Harbour Lane TV", "Meridian Commercials", "Quarry Pictures",
    "Tall Grass Films", "Ember & Ash", "Atlas Broadcast", "Little Wave Docs",
]  # fmt: skip
OPERATORS = ["anna", "ben", "carla", "dev", "eli", "farah", "gus", "hana"]
STOCK_NAMES = [
    ("Power", "V-mount battery 98Wh"), ("Power", "V-mount battery 150Wh"),
    ("Power", "Gold-mount battery 150Wh"), ("Power", "D-tap cable 50cm"),
    ("Media", "CFexpress B 512GB"), ("Media", "SD card 128GB"), ("Media", "SSD 2TB"),
    ("Grip", "Sandbag 15 lb"), ("Grip", "Apple box full"), ("Grip", "Gaffer tape 2in"),
    ("Lighting", "Power cable 10m"), ("Lighting", "DMX cable 5m"), ("Lighting", "Diffusion 216"),
    ("Monitoring", "SDI cable 3m"), ("Monitoring", "SDI cable 10m"), ("Audio", "XLR cable 5m"),
    ("Audio", "Lav mic windscreen"), ("Support", "Baby pin adapter"), ("Case", "Rain cover"),
]  # fmt: skip


# --------------------------------------------------------------------------- the plan


def _at(day: date, seconds: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)


def _serial(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=9))


@dataclass
class _Asset:
    id: int
    tag: str
    name: str
    make: str
    model: str
    serial: str
    category_id: int
    category: str
    location_id: int
    created: datetime
    purchase: date
    value: Decimal
    attributes: dict[str, Any]
    status: str = "available"
    notes: str = ""


@dataclass
class _Line:
    id: int
    checkout_id: int
    asset_id: int | None
    stock_id: int | None
    kit_id: int | None
    quantity: int
    returned_at: datetime | None
    condition: str | None
    note: str = ""


@dataclass
class _Checkout:
    id: int
    production_id: int
    custodian_id: int
    out_at: datetime
    due_back: date
    operator: str
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Ticket:
    id: int
    asset_id: int
    production_id: int
    line_id: int
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    closed_by: str
    note: str


class _Plan:
    """Everything the house holds, planned in memory (compactly) before it is written."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.categories: list[dict[str, Any]] = []
        self.locations: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.assets: list[_Asset] = []
        self.stock: list[dict[str, Any]] = []
        self.kits: list[dict[str, Any]] = []
        self.kit_assets: list[dict[str, Any]] = []
        self.kit_stock: list[dict[str, Any]] = []
        self.kit_members: dict[int, list[int]] = {}  # kit id -> asset ids (own, not nested)
        self.kit_children: dict[int, list[int]] = {}
        self.productions: list[dict[str, Any]] = []
        self.windows: dict[int, tuple[date, date]] = {}
        self.shoot_days: list[dict[str, Any]] = []
        self.reservations: list[dict[str, Any]] = []
        self.checkouts: list[_Checkout] = []
        self.tickets: list[_Ticket] = []
        self.retired: dict[int, datetime] = {}
        self.packages: list[int] = []
        self.kits40: list[int] = []
        self.protected: set[int] = set()

    # ---------------------------------------------------------------- catalog

    def catalog(self) -> None:
        rng, scale = self.rng, self.scale
        t0 = _at(START, 8 * 3600)
        for order, (name, prefix, specs) in enumerate(STANDARD_CATEGORIES):
            self.categories.append(
                {
                    "id": order + 1,
                    "name": name,
                    "prefix": prefix,
                    "fields": [
                        {"key": s.key, "label": s.label, "type": s.type, "unit": s.unit}
                        for s in specs
                    ],
                    "next_number": 1,
                    "sort_order": order,
                    "created_at": t0,
                    "updated_at": t0,
                }
            )
        kinds = ["shelf"] * 6 + ["bay", "room", "cage", "truck"]
        for i in range(scale.locations):
            kind = kinds[i % len(kinds)]
            name = f"{kind.title()} {chr(65 + (i // 40) % 26)}-{i % 40 + 1:02d}"
            if kind == "truck":
                name = f"Truck {i + 1:03d}"
            self.locations.append(
                {
                    "id": i + 1,
                    "tag": f"LOC-{i + 1:04d}",
                    "name": name,
                    "kind": kind,
                    "notes": "",
                    "created_at": t0,
                    "updated_at": t0,
                }
            )
        for i in range(scale.people):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            role = "client" if i % 9 == 0 else ("staff" if i % 23 == 0 else "crew")
            self.people.append(
                {
                    "id": i + 1,
                    "name": name,
                    "badge": f"P-{i + 1:04d}",
                    "role": role,
                    "company": rng.choice(CLIENTS) if role == "client" else "",
                    "email": f"{name.lower().replace(' ', '.')}.{i}@example.org",
                    "phone": "",
                    "notes": "",
                    "active": i % 97 != 5,
                    "created_at": t0,
                    "updated_at": t0,
                }
            )
        # Category mix of a camera/lighting house: lenses, lighting and grip dominate.
        weights = {
            "Camera": 5, "Lens": 18, "Lighting": 16, "Drone": 2, "Grip": 16, "Audio": 8,
            "Power": 8, "Media": 6, "Monitoring": 6, "Wireless Video": 4, "Support": 6, "Case": 5,
        }  # fmt: skip
        cats = [c["name"] for c in self.categories]
        by_name = {c["name"]: c for c in self.categories}
        span = (ANCHOR - START).days
        created_days = sorted(
            0 if rng.random() < 0.6 else rng.randrange(1, span - 30) for _ in range(scale.assets)
        )
        for i in range(scale.assets):
            cat_name = rng.choices(cats, weights=[weights[c] for c in cats])[0]
            cat = by_name[cat_name]
            make, models = rng.choice(MAKES[cat_name])
            model = rng.choice(models)
            attributes: dict[str, Any] = {}
            name = f"{make} {model}"
            if cat_name == "Lens":
                focal = rng.choice(FOCALS)
                attributes = {"mount": rng.choice(MOUNTS[:3]), "focal_length": focal}
                name = f"{make} {model} {focal}mm"
            elif cat_name == "Camera":
                attributes = {"mount": rng.choice(MOUNTS), "sensor_hours": rng.randrange(20_000)}
            elif cat_name == "Lighting":
                attributes = {"power_w": rng.choice([60, 150, 300, 600, 1200, 1800])}
            elif cat_name == "Drone":
                attributes = {
                    "registration": f"GBR-OP-{rng.randrange(10**6):06d}",
                    "battery_cycles": rng.randrange(400),
                }
            number = cat["next_number"]
            cat["next_number"] = number + 1
            created = _at(START + timedelta(days=created_days[i]), 9 * 3600 + i % 28_000)
            purchase = created.date() - timedelta(days=rng.randrange(0, 900))
            self.assets.append(
                _Asset(
                    id=i + 1,
                    tag=f"{cat['prefix']}-{number:04d}",
                    name=name,
                    make=make,
                    model=model,
                    serial=_serial(rng),
                    category_id=cat["id"],
                    category=cat_name,
                    location_id=rng.randrange(1, scale.locations + 1),
                    created=created,
                    purchase=purchase,
                    value=Decimal(rng.randrange(50, 90_000)).quantize(Decimal("1.00")),
                    attributes=attributes,
                )
            )
        for i in range(scale.stock_items):
            cat_name, base = STOCK_NAMES[i % len(STOCK_NAMES)]
            cat = by_name[cat_name]
            number = cat["next_number"]
            cat["next_number"] = number + 1
            suffix = "" if i < len(STOCK_NAMES) else f" (lot {i // len(STOCK_NAMES) + 1})"
            self.stock.append(
                {
                    "id": i + 1,
                    "tag": f"{cat['prefix']}-{number:04d}",
                    "name": base + suffix,
                    "category_id": cat["id"],
                    "location_id": rng.randrange(1, scale.locations + 1),
                    "quantity": rng.randrange(200, 800),
                    "unit": "pcs",
                    "notes": "",
                    "retired": False,
                    "created_at": t0,
                    "updated_at": t0,
                }
            )

    def kits_plan(self) -> None:
        """Kits: benchmark packages (60 items, nested), 40-item kits (nested), then the rest."""
        rng, scale = self.rng, self.scale
        early = [a.id for a in self.assets if a.created.date() == START]
        rng.shuffle(early)
        pool = iter(early)
        t_kits = _at(START + timedelta(days=14), 10 * 3600)
        kit_id = 0

        def new_kit(name: str, parent: int | None, members: list[int]) -> int:
            nonlocal kit_id
            kit_id += 1
            self.kits.append(
                {
                    "id": kit_id,
                    "tag": f"KIT-{kit_id:04d}",
                    "name": name,
                    "parent_id": parent,
                    "location_id": rng.randrange(1, scale.locations + 1),
                    "notes": "",
                    "retired": False,
                    "created_at": t_kits + timedelta(minutes=kit_id),
                    "updated_at": t_kits + timedelta(minutes=kit_id),
                }
            )
            self.kit_members[kit_id] = members
            self.kit_children.setdefault(kit_id, [])
            if parent is not None:
                self.kit_children[parent].append(kit_id)
            for pos, asset_id in enumerate(members):
                self.kit_assets.append({"kit_id": kit_id, "asset_id": asset_id, "position": pos})
            return kit_id

        def take(n: int) -> list[int]:
            return [next(pool) for _ in range(n)]

        for i in range(scale.bench_kits):
            top = new_kit(f"Camera package {i + 1} (A-cam)", None, take(PACKAGE_SIZE - 30))
            new_kit(f"Lens case {i + 1}", top, take(18))
            new_kit(f"Monitor case {i + 1}", top, take(12))
            self.packages.append(top)
        for i in range(scale.bench_kits):
            top = new_kit(f"Lighting kit {i + 1}", None, take(KIT40_SIZE - 15))
            new_kit(f"Grip case {i + 1}", top, take(15))
            self.kits40.append(top)
        for kid in self.packages + self.kits40:
            for k in [kid, *self.kit_children[kid]]:
                self.protected.update(self.kit_members[k])
        kinds = ["Camera package", "Lens set", "Lighting kit", "Grip kit", "Audio bag", "Drone kit"]
        while kit_id < scale.kits:
            remaining = scale.kits - kit_id
            size = rng.randrange(4, 16)
            top = new_kit(f"{rng.choice(kinds)} {kit_id + 1}", None, take(size))
            if remaining > 2 and rng.random() < 0.2:
                for _ in range(rng.randrange(1, 3)):
                    if kit_id < scale.kits:
                        new_kit(f"Case {kit_id + 1}", top, take(rng.randrange(3, 9)))
            if rng.random() < 0.3:
                sid = rng.randrange(1, scale.stock_items + 1)
                self.kit_stock.append(
                    {"kit_id": top, "stock_item_id": sid, "quantity": rng.randrange(1, 6)}
                )

    def kit_assets_of(self, kit_id: int) -> list[int]:
        out = list(self.kit_members[kit_id])
        for child in self.kit_children[kit_id]:
            out.extend(self.kit_assets_of(child))
        return out

    # ---------------------------------------------------------------- productions

    def productions_plan(self) -> None:
        rng, scale = self.rng, self.scale
        sizes = [scale.shoot_days // scale.productions] * scale.productions
        for i in range(scale.shoot_days - sum(sizes)):
            sizes[i % scale.productions] += 1
        for _ in range(scale.productions * 2):
            i, j = rng.randrange(scale.productions), rng.randrange(scale.productions)
            if sizes[i] > 3 and sizes[j] < 16:
                sizes[i] -= 1
                sizes[j] += 1
        first = START + timedelta(days=30)
        span = (ANCHOR + timedelta(days=60) - first).days
        starts = [first + timedelta(days=rng.randrange(span)) for _ in sizes]
        # Some productions are shooting on the anchor day: their gear is out.
        for i in rng.sample(range(len(starts)), max(4, len(starts) // 150)):
            starts[i] = ANCHOR - timedelta(days=rng.randrange(1, 6))
        starts.sort()
        day_id = 0
        names: set[str] = set()
        for i, (n, start) in enumerate(zip(sizes, starts, strict=True)):
            pid = i + 1
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
            while name in names:
                name = f"{name} {rng.choice(['II', 'III', 'Redux', 'Season 2', 'Pilot'])}"
            names.add(name)
            created = _at(start - timedelta(days=rng.randrange(10, 40)), 11 * 3600 + i)
            self.productions.append(
                {
                    "id": pid,
                    "tag": f"PRD-{pid:04d}",
                    "name": name,
                    "client": rng.choice(CLIENTS),
                    "contact_id": rng.randrange(1, scale.people + 1),
                    "notes": "",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            day = start
            for k in range(n):
                kind = "prep" if k == 0 else ("wrap" if k == n - 1 else "shoot")
                if kind == "shoot" and rng.random() < 0.05:
                    kind = rng.choice(["travel", "hold"])
                day_id += 1
                self.shoot_days.append(
                    {
                        "id": day_id,
                        "production_id": pid,
                        "day": day,
                        "kind": kind,
                        "location": rng.choice(["Stage 1", "Stage 2", "Backlot", "On location"]),
                        "call_time": None,
                    }
                )
                day += timedelta(days=1 if rng.random() < 0.85 else 2)
            self.windows[pid] = (start, day - timedelta(days=1))

    # ---------------------------------------------------------------- check-outs

    def checkouts_plan(self) -> None:
        rng, scale = self.rng, self.scale
        anchor_at = _at(ANCHOR, 12 * 3600)
        past = [p for p in self.productions if self.windows[p["id"]][0] < ANCHOR]
        future = [p for p in self.productions if self.windows[p["id"]][0] >= ANCHOR]
        created_days = [a.created for a in self.assets]
        free_from: list[datetime] = [a.created for a in self.assets]
        n_assets = len(self.assets)
        # Retirements: 1% of assets, somewhere in the five years.
        for a in rng.sample(range(n_assets), n_assets // 100):
            asset = self.assets[a]
            if asset.id in self.protected:
                continue
            when = asset.created + timedelta(days=rng.randrange(30, 1500))
            if when < anchor_at - timedelta(days=2):
                self.retired[asset.id] = when
        top_kits = [k["id"] for k in self.kits if k["parent_id"] is None]
        kit_assets = {k: self.kit_assets_of(k) for k in top_kits}
        crew = [p["id"] for p in self.people if p["role"] == "crew" and p["active"]]
        line_id = 0
        co_id = 0
        ticket_id = 0
        budget = scale.lines
        for idx, prod in enumerate(past):
            pid = prod["id"]
            w_start, w_end = self.windows[pid]
            left = len(past) - idx
            want = max(1, round(budget / left * rng.uniform(0.5, 1.5))) if left > 1 else budget
            want = min(want, budget)
            if want <= 0:
                break
            n_checkouts = 1 if want < 20 else rng.choice([1, 2, 2, 3])
            sizes = [want // n_checkouts] * n_checkouts
            sizes[0] += want - sum(sizes)
            for c in range(n_checkouts):
                offset = 0 if c == 0 else rng.randrange(0, max(1, (w_end - w_start).days))
                out_day = w_start + timedelta(days=offset)
                if out_day >= ANCHOR:
                    out_day = w_start
                out_at = _at(out_day, rng.randrange(7 * 3600, 11 * 3600))
                due = w_end
                back = _at(due + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2])), 15 * 3600)
                back += timedelta(seconds=rng.randrange(4 * 3600))
                is_open = back > anchor_at
                co_id += 1
                co = _Checkout(co_id, pid, rng.choice(crew), out_at, due, rng.choice(OPERATORS))
                chosen: list[tuple[int, int | None]] = []
                taken: set[int] = set()

                def usable(
                    a: int,
                    out_at: datetime = out_at,
                    back: datetime = back,
                    taken: set[int] = taken,
                ) -> bool:
                    asset = self.assets[a - 1]
                    if a in taken or created_days[a - 1] > out_at:
                        return False
                    if free_from[a - 1] > out_at - timedelta(days=1):
                        return False
                    if a in self.retired and self.retired[a] <= back + timedelta(days=1):
                        return False
                    if a in self.protected and back > anchor_at - timedelta(days=10):
                        return False
                    return asset is not None

                target = sizes[c]
                # Whole kits first (a package goes out together), then loose items.
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    kid = rng.choice(top_kits)
                    members = kit_assets[kid]
                    if len(chosen) + len(members) > target:
                        continue
                    if all(usable(a) for a in members):
                        chosen.extend((a, kid) for a in members)
                        taken.update(members)
                tries = 0
                n_stock = 1 if target >= 8 and rng.random() < 0.5 else 0
                while len(chosen) < target - n_stock and tries < target * 6:
                    tries += 1
                    a = rng.randrange(1, n_assets + 1)
                    if usable(a):
                        chosen.append((a, None))
                        taken.add(a)
                for a, kid in chosen:
                    line_id += 1
                    co.lines.append(_Line(line_id, co_id, a, None, kid, 1, None, None))
                for _ in range(target - len(chosen)):
                    line_id += 1
                    sid = rng.randrange(1, scale.stock_items + 1)
                    co.lines.append(_Line(line_id, co_id, None, sid, None, rng.randrange(1, 5), None, None))  # fmt: skip  # noqa: E501
                budget -= len(co.lines)
                for ln in co.lines:
                    if is_open:
                        if ln.asset_id is not None:
                            free_from[ln.asset_id - 1] = datetime.max.replace(tzinfo=UTC)
                        continue
                    ln.returned_at = back
                    roll = rng.random()
                    if ln.asset_id is None:
                        ln.condition = "ok"
                        continue
                    if roll < 0.0004 and ln.asset_id not in self.protected:
                        # Never came back: stays open, marked missing; the asset is lost.
                        self.retired.pop(ln.asset_id, None)
                        ln.returned_at = None
                        ln.condition = "missing"
                        ln.note = "Not in the returns"
                        free_from[ln.asset_id - 1] = datetime.max.replace(tzinfo=UTC)
                        continue
                    if roll < 0.02 and ln.asset_id not in self.protected:
                        ln.condition = rng.choice(["damaged", "service"])
                        ln.note = rng.choice(
                            ["Scratch on front element", "Fan noise", "Flicker at 10%",
                             "Loose mount", "Firmware update due", "Cracked housing"]
                        )  # fmt: skip
                        ticket_id += 1
                        closed = back + timedelta(days=rng.randrange(2, 25), hours=3)
                        ticket = _Ticket(
                            ticket_id,
                            ln.asset_id,
                            pid,
                            ln.id,
                            back,
                            closed if closed < anchor_at else None,
                            co.operator,
                            rng.choice(OPERATORS) if closed < anchor_at else "",
                            ln.note,
                        )
                        self.tickets.append(ticket)
                        if ln.asset_id in self.retired and (
                            ticket.closed_at is None
                            or ticket.closed_at >= self.retired[ln.asset_id]
                        ):
                            del self.retired[ln.asset_id]
                        free_from[ln.asset_id - 1] = (
                            closed if closed < anchor_at else datetime.max.replace(tzinfo=UTC)
                        )
                        continue
                    ln.condition = "ok"
                    free_from[ln.asset_id - 1] = back
                self.checkouts.append(co)
                # The reservation that preceded each asset line.
                for ln in co.lines:
                    if ln.asset_id is not None:
                        self.reservations.append(
                            {
                                "production_id": pid,
                                "asset_id": ln.asset_id,
                                "stock_item_id": None,
                                "kit_id": ln.kit_id,
                                "quantity": 1,
                                "start_date": out_at.date(),
                                "end_date": due,
                                "override_reason": "",
                                "created_at": out_at - timedelta(days=3),
                            }
                        )
        self.checkouts.sort(key=lambda c: c.out_at)
        # Future productions: reservations only, never overlapping for one asset.
        booked: dict[int, list[tuple[date, date]]] = {}
        for prod in future:
            pid = prod["id"]
            w_start, w_end = self.windows[pid]
            picks = 0
            want = rng.randrange(20, 80)
            tries = 0
            while picks < want and tries < want * 5:
                tries += 1
                a = rng.randrange(1, n_assets + 1)
                if a in self.protected or a in self.retired:
                    continue
                if free_from[a - 1] > _at(w_start - timedelta(days=2), 0):
                    continue
                spans = booked.setdefault(a, [])
                if any(s <= w_end + timedelta(days=1) and e >= w_start - timedelta(days=1) for s, e in spans):  # fmt: skip  # noqa: E501
                    continue
                spans.append((w_start, w_end))
                picks += 1
                self.reservations.append(
                    {
                        "production_id": pid,
                        "asset_id": a,
                        "stock_item_id": None,
                        "kit_id": None,
                        "quantity": 1,
                        "start_date": w_start,
                        "end_date": w_end,
                        "override_reason": "",
                        "created_at": prod["created_at"],
                    }
                )
        # Final asset statuses, as the services would have left them.
        for co in self.checkouts:
            for ln in co.lines:
                if ln.asset_id is None or ln.returned_at is not None:
                    continue
                self.assets[ln.asset_id - 1].status = "lost" if ln.condition == "missing" else "out"
        for t in self.tickets:
            if t.closed_at is None:
                self.assets[t.asset_id - 1].status = "in_service"
        for a in self.retired:
            self.assets[a - 1].status = "retired"
        # The 60-item checkout benchmark uses a production running over the anchor.
        self.bench_production = (
            next(p["id"] for p in reversed(past) if self.windows[p["id"]][1] >= ANCHOR)
            if any(self.windows[p["id"]][1] >= ANCHOR for p in past)
            else past[-1]["id"]
        )
        self.bench_custodian = crew[0]


# --------------------------------------------------------------------------- events


_Ev = tuple[datetime, int, str, str, str, int, str, str, Any, Any]


def _event_streams(plan: _Plan, padding: int) -> list[Iterator[_Ev]]:
    """Chronological streams of (at, order, operator, action, kind, id, tag, summary, before,
    after); merged by time they make the history."""
    rng = random.Random(plan.rng.random())
    prod_name = {p["id"]: p["name"] for p in plan.productions}
    prod_tag = {p["id"]: p["tag"] for p in plan.productions}
    person_name = {p["id"]: p["name"] for p in plan.people}
    assets = plan.assets
    stock = {s["id"]: s for s in plan.stock}
    location_name = {loc["id"]: loc["name"] for loc in plan.locations}
    loc_ids = list(location_name)

    def setup() -> Iterator[_Ev]:
        t0 = _at(START, 8 * 3600)
        for c in plan.categories:
            yield (t0, 0, "admin", "create", "category", c["id"], "", f"Category {c['name']} added",
                   None, {"name": c["name"], "prefix": c["prefix"], "fields": c["fields"]})  # fmt: skip  # noqa: E501
        for loc in plan.locations:
            yield (t0, 1, "admin", "create", "location", loc["id"], loc["tag"],
                   f"Location {loc['name']} added", None, {"name": loc["name"], "kind": loc["kind"]})  # fmt: skip  # noqa: E501
        for p in plan.people:
            yield (t0, 2, "admin", "create", "person", p["id"], p["badge"], f"{p['name']} added",
                   None, {"name": p["name"], "role": p["role"], "company": p["company"]})  # fmt: skip  # noqa: E501
        for s in plan.stock:
            yield (t0, 3, "admin", "create", "stock", s["id"], s["tag"], f"{s['tag']} {s['name']} added",  # noqa: E501
                   None, {"name": s["name"], "quantity": s["quantity"]})  # fmt: skip

    def asset_creates() -> Iterator[_Ev]:
        for a in assets:
            yield (a.created, 4, rng.choice(OPERATORS), "create", "asset", a.id, a.tag,
                   f"{a.tag} {a.name} added", None,
                   {"tag": a.tag, "name": a.name, "make": a.make, "model": a.model,
                    "serial": a.serial, "category": a.category,
                    "location": location_name[a.location_id], "status": "available",
                    "purchase_date": a.purchase.isoformat(), "purchase_value": str(a.value),
                    "notes": "", "attributes": a.attributes})  # fmt: skip

    def kit_creates() -> Iterator[_Ev]:
        tags = {k["id"]: k["tag"] for k in plan.kits}
        for k in plan.kits:
            parent = tags[k["parent_id"]] if k["parent_id"] else None
            yield (k["created_at"], 5, "admin", "create", "kit", k["id"], k["tag"],
                   f"Kit {k['tag']} {k['name']} added", None, {"name": k["name"], "parent": parent})  # fmt: skip  # noqa: E501

    def production_creates() -> Iterator[_Ev]:
        for p in plan.productions:
            days = plan.windows[p["id"]]
            yield (p["created_at"], 6, rng.choice(OPERATORS), "create", "production", p["id"], p["tag"],  # noqa: E501
                   f"Production {p['name']} added", None,
                   {"name": p["name"], "client": p["client"], "first_day": days[0].isoformat(),
                    "last_day": days[1].isoformat()})  # fmt: skip

    def reservations() -> Iterator[_Ev]:
        groups: dict[tuple[int, datetime], int] = {}
        for r in plan.reservations:
            key = (r["production_id"], r["created_at"])
            groups[key] = groups.get(key, 0) + 1
        for (pid, at), n in sorted(groups.items(), key=lambda kv: kv[0][1]):
            yield (at, 7, rng.choice(OPERATORS), "reserve", "production", pid, prod_tag[pid],
                   f"{n} item(s) reserved for {prod_name[pid]}", None, {"items": n})  # fmt: skip

    def checkouts() -> Iterator[_Ev]:
        for co in plan.checkouts:
            why = (f"to {person_name[co.custodian_id]} for {prod_name[co.production_id]}, "
                   f"due back {co.due_back.isoformat()}")  # fmt: skip
            tags: list[str] = []
            for ln in co.lines:
                if ln.asset_id is not None:
                    a = assets[ln.asset_id - 1]
                    tags.append(a.tag)
                    yield (co.out_at, 8, co.operator, "checkout", "asset", a.id, a.tag,
                           f"{a.tag}: available → out ({why})", {"status": "available"},
                           {"status": "out", "reason": why})  # fmt: skip
                else:
                    assert ln.stock_id is not None
                    s = stock[ln.stock_id]
                    tags.append(f"{s['tag']}:{ln.quantity}")
                    yield (co.out_at, 8, co.operator, "checkout", "stock", s["id"], s["tag"],
                           f"{ln.quantity} × {s['tag']} out {why}", None,
                           {"quantity": ln.quantity, "production": prod_name[co.production_id],
                            "custodian": person_name[co.custodian_id]})  # fmt: skip
            yield (co.out_at, 9, co.operator, "checkout", "production", co.production_id,
                   prod_tag[co.production_id], f"{len(co.lines)} line(s) out {why}", None,
                   {"checkout": co.id, "custodian": person_name[co.custodian_id],
                    "due_back": co.due_back.isoformat(), "items": tags})  # fmt: skip

    tickets_by_line = {t.line_id: t for t in plan.tickets}

    def returns() -> Iterator[_Ev]:
        done: list[tuple[datetime, int, _Checkout, _Line]] = []
        for co in plan.checkouts:
            for ln in co.lines:
                if ln.returned_at is not None:
                    done.append((ln.returned_at, ln.id, co, ln))
                elif ln.condition == "missing":
                    miss_at = _at(co.due_back, 18 * 3600)
                    done.append((miss_at, ln.id, co, ln))
        done.sort(key=lambda d: (d[0], d[1]))
        for at, _lid, co, ln in done:
            where = f"from {prod_name[co.production_id]} ({person_name[co.custodian_id]})"
            op = rng.choice(OPERATORS)
            if ln.asset_id is None:
                s = stock[ln.stock_id or 0]
                yield (at, 10, op, "checkin", "stock", s["id"], s["tag"],
                       f"{ln.quantity} × {s['tag']} back ok {where}", None,
                       {"quantity": ln.quantity, "condition": "ok"})  # fmt: skip
                continue
            a = assets[ln.asset_id - 1]
            if ln.condition == "missing":
                reason = f"missing at check-in {where}: {ln.note}"
                yield (at, 10, op, "missing", "asset", a.id, a.tag,
                       f"{a.tag}: out → lost ({reason})", {"status": "out"},
                       {"status": "lost", "reason": reason})  # fmt: skip
            elif ln.condition in ("damaged", "service"):
                reason = f"back {ln.condition} {where}: {ln.note}"
                yield (at, 10, op, "checkin", "asset", a.id, a.tag,
                       f"{a.tag}: out → in_service ({reason})", {"status": "out"},
                       {"status": "in_service", "reason": reason})  # fmt: skip
                t = tickets_by_line[ln.id]
                yield (at, 11, op, "service_open", "asset", a.id, a.tag,
                       f"Service ticket #{t.id} opened for {a.tag}: {t.note}", None,
                       {"ticket": t.id, "note": t.note})  # fmt: skip
            else:
                reason = f"back ok {where}"
                yield (at, 10, op, "checkin", "asset", a.id, a.tag,
                       f"{a.tag}: out → available ({reason})", {"status": "out"},
                       {"status": "available", "reason": reason})  # fmt: skip

    def ticket_closes() -> Iterator[_Ev]:
        for t in sorted(
            (t for t in plan.tickets if t.closed_at is not None),
            key=lambda t: (t.closed_at, t.id),
        ):
            assert t.closed_at is not None
            a = assets[t.asset_id - 1]
            yield (t.closed_at, 12, t.closed_by, "service_close", "asset", a.id, a.tag,
                   f"Service ticket #{t.id} of {a.tag} closed: Fixed", None,
                   {"ticket": t.id, "note": "Fixed"})  # fmt: skip
            yield (t.closed_at, 13, t.closed_by, "status", "asset", a.id, a.tag,
                   f"{a.tag}: in_service → available (service ticket #{t.id} closed)",
                   {"status": "in_service"}, {"status": "available", "reason": f"ticket #{t.id}"})  # fmt: skip  # noqa: E501

    def retirements() -> Iterator[_Ev]:
        for a_id, at in sorted(plan.retired.items(), key=lambda kv: (kv[1], kv[0])):
            a = assets[a_id - 1]
            reason = rng.choice(["Sold", "Written off", "Beyond repair", "Replaced"])
            yield (at, 14, "admin", "retire", "asset", a.id, a.tag,
                   f"{a.tag}: available → retired ({reason})", {"status": "available"},
                   {"status": "retired", "reason": reason})  # fmt: skip

    created = [a.created for a in assets]

    def edits() -> Iterator[_Ev]:
        first = START + timedelta(days=2)
        span = (ANCHOR - first).days * 86_400
        times = sorted(rng.randrange(span) for _ in range(padding))
        base = _at(first, 0)
        for n, offset in enumerate(times):
            at = base + timedelta(seconds=offset)
            known = bisect.bisect_right(created, at)
            if known == 0:
                at = created[0] + timedelta(seconds=1 + n % 60)
                known = 1
            a = assets[rng.randrange(known)]
            if a.id in plan.retired and plan.retired[a.id] <= at:
                a = assets[0]
                at = max(at, a.created + timedelta(seconds=1))
            if rng.random() < 0.5:
                new_loc = rng.choice(loc_ids)
                before = location_name[a.location_id]
                after = location_name[new_loc]
                a.location_id = new_loc
                yield (at, 15, rng.choice(OPERATORS), "edit", "asset", a.id, a.tag,
                       f"{a.tag} edited: location", {"location": before}, {"location": after})  # fmt: skip  # noqa: E501
            else:
                note = f"Checked {at.date().isoformat()}: {rng.choice(['ok', 'cleaned', 'tested', 'relabelled'])}"  # noqa: E501
                yield (at, 15, rng.choice(OPERATORS), "edit", "asset", a.id, a.tag,
                       f"{a.tag} edited: notes", {"notes": a.notes}, {"notes": note})  # fmt: skip
                a.notes = note

    return [
        setup(),
        asset_creates(),
        kit_creates(),
        production_creates(),
        reservations(),
        checkouts(),
        returns(),
        ticket_closes(),
        retirements(),
        edits(),
    ]


def _count_fixed_events(plan: _Plan) -> int:
    n = len(plan.categories) + len(plan.locations) + len(plan.people) + len(plan.stock)
    n += len(plan.assets) + len(plan.kits) + len(plan.productions)
    n += len({(r["production_id"], r["created_at"]) for r in plan.reservations})
    for co in plan.checkouts:
        n += len(co.lines) + 1
        for ln in co.lines:
            if ln.returned_at is not None or ln.condition == "missing":
                n += 1
    n += len(plan.tickets)  # opened at check-in
    n += 2 * sum(1 for t in plan.tickets if t.closed_at is not None)
    n += len(plan.retired)
    return n


# --------------------------------------------------------------------------- writing


def _generation_engine(path: Path) -> Engine:
    """A plain engine on the new file with pragmas for bulk loading (generation only)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi: sqlite3.Connection, _record: object) -> None:
        cur = dbapi.cursor()
        for pragma in (
            "journal_mode=DELETE",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "temp_store=MEMORY",
            "cache_size=-400000",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    return engine


def _batched(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    n = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
        n += len(batch)
    return n


def _stored_datetime(at: datetime) -> str:
    """A datetime as the models store it on SQLite (naive UTC text, microseconds)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _write_events(conn: Connection, plan: _Plan, padding: int, log: Callable[[str], None]) -> int:
    """The history in id order with its hash chain.

    A million rows: the values are stored as the model's column types store them (UTC text,
    JSON text) and sent with the driver's executemany through the statement SQLAlchemy compiles
    for the ``events`` table, which halves the time of per-row type processing.
    """
    sql = str(insert(Event).compile(dialect=conn.dialect))
    columns = [c.name for c in Event.__table__.columns]
    prev = GENESIS_HASH
    event_id = 0
    batch: list[tuple[Any, ...]] = []
    merged = heapq.merge(*_event_streams(plan, padding), key=lambda e: (e[0], e[1]))
    for at, _order, operator, action, kind, entity_id, tag, summary, before, after in merged:
        event_id += 1
        before_json = jsonable(before) if before is not None else None
        after_json = jsonable(after) if after is not None else None
        digest = content_hash(
            prev, event_id, at, operator, action, kind, entity_id, tag, summary, before_json,
            after_json,
        )  # fmt: skip
        row = {
            "id": event_id,
            "at": _stored_datetime(at),
            "operator": operator,
            "action": action,
            "entity_kind": kind,
            "entity_id": entity_id,
            "entity_tag": tag,
            "summary": summary,
            "before": None if before_json is None else json.dumps(before_json),
            "after": None if after_json is None else json.dumps(after_json),
            "prev_hash": prev,
            "hash": digest,
        }
        batch.append(tuple(row[c] for c in columns))
        prev = digest
        if len(batch) >= BATCH:
            conn.exec_driver_sql(sql, batch)
            batch = []
            if event_id % 200_000 == 0:
                log(f"  {event_id:,} events")
    if batch:
        conn.exec_driver_sql(sql, batch)
    return event_id


def generate(
    path: Path,
    scale: Scale,
    *,
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] = print,
) -> HouseInfo:
    """Write the house of ``scale`` to ``path`` (replaced); returns what it holds."""
    began = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    # The real schema, created and stamped by the app's own door to a database.
    open_database(f"sqlite:///{tmp}").dispose()

    plan = _Plan(scale, seed)
    plan.catalog()
    plan.kits_plan()
    plan.productions_plan()
    plan.checkouts_plan()
    padding = scale.events - _count_fixed_events(plan)
    if padding < 0:
        raise ValueError(f"The {scale.name} scale plans more events than {scale.events}.")
    log(f"  planned in {time.perf_counter() - began:.1f} s")

    engine = _generation_engine(tmp)
    try:
        with engine.begin() as conn:
            _batched(conn, Category, plan.categories)
            _batched(conn, Location, plan.locations)
            _batched(conn, Person, plan.people)
            _batched(conn, StockItem, plan.stock)
            _batched(conn, Kit, plan.kits)
            _batched(conn, KitStock, plan.kit_stock)
            _batched(conn, Production, plan.productions)
            _batched(conn, ShootDay, plan.shoot_days)
            _batched(conn, Reservation, plan.reservations)
            _batched(
                conn,
                Checkout,
                (
                    {
                        "id": co.id,
                        "production_id": co.production_id,
                        "custodian_id": co.custodian_id,
                        "out_at": co.out_at,
                        "due_back": co.due_back,
                        "operator": co.operator,
                        "notes": "",
                    }
                    for co in plan.checkouts
                ),
            )
            _batched(
                conn,
                CheckoutLine,
                (
                    {
                        "id": ln.id,
                        "checkout_id": ln.checkout_id,
                        "asset_id": ln.asset_id,
                        "stock_item_id": ln.stock_id,
                        "kit_id": ln.kit_id,
                        "quantity": ln.quantity,
                        "returned_quantity": ln.quantity if ln.returned_at else 0,
                        "returned_at": ln.returned_at,
                        "condition": ln.condition,
                        "note": ln.note,
                    }
                    for co in plan.checkouts
                    for ln in co.lines
                ),
            )
            _batched(
                conn,
                ServiceTicket,
                (
                    {
                        "id": t.id,
                        "asset_id": t.asset_id,
                        "production_id": t.production_id,
                        "checkout_line_id": t.line_id,
                        "opened_at": t.opened_at,
                        "opened_by": t.opened_by,
                        "note": t.note,
                        "closed_at": t.closed_at,
                        "closed_by": t.closed_by,
                    }
                    for t in plan.tickets
                ),
            )
            log("  writing the history…")
            # Events first: edits move assets between locations, which the assets then show.
            n_events = _write_events(conn, plan, padding, log)
            _batched(
                conn,
                Asset,
                (
                    {
                        "id": a.id,
                        "tag": a.tag,
                        "name": a.name,
                        "make": a.make,
                        "model": a.model,
                        "serial": a.serial,
                        "category_id": a.category_id,
                        "location_id": a.location_id,
                        "status": a.status,
                        "purchase_date": a.purchase,
                        "purchase_value": a.value,
                        "notes": a.notes,
                        "attributes": a.attributes,
                        "created_at": a.created,
                        "updated_at": a.created,
                    }
                    for a in plan.assets
                ),
            )
            _batched(conn, KitAsset, plan.kit_assets)
            for c in plan.categories:
                conn.execute(
                    update(Category)
                    .where(Category.id == c["id"])
                    .values(next_number=c["next_number"])
                )
            _batched(conn, Setting, [{"key": "turnaround_days", "value": "1"}])
            tags: list[dict[str, Any]] = []
            tags += [{"tag": a.tag, "kind": "asset", "ref_id": a.id} for a in plan.assets]
            tags += [{"tag": k["tag"], "kind": "kit", "ref_id": k["id"]} for k in plan.kits]
            tags += [{"tag": s["tag"], "kind": "stock", "ref_id": s["id"]} for s in plan.stock]
            tags += [{"tag": p["badge"], "kind": "person", "ref_id": p["id"]} for p in plan.people]
            tags += [
                {"tag": loc["tag"], "kind": "location", "ref_id": loc["id"]}
                for loc in plan.locations
            ]
            tags += [
                {"tag": p["tag"], "kind": "production", "ref_id": p["id"]} for p in plan.productions
            ]
            _batched(conn, Tag, tags)
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)
    Path(f"{tmp}-wal").unlink(missing_ok=True)
    Path(f"{tmp}-shm").unlink(missing_ok=True)

    n_lines = sum(len(co.lines) for co in plan.checkouts)
    free = [a for a in plan.assets if a.status == "available" and a.id not in plan.protected]
    rng = random.Random(seed + 1)
    scan_tags = [a.tag for a in rng.sample(free, min(40, len(free)))]
    out = [a.tag for a in plan.assets if a.status == "out"][:10]
    tags_by_id = {k["id"]: k["tag"] for k in plan.kits}
    production_tag = next(p["tag"] for p in plan.productions if p["id"] == plan.bench_production)
    info = HouseInfo(
        generator_version=GENERATOR_VERSION,
        seed=seed,
        scale=scale.name,
        anchor=ANCHOR.isoformat(),
        counts={
            "assets": len(plan.assets),
            "kits": len(plan.kits),
            "nested_kits": sum(1 for k in plan.kits if k["parent_id"] is not None),
            "stock_items": len(plan.stock),
            "people": len(plan.people),
            "locations": len(plan.locations),
            "productions": len(plan.productions),
            "shoot_days": len(plan.shoot_days),
            "reservations": len(plan.reservations),
            "checkouts": len(plan.checkouts),
            "checkout_lines": n_lines,
            "service_tickets": len(plan.tickets),
            "events": n_events,
            "assets_out": sum(1 for a in plan.assets if a.status == "out"),
        },
        packages=[tags_by_id[k] for k in plan.packages],
        kits40=[tags_by_id[k] for k in plan.kits40],
        production_tag=production_tag,
        custodian_badge=f"P-{plan.bench_custodian:04d}",
        scan_tags=scan_tags + out,
        seconds=round(time.perf_counter() - began, 1),
        schema_revision=head_revision(),
    )
    info_path(path).write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    return info


def working_copy(path: Path) -> Path:
    """A scratch copy of a generated house for benchmarks that write (the original stays)."""
    target = path.with_name(path.stem + ".work.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, target)
    return target
