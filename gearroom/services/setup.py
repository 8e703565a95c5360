"""A new rental house: the standard categories with their tag prefixes and extra fields."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.models import Category
from gearroom.services.actor import Actor
from gearroom.services.catalog import CategoryView, FieldSpec, create_category
from gearroom.text import name_key

STANDARD_CATEGORIES: tuple[tuple[str, str, tuple[FieldSpec, ...]], ...] = (
    (
        "Camera",
        "CAM",
        (
            FieldSpec("mount", "Lens mount"),
            FieldSpec("sensor_hours", "Sensor hours", "int", "h"),
            FieldSpec("firmware", "Firmware"),
        ),
    ),
    (
        "Lens",
        "LNS",
        (
            FieldSpec("mount", "Lens mount"),
            FieldSpec("focal_length", "Focal length", "text", "mm"),
            FieldSpec("max_aperture", "Max aperture (T)", "float"),
            FieldSpec("front_diameter", "Front diameter", "int", "mm"),
        ),
    ),
    ("Lighting", "LGT", (FieldSpec("power_w", "Power", "int", "W"), FieldSpec("color", "Colour"))),
    (
        "Drone",
        "DRN",
        (
            FieldSpec("registration", "Registration"),
            FieldSpec("remote_id", "Remote ID"),
            FieldSpec("battery_cycles", "Battery cycles", "int"),
        ),
    ),
    ("Grip", "GRP", ()),
    ("Audio", "AUD", ()),
    ("Power", "PWR", (FieldSpec("capacity_wh", "Capacity", "int", "Wh"),)),
    ("Media", "MED", (FieldSpec("capacity_gb", "Capacity", "int", "GB"),)),
    ("Monitoring", "MON", (FieldSpec("size_in", "Screen size", "float", "in"),)),
    ("Wireless Video", "WVD", (FieldSpec("range_m", "Range", "int", "m"),)),
    ("Support", "SUP", ()),
    ("Case", "CSE", ()),
)


def ensure_standard_categories(session: Session, actor: Actor) -> list[CategoryView]:
    """Create whichever standard categories are missing; returns the ones created."""
    existing = set(session.scalars(select(Category.name_key)))
    created = []
    for order, (name, prefix, fields) in enumerate(STANDARD_CATEGORIES):
        if name_key(name) not in existing:
            created.append(create_category(session, actor, name, prefix, fields, sort_order=order))
    return created
