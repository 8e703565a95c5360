"""Where the files that ship with Gearroom live, in a wheel and in a source checkout.

In a wheel, ``migrations/`` and ``resources/`` are packaged as ``gearroom/_migrations`` and
``gearroom/_resources``; in a source checkout (editable install, tests) they sit beside the
package at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(packaged: str, checkout: str) -> Path:
    inside = _PACKAGE / packaged
    if inside.is_dir():
        return inside
    beside = _PACKAGE.parent / checkout
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"Gearroom is installed without its {checkout}/ folder ({inside}).")


def migrations_dir() -> Path:
    """The Alembic script directory."""
    return _shipped("_migrations", "migrations")


def resources_dir() -> Path:
    """Icons, label templates, demo data and sample files."""
    return _shipped("_resources", "resources")


def demo_dir() -> Path:
    """The demo rental house's JSON files."""
    return resources_dir() / "demo"


def label_templates_dir() -> Path:
    """The shipped label templates (one JSON file per stock)."""
    return resources_dir() / "labels"


def import_presets_dir() -> Path:
    """The shipped import presets (one JSON file per exporting system and kind)."""
    return resources_dir() / "import" / "presets"
