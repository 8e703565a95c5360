"""A new rental house: the standard categories with their tag prefixes and extra fields."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gearroom.services.actor import Actor
from gearroom.services.catalog import CategoryView, FieldSpec
from gearroom.services.ensure import ensure_category

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
    created = []
    for order, (name, prefix, fields) in enumerate(STANDARD_CATEGORIES):
        view, new = ensure_category(session, actor, name, prefix, fields, sort_order=order)
        if new:
            created.append(view)
    return created
