"""Labels: stock templates, label content, code geometry, sheet planning, ZPL and label settings.

Everything here is plain Python (no Qt): the painter in :mod:`gearroom.ui.labels` draws the
:class:`LabelLayout` computed here into any Qt paint device, so the screen preview, the PDF, the
printer and the PNG all show the same label.

Units are millimetres throughout, origin at the top-left corner, y growing downwards.

A label carries a QR code of the plain tag (nothing else is encoded), the tag in readable text
and, room allowing, the item's name, its serial number and an "if found, call…" line with the
rental house's name and phone. A Code128 barcode of the same tag can be added for linear
scanners. Codes keep their quiet zones (4 modules for QR, 10 for Code128) and never shrink
below the stock's minimum module size: optional lines are dropped (with a warning) first, and if
even the code and the tag cannot fit, a :class:`~gearroom.errors.ValidationError` says so.
"""

from __future__ import annotations

import enum
import json
import math
import socket
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
import qrcode.constants
from barcode import Code128
from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.config import default_data_dir
from gearroom.errors import GearroomError, NotFoundError, ValidationError
from gearroom.models import Asset, Category, Kit, StockItem, TagKind
from gearroom.paths import resources_dir
from gearroom.services import catalog, kits, people, resolver
from gearroom.services.tags import validate_tag

MM_PER_INCH = 25.4
QR_QUIET_MODULES = 4
CODE128_QUIET_MODULES = 10
#: Smallest readable text (em height, mm) for the tag and for the other lines.
MIN_TAG_TEXT_MM = 1.5
MIN_LINE_TEXT_MM = 1.3
#: Largest tag text (em height, mm); the tag is set as large as its room allows up to this.
MAX_TAG_TEXT_MM = 5.0
#: Shortest bars of a Code128 worth printing.
MIN_CODE128_HEIGHT_MM = 4.0
#: Line height as a multiple of the text size.
LINE_SPACING = 1.2


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


def templates_dir() -> Path:
    return resources_dir() / "labels"


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


def list_templates(folder: Path | None = None) -> list[LabelTemplate]:
    """The shipped label templates (one JSON file each), by name."""
    return sorted(_load_templates(folder or templates_dir()).values(), key=lambda t: t.name)


def get_template(name: str, folder: Path | None = None) -> LabelTemplate:
    templates = _load_templates(folder or templates_dir())
    key = name.strip().lower()
    if key not in templates:
        raise NotFoundError(
            f"No label template {name!r}. Known templates: {', '.join(sorted(templates))}."
        )
    return templates[key]


# --------------------------------------------------------------------------- content


class LabelKind(enum.StrEnum):
    """What a label is for; decides its layout."""

    ITEM = "item"
    SMALL = "small"
    CASE = "case"
    PERSON = "person"
    LOCATION = "location"


@dataclass(frozen=True)
class LabelContent:
    """What one label says (the code always encodes ``tag`` and nothing else)."""

    tag: str
    kind: LabelKind = LabelKind.ITEM
    name: str = ""
    serial: str = ""
    detail: str = ""


@dataclass(frozen=True)
class LabelOptions:
    """Which optional lines and codes to print."""

    show_name: bool = True
    show_serial: bool = True
    show_house: bool = True
    code128: bool = False
    compact: bool = False
    house_name: str = ""
    house_phone: str = ""

    @property
    def house_line(self) -> str:
        parts = [p for p in (self.house_name.strip(), self.house_phone.strip()) if p]
        if not parts:
            return ""
        return "If found: " + " · ".join(parts)


def content_for_tag(session: Session, text: str) -> LabelContent:
    """The label for whatever ``text`` names: asset, kit, stock item, person badge or place."""
    found = resolver.resolve(session, text)
    if found.kind is TagKind.ASSET:
        view = catalog.get_asset_by_id(session, found.id)
        return LabelContent(view.tag, LabelKind.ITEM, view.name, view.serial, view.category)
    if found.kind is TagKind.KIT:
        kit = kits.get_kit_by_id(session, found.id)
        count = len(kit.all_assets()) + sum(kit.all_stock().values())
        detail = f"Case · {count} item{'s' if count != 1 else ''}"
        return LabelContent(kit.tag, LabelKind.CASE, kit.name, "", detail)
    if found.kind is TagKind.STOCK:
        item = session.get(StockItem, found.id)
        assert item is not None
        return LabelContent(item.tag, LabelKind.SMALL, item.name, "", item.category.name)
    if found.kind is TagKind.PERSON:
        person = people.get_person(session, found.tag)
        return LabelContent(person.badge, LabelKind.PERSON, person.name, "", person.company)
    if found.kind is TagKind.LOCATION:
        loc = next(x for x in catalog.list_locations(session) if x.id == found.id)
        return LabelContent(loc.tag, LabelKind.LOCATION, loc.name, "", loc.kind.value.title())
    return LabelContent(found.tag, LabelKind.ITEM, found.label)


def contents_for_tags(session: Session, tags: Iterable[str]) -> list[LabelContent]:
    return [content_for_tag(session, tag) for tag in tags]


def contents_for_kit(session: Session, tag: str) -> list[LabelContent]:
    """A kit's case label, then its assets and stock, then its inner kits the same way."""
    view = kits.get_kit(session, tag)
    out: list[LabelContent] = []

    def walk(kit: kits.KitView) -> None:
        out.append(content_for_tag(session, kit.tag))
        out.extend(content_for_tag(session, member.tag) for member in kit.assets)
        out.extend(content_for_tag(session, member.tag) for member in kit.stock)
        for child in kit.kits:
            walk(child)

    walk(view)
    return out


def contents_for_category(session: Session, name: str) -> list[LabelContent]:
    """Every active asset and stock item of a category, in tag order."""
    cat = catalog.get_category(session, name)
    assets = catalog.list_assets(
        session, catalog.AssetQuery(category_id=cat.id, include_retired=False)
    )
    items = session.scalars(
        select(StockItem)
        .where(StockItem.category_id == cat.id, StockItem.retired.is_(False))
        .order_by(StockItem.tag)
    ).all()
    tags = [a.tag for a in assets] + [i.tag for i in items]
    return contents_for_tags(session, tags)


def contents_added_since(session: Session, since: date) -> list[LabelContent]:
    """Assets, stock items and kits created on or after ``since`` (new gear to label)."""
    start = datetime.combine(since, time.min).astimezone()  # local midnight
    tags: list[str] = []
    for model in (Asset, StockItem, Kit):
        tags.extend(
            session.scalars(
                select(model.tag).where(model.created_at >= start).order_by(model.tag)
            ).all()
        )
    return contents_for_tags(session, tags)


def category_names(session: Session) -> list[str]:
    return list(session.scalars(select(Category.name).order_by(Category.sort_order, Category.name)))


# --------------------------------------------------------------------------- codes


@lru_cache(maxsize=4096)
def qr_matrix(tag: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``tag`` (error correction M, no quiet zone), row by row."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(tag)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


@lru_cache(maxsize=4096)
def code128_pattern(tag: str) -> str:
    """The Code128 modules of ``tag``: '1' a bar module, '0' a space module (no quiet zone)."""
    return str(Code128(tag).build()[0])


def bar_runs(pattern: str) -> list[tuple[int, int]]:
    """The bars of a pattern as (first module, width in modules)."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(pattern + "0"):
        if ch == "1" and start < 0:
            start = i
        elif ch != "1" and start >= 0:
            runs.append((start, i - start))
            start = -1
    return runs


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class QrBlock:
    """A QR symbol: its rectangle (without quiet zone) and module size."""

    rect: Rect
    module: float
    matrix: tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class BarBlock:
    """A Code128 symbol: its rectangle (without quiet zone), module width and pattern."""

    rect: Rect
    module: float
    pattern: str


@dataclass(frozen=True)
class TextLine:
    """One line of text, fitted into ``rect`` at ``size`` (em height, mm) or smaller."""

    text: str
    rect: Rect
    size: float
    bold: bool = False
    center: bool = False


@dataclass(frozen=True)
class LabelLayout:
    """Everything to draw on one label, relative to the label's top-left corner."""

    content: LabelContent
    width: float
    height: float
    corner_radius: float
    qr: QrBlock
    code128: BarBlock | None
    lines: tuple[TextLine, ...]
    warnings: tuple[str, ...] = ()
    #: Dot size of a roll printer: everything is aligned to whole dots.
    dot: float | None = None


_NARROW = set("IJ1-.,:;'!|il ")
_WIDE = set("MWmw@")


def estimate_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the printed width of ``text`` at ``size`` (mm)."""
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 0.42
        elif ch in _WIDE:
            total += 0.95
        elif ch.isupper() or ch.isdigit():
            total += 0.74
        else:
            total += 0.62
    return total * size * (1.06 if bold else 1.0)


def _fit_size(text: str, width: float, largest: float, bold: bool) -> float:
    """The largest size up to ``largest`` at which ``text`` fits in ``width``."""
    natural = estimate_width(text, 1.0, bold)
    return min(largest, width / natural) if natural > 0 else largest


def _floor_to(value: float, step: float | None) -> float:
    if not step:
        return math.floor(value * 1000) / 1000
    return math.floor(value / step + 1e-9) * step


def _round_to(value: float, step: float | None) -> float:
    if not step:
        return value
    return round(value / step) * step


def _split_tag(tag: str) -> tuple[str, str] | None:
    """A tag cut in two at the hyphen nearest its middle, for a two-line tag."""
    cuts = [i for i, ch in enumerate(tag) if ch == "-"]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: abs(i - len(tag) / 2))
    return tag[: cut + 1], tag[cut + 1 :]


def _optional_lines(content: LabelContent, options: LabelOptions) -> list[tuple[str, str, bool]]:
    """(what, text, bold) of the optional lines, most important first."""
    lines: list[tuple[str, str, bool]] = []
    if options.show_name and content.name:
        lines.append(("name", content.name, content.kind is LabelKind.CASE))
    if content.kind in (LabelKind.CASE, LabelKind.PERSON, LabelKind.LOCATION) and content.detail:
        lines.append(("detail", content.detail, False))
    if options.show_serial and content.serial:
        lines.append(("serial", f"S/N {content.serial}", False))
    if options.show_house and options.house_line:
        lines.append(("house", options.house_line, False))
    return lines


class LabelTooSmallError(ValidationError):
    """Even the code and the tag do not fit the label at a scannable size."""


def layout_label(
    content: LabelContent, template: LabelTemplate, options: LabelOptions
) -> LabelLayout:
    """Where the QR code, the Code128 and the text lines go on one label."""
    dot = template.dot_mm
    width, height = template.label_width, template.label_height
    pad = max(template.padding, template.printable_margin if template.kind is StockKind.ROLL else 0)
    inner = Rect(pad, pad, width - 2 * pad, height - 2 * pad)
    if dot:
        # Whole dots from the start, so every module lands on the printer's dot grid.
        left, top = math.ceil(pad / dot - 1e-9) * dot, math.ceil(pad / dot - 1e-9) * dot
        inner = Rect(
            left, top, _floor_to(width - pad - left, dot), _floor_to(height - pad - top, dot)
        )
    matrix = qr_matrix(content.tag)
    n = len(matrix)
    block_modules = n + 2 * QR_QUIET_MODULES
    smallest = template.smallest_module()
    compact = options.compact or content.kind is LabelKind.SMALL
    warnings: list[str] = []

    def too_small() -> LabelTooSmallError:
        need = block_modules * smallest + 2 * pad
        return LabelTooSmallError(
            f"The label {template.name} ({width:g}×{height:g} mm) is too small for the tag "
            f"{content.tag}: its QR code needs at least {need:.1f} mm square with the quiet zone "
            f"({smallest:.2f} mm modules) plus room for the tag text. Use a larger label stock "
            "or a shorter tag."
        )

    # Side by side: the code on the left at full height, the text on the right.
    side_module = _floor_to(min(inner.h, inner.w * 0.6) / block_modules, dot)
    side: LabelLayout | None = None
    if side_module >= smallest - 1e-9:
        side = _side_layout(content, template, options, inner, side_module, compact, dot)
    if side is not None and options.code128 and side.code128 is None and not compact:
        across = _bars_across_layout(content, template, options, inner, block_modules, dot)
        if across is not None:
            side = across
    if side is not None:
        return replace(side, warnings=tuple(warnings) + side.warnings)

    # Stacked: the code on top, the tag centred under it (tiny labels, long tags).
    stacked = _stacked_layout(content, template, options, inner, block_modules, smallest, dot)
    if stacked is None:
        raise too_small()
    return stacked


def _qr_block(
    matrix: tuple[tuple[bool, ...], ...], x: float, y: float, module: float, dot: float | None
) -> QrBlock:
    quiet = QR_QUIET_MODULES * module
    size = len(matrix) * module
    return QrBlock(Rect(x + quiet, y + quiet, size, size), module, matrix)


def _side_layout(
    content: LabelContent,
    template: LabelTemplate,
    options: LabelOptions,
    inner: Rect,
    module: float,
    compact: bool,
    dot: float | None,
) -> LabelLayout | None:
    matrix = qr_matrix(content.tag)
    block = (len(matrix) + 2 * QR_QUIET_MODULES) * module
    qr = _qr_block(matrix, inner.x, inner.y + _floor_to((inner.h - block) / 2, dot), module, dot)
    col_x = qr.rect.right + QR_QUIET_MODULES * module
    col = Rect(col_x, inner.y, inner.right - col_x, inner.h)
    if col.w <= 0:
        return None
    # The tag: one line if it fits at a readable size, else two lines cut at a hyphen.
    tag_largest = min(MAX_TAG_TEXT_MM, inner.h / 3.2)
    tag_lines: list[str] = [content.tag]
    tag_size = _fit_size(content.tag, col.w, tag_largest, True)
    if tag_size < MIN_TAG_TEXT_MM * 1.4:
        halves = _split_tag(content.tag)
        if halves is not None:
            two = min(_fit_size(h, col.w, tag_largest, True) for h in halves)
            if two > tag_size * 1.15 and 2 * two * LINE_SPACING <= col.h:
                tag_lines, tag_size = list(halves), two
    if tag_size < MIN_TAG_TEXT_MM:
        return None
    warnings: list[str] = []
    lines: list[TextLine] = []
    y = col.y
    for text in tag_lines:
        lines.append(TextLine(text, Rect(col.x, y, col.w, tag_size * LINE_SPACING), tag_size, True))
        y += tag_size * LINE_SPACING
    bottom = col.bottom

    # Code128 under the text, at the bottom of the column.
    bars: BarBlock | None = None
    if options.code128 and not compact:
        bars = _code128_block(content.tag, col, template, dot)
        if bars is None:
            warnings.append(
                f"{content.tag}: Code128 left out, the label is too narrow for its bars "
                f"at {template.smallest_module():.2f} mm per module."
            )
        else:
            bottom = bars.rect.y - 0.8
            if bottom < y:
                warnings.append(f"{content.tag}: Code128 left out, no room under the tag.")
                bars, bottom = None, col.bottom

    if not compact:
        line_size = max(MIN_LINE_TEXT_MM, min(tag_largest * 0.62, 3.0))
        step = line_size * LINE_SPACING
        wanted = []
        for what, text, bold in _optional_lines(content, options):
            if what == "house" and estimate_width(text, MIN_LINE_TEXT_MM) > col.w:
                text = "If found: " + (options.house_phone.strip() or options.house_name.strip())
            if estimate_width(text, MIN_LINE_TEXT_MM, bold) > col.w * 1.15:
                warnings.append(f"{content.tag}: {what} line left out, too long for the label.")
                continue
            wanted.append((what, text, bold))
        # One size for the name, detail and serial lines (the house line may be smaller).
        main = [_fit_size(t, col.w, line_size, b) for w, t, b in wanted if w != "house"]
        if main:
            line_size = max(MIN_LINE_TEXT_MM, min(line_size, *main))
            step = line_size * LINE_SPACING
        room = int((bottom - y + 1e-6) // step)
        if room < len(wanted) and line_size > MIN_LINE_TEXT_MM:
            # Smaller text before dropping lines.
            line_size = max(MIN_LINE_TEXT_MM, (bottom - y) / (len(wanted) * LINE_SPACING))
            step = line_size * LINE_SPACING
            room = int((bottom - y + 1e-6) // step)
        kept = wanted[: max(room, 0)]
        for what, _text, _bold in wanted[len(kept) :]:
            warnings.append(f"{content.tag}: {what} line left out, no room on {template.name}.")
        y += max(0.0, (tag_size - line_size) * 0.15)
        for _what, text, bold in kept:
            lines.append(TextLine(text, Rect(col.x, y, col.w, step), line_size, bold))
            y += step
    if bars is None and lines:
        # Centre the text block beside the code.
        shift = _round_to(max(0.0, (col.bottom - y) / 2), dot)
        lines = [replace(line, rect=line.rect.moved(0.0, shift)) for line in lines]
    return LabelLayout(
        content,
        template.label_width,
        template.label_height,
        template.corner_radius,
        qr,
        bars,
        tuple(lines),
        tuple(warnings),
        dot,
    )


def _bars_across_layout(
    content: LabelContent,
    template: LabelTemplate,
    options: LabelOptions,
    inner: Rect,
    block_modules: int,
    dot: float | None,
) -> LabelLayout | None:
    """QR code and text on top, the Code128 across the whole label width underneath."""
    bars = _code128_block(content.tag, inner, template, dot, height=MIN_CODE128_HEIGHT_MM + 1)
    if bars is None:
        return None
    top = Rect(inner.x, inner.y, inner.w, bars.rect.y - inner.y - 0.5)
    module = _floor_to(min(top.h, top.w * 0.6) / block_modules, dot)
    if module < template.smallest_module() - 1e-9:
        return None
    upper = _side_layout(
        content, template, replace(options, code128=False), top, module, False, dot
    )
    if upper is None:
        return None
    return replace(upper, code128=bars)


def _code128_block(
    tag: str, col: Rect, template: LabelTemplate, dot: float | None, height: float | None = None
) -> BarBlock | None:
    pattern = code128_pattern(tag)
    total = len(pattern) + 2 * CODE128_QUIET_MODULES
    module = _floor_to(min(col.w / total, 0.5), dot)
    if module < template.smallest_module() - 1e-9:
        return None
    wanted = height or min(col.h * 0.35, 12.0)
    height = _floor_to(max(MIN_CODE128_HEIGHT_MM, wanted), dot)
    if height > col.h * 0.6:
        return None
    x = _round_to(col.x + CODE128_QUIET_MODULES * module, dot)
    y = _round_to(col.bottom - height, dot)
    return BarBlock(Rect(x, y, len(pattern) * module, height), module, pattern)


def _stacked_layout(
    content: LabelContent,
    template: LabelTemplate,
    options: LabelOptions,
    inner: Rect,
    block_modules: int,
    smallest: float,
    dot: float | None,
) -> LabelLayout | None:
    tag_size = _fit_size(content.tag, inner.w, MAX_TAG_TEXT_MM, True)
    if tag_size < MIN_TAG_TEXT_MM:
        return None
    text_h = tag_size * LINE_SPACING
    module = _floor_to(min(inner.w, inner.h - text_h) / block_modules, dot)
    if module < smallest - 1e-9:
        return None
    matrix = qr_matrix(content.tag)
    block = block_modules * module
    qr = _qr_block(matrix, inner.x + _floor_to((inner.w - block) / 2, dot), inner.y, module, dot)
    # The tag sits under the symbol's quiet zone.
    text_y = qr.rect.bottom + QR_QUIET_MODULES * module
    line = TextLine(content.tag, Rect(inner.x, text_y, inner.w, text_h), tag_size, True, True)
    warnings = [
        f"{content.tag}: {what} line left out, no room on {template.name}."
        for what, _t, _b in _optional_lines(content, options)
    ]
    if options.code128 and not options.compact and content.kind is not LabelKind.SMALL:
        warnings.append(f"{content.tag}: Code128 left out, no room on {template.name}.")
    if options.compact or content.kind is LabelKind.SMALL:
        warnings = []
    return LabelLayout(
        content,
        template.label_width,
        template.label_height,
        template.corner_radius,
        qr,
        None,
        (line,),
        tuple(warnings),
        dot,
    )


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PlacedLabel:
    """A label and where it sits on its page."""

    rect: Rect
    layout: LabelLayout


@dataclass(frozen=True)
class LabelPage:
    width: float
    height: float
    labels: tuple[PlacedLabel, ...]
    #: Every cell of the page (for the preview's outlines), offset included.
    cells: tuple[Rect, ...] = ()


@dataclass(frozen=True)
class LabelJob:
    """A batch of labels laid out on pages of one template."""

    template: LabelTemplate
    pages: tuple[LabelPage, ...]
    warnings: tuple[str, ...] = ()

    @property
    def labels(self) -> list[PlacedLabel]:
        return [placed for page in self.pages for placed in page.labels]


def check_start(template: LabelTemplate, start: int) -> int:
    if not 1 <= start <= template.per_page:
        raise ValidationError(
            f"The start position on {template.name} is 1 to {template.per_page}, not {start}.",
            field="start",
        )
    return start


def plan_job(
    contents: Sequence[LabelContent],
    template: LabelTemplate,
    options: LabelOptions,
    start: int = 1,
    offset: tuple[float, float] = (0.0, 0.0),
) -> LabelJob:
    """Lay out ``contents`` on pages of ``template``, skipping the first ``start - 1`` cells."""
    check_start(template, start)
    cells = template.label_rects(*offset)
    layouts: dict[LabelContent, LabelLayout] = {}
    warnings: list[str] = []
    pages: list[LabelPage] = []
    current: list[PlacedLabel] = []
    index = start - 1
    for content in contents:
        layout = layouts.get(content)
        if layout is None:
            layout = layout_label(content, template, options)
            layouts[content] = layout
            warnings.extend(w for w in layout.warnings if w not in warnings)
        if index >= len(cells):
            pages.append(LabelPage(template.page_width, template.page_height, tuple(current)))
            current, index = [], 0
        current.append(PlacedLabel(cells[index], layout))
        index += 1
    if current or not pages:
        pages.append(LabelPage(template.page_width, template.page_height, tuple(current)))
    pages = [replace(page, cells=tuple(cells)) for page in pages]
    return LabelJob(template, tuple(pages), tuple(warnings))


# --------------------------------------------------------------------------- ZPL


def _zpl_text(text: str) -> str:
    """Field data with ZPL's control characters hex-escaped (used with ^FH_)."""
    out = []
    for ch in text:
        if ch in "^~_\\":
            out.append(f"_{ord(ch):02X}")
        else:
            out.append(ch)
    return "".join(out)


def zpl_label(layout: LabelLayout, dpi: int) -> str:
    """One label as a ZPL II format (^XA…^XZ), positions in dots at ``dpi``."""
    per_mm = dpi / MM_PER_INCH

    def d(mm: float) -> int:
        return round(mm * per_mm)

    module_dots = max(1, min(10, d(layout.qr.module)))
    parts = [
        "^XA",
        "^CI28",
        f"^PW{d(layout.width)}",
        f"^LL{d(layout.height)}",
        "^LH0,0",
        # ^BQ places the symbol's top-left at ^FO; model 2, error correction M, automatic mode.
        f"^FO{d(layout.qr.rect.x)},{d(layout.qr.rect.y)}^BQN,2,{module_dots}^FDMA,{layout.content.tag}^FS",
    ]
    for line in layout.lines:
        h = max(10, d(line.size))
        block = f"^FB{d(line.rect.w)},1,0,{'C' if line.center else 'L'},0"
        parts.append(
            f"^FO{d(line.rect.x)},{d(line.rect.y)}^A0N,{h},{h}{block}"
            f"^FH_^FD{_zpl_text(line.text)}^FS"
        )
    if layout.code128 is not None:
        bars = layout.code128
        parts.append(
            f"^FO{d(bars.rect.x)},{d(bars.rect.y)}^BY{max(1, d(bars.module))}"
            f"^BCN,{d(bars.rect.h)},N,N,N,A^FD{layout.content.tag}^FS"
        )
    parts.append("^XZ")
    return "\n".join(parts) + "\n"


def zpl_for_job(job: LabelJob) -> str:
    """All labels of a job as ZPL, one format per label."""
    dpi = job.template.dpi or 203
    return "".join(zpl_label(placed.layout, dpi) for placed in job.labels)


def send_raw(data: bytes, *, queue: str | None = None, host: str | None = None) -> str:
    """Send printer-ready data to a raw CUPS queue (``lp -o raw``) or to ``HOST[:PORT]`` (9100)."""
    if host:
        name, _, port_text = host.partition(":")
        port = int(port_text) if port_text.isdigit() else 9100
        try:
            with socket.create_connection((name, port), timeout=10) as conn:
                conn.sendall(data)
        except OSError as exc:
            raise GearroomError(f"Cannot send labels to {name}:{port}: {exc}.") from exc
        return f"{name}:{port}"
    command = ["lp", "-o", "raw"] + (["-d", queue] if queue else [])
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=30, check=False)
    except FileNotFoundError as exc:
        raise GearroomError(
            "The 'lp' command is not installed; install CUPS or send to a printer's address "
            "with --host."
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise GearroomError("The print queue did not answer within 30 seconds.") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"exit code {done.returncode}"
        raise GearroomError(f"The print queue refused the labels: {message}.")
    return queue or "default printer"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class TemplateSettings:
    """What is remembered per template: start position and calibration offset (mm)."""

    start: int = 1
    offset_x: float = 0.0
    offset_y: float = 0.0


@dataclass(frozen=True)
class LabelSettings:
    """Remembered label choices, saved as JSON in the data folder."""

    template: str = ""
    options: dict[str, bool] = field(default_factory=dict)
    templates: dict[str, TemplateSettings] = field(default_factory=dict)

    def for_template(self, name: str) -> TemplateSettings:
        return self.templates.get(name, TemplateSettings())

    def with_template(self, name: str, value: TemplateSettings) -> LabelSettings:
        return replace(self, template=name, templates={**self.templates, name: value})


def label_settings_path() -> Path:
    return default_data_dir() / "labels.json"


def load_label_settings(path: Path | None = None) -> LabelSettings:
    """The remembered label settings; a missing or unreadable file gives the defaults."""
    target = path or label_settings_path()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LabelSettings()
    if not isinstance(raw, dict):
        return LabelSettings()
    per: dict[str, TemplateSettings] = {}
    for name, value in (raw.get("templates") or {}).items():
        if isinstance(value, dict):
            try:
                per[str(name)] = TemplateSettings(
                    int(value.get("start", 1)),
                    float(value.get("offset_x", 0.0)),
                    float(value.get("offset_y", 0.0)),
                )
            except (TypeError, ValueError):
                continue
    options = {str(k): bool(v) for k, v in (raw.get("options") or {}).items()}
    return LabelSettings(str(raw.get("template", "")), options, per)


def save_label_settings(settings: LabelSettings, path: Path | None = None) -> Path:
    """Write the label settings atomically."""
    target = path or label_settings_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(target)
    return target


def clean_tags(texts: Iterable[str]) -> list[str]:
    """Typed or scanned tags, validated (for CLI arguments and the tag box)."""
    return [validate_tag(t) for t in texts if t.strip()]
