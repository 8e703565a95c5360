"""Label stocks: the geometry of each sheet or roll, read from one JSON file per template.

Units are millimetres throughout, origin at the top-left corner, y growing downwards. The folder
of templates is passed in (the shipped ones live in the resources' ``labels`` folder).
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from gearroom.errors import NotFoundError, ValidationError

MM_PER_INCH = 25.4


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class Rect:
    """A rectangle in millimetres: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, other: Rect, tolerance: float = 1e-6) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def overlaps(self, other: Rect, tolerance: float = 1e-6) -> bool:
        return (
            self.x < other.right - tolerance
            and other.x < self.right - tolerance
            and self.y < other.bottom - tolerance
            and other.y < self.bottom - tolerance
        )

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def inset(self, d: float) -> Rect:
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)


# --------------------------------------------------------------------------- templates


class StockKind(enum.StrEnum):
    """Sheets of labels for office printers, or rolls for label printers."""

    SHEET = "sheet"
    ROLL = "roll"


@dataclass(frozen=True)
class LabelTemplate:
    """The geometry of one label stock (all lengths in mm)."""

    name: str
    description: str
    kind: StockKind
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int = 1
    rows: int = 1
    margin_left: float = 0.0
    margin_top: float = 0.0
    pitch_x: float = 0.0
    pitch_y: float = 0.0
    corner_radius: float = 0.0
    #: What the printer cannot print along each page edge.
    printable_margin: float = 0.0
    #: White border kept inside every label (printer misregistration, die-cut tolerance).
    padding: float = 1.5
    #: Resolution of a roll printer (dots per inch); None for sheets.
    dpi: int | None = None
    continuous: bool = False
    #: Smallest module (QR cell, narrowest Code128 bar) the stock prints reliably.
    min_module: float = 0.25
    #: On a roll printer, a module is at least this many whole dots.
    min_module_dots: int = 2
    #: "zpl" for printers that speak ZPL.
    language: str = ""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page(self) -> Rect:
        return Rect(0.0, 0.0, self.page_width, self.page_height)

    @property
    def printable_area(self) -> Rect:
        return self.page.inset(self.printable_margin)

    @property
    def dot_mm(self) -> float | None:
        """The size of one printer dot, for roll printers."""
        return MM_PER_INCH / self.dpi if self.dpi else None

    def smallest_module(self) -> float:
        """The smallest module this stock allows (mm)."""
        dot = self.dot_mm
        if dot is None:
            return self.min_module
        return max(self.min_module, self.min_module_dots * dot)

    def label_rects(self, offset_x: float = 0.0, offset_y: float = 0.0) -> list[Rect]:
        """The rectangle of every label cell on a page, row by row, shifted by the offset."""
        return [
            Rect(
                self.margin_left + col * self.pitch_x + offset_x,
                self.margin_top + row * self.pitch_y + offset_y,
                self.label_width,
                self.label_height,
            )
            for row in range(self.rows)
            for col in range(self.columns)
        ]

    def summary(self) -> dict[str, Any]:
        """What ``gearroom labels templates --json`` prints for this template."""
        out = asdict(self)
        out["per_page"] = self.per_page
        return out


_TEMPLATE_NUMBERS = (
    "page_width",
    "page_height",
    "label_width",
    "label_height",
    "margin_left",
    "margin_top",
    "pitch_x",
    "pitch_y",
    "corner_radius",
    "printable_margin",
    "padding",
    "min_module",
)


def template_from_dict(data: dict[str, Any], source: str = "") -> LabelTemplate:
    """A template from its JSON form; ``"unit": "in"`` converts inch values to mm."""
    where = f" in {source}" if source else ""
    try:
        unit = data.get("unit", "mm")
        if unit not in ("mm", "in"):
            raise ValidationError(f"Label template unit must be 'mm' or 'in'{where}.")
        factor = MM_PER_INCH if unit == "in" else 1.0
        values: dict[str, Any] = {
            "name": str(data["name"]),
            "description": str(data.get("description", "")),
            "kind": StockKind(data.get("kind", "sheet")),
        }
        for key in _TEMPLATE_NUMBERS:
            if key in data:
                values[key] = float(data[key]) * factor
        for key in ("columns", "rows", "min_module_dots"):
            if key in data:
                values[key] = int(data[key])
        if data.get("dpi") is not None:
            values["dpi"] = int(data["dpi"])
        values["continuous"] = bool(data.get("continuous", False))
        values["language"] = str(data.get("language", ""))
        if values["kind"] is StockKind.ROLL:
            # A roll label is its own page.
            values.setdefault("page_width", values["label_width"])
            values.setdefault("page_height", values["label_height"])
        template = LabelTemplate(**values)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"Broken label template{where}: {exc}.") from exc
    if template.kind is StockKind.ROLL:
        # A roll label is its own page.
        template = replace(
            template,
            page_width=template.label_width,
            page_height=template.label_height,
            columns=1,
            rows=1,
            margin_left=0.0,
            margin_top=0.0,
            pitch_x=template.label_width,
            pitch_y=template.label_height,
        )
    check_template(template, source)
    return template


def check_template(template: LabelTemplate, source: str = "") -> None:
    """Refuse a template whose labels overlap or leave the page or the printable area."""
    where = f" ({source})" if source else ""
    name = template.name
    if template.label_width <= 0 or template.label_height <= 0:
        raise ValidationError(f"Template {name}{where}: the label size must be positive.")
    if template.columns < 1 or template.rows < 1:
        raise ValidationError(f"Template {name}{where}: at least one column and one row.")
    if template.columns > 1 and template.pitch_x < template.label_width - 1e-6:
        raise ValidationError(f"Template {name}{where}: labels overlap across (pitch_x).")
    if template.rows > 1 and template.pitch_y < template.label_height - 1e-6:
        raise ValidationError(f"Template {name}{where}: labels overlap down (pitch_y).")
    area = template.printable_area
    for rect in template.label_rects():
        # A sheet label lies in the printable area; a roll label is the page, its content does.
        inside = rect if template.kind is StockKind.SHEET else rect.inset(template.padding)
        if not template.page.contains(rect, 0.01) or not area.contains(inside, 0.01):
            raise ValidationError(
                f"Template {name}{where}: a label at ({rect.x:.2f}, {rect.y:.2f}) mm lies "
                "outside the printable area of the page."
            )
    if template.kind is StockKind.ROLL and not template.dpi:
        raise ValidationError(f"Template {name}{where}: a roll stock needs the printer's dpi.")


@lru_cache(maxsize=4)
def _load_templates(folder: Path) -> dict[str, LabelTemplate]:
    found: dict[str, LabelTemplate] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError(f"The label template {path} cannot be read: {exc}.") from exc
        if not isinstance(data, dict):
            raise ValidationError(f"The label template {path} must hold a JSON object.")
        template = template_from_dict(data, str(path))
        found[template.name] = template
    return found


def list_templates(folder: Path) -> list[LabelTemplate]:
    """The label templates in ``folder`` (one JSON file each), by name."""
    return sorted(_load_templates(folder).values(), key=lambda t: t.name)


def get_template(name: str, folder: Path) -> LabelTemplate:
    """The template ``name`` (case-insensitive) from ``folder``."""
    templates = _load_templates(folder)
    key = name.strip().lower()
    if key not in templates:
        raise NotFoundError(
            f"No label template {name!r}. Known templates: {', '.join(sorted(templates))}."
        )
    return templates[key]
