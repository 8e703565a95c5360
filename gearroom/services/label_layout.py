"""Where things go on a label: the QR and Code128 modules, text lines fitted to the label, and
labels planned on the pages of a stock. Plain Python (no Qt): the painter in
:mod:`gearroom.render.labels` draws the :class:`LabelLayout` computed here.

Codes keep their quiet zones (4 modules for QR, 10 for Code128) and never shrink below the
stock's minimum module size: optional lines are dropped (with a warning) first, and if even the
code and the tag cannot fit, a :class:`LabelTooSmallError` says so.

Every layout is aligned to a grid: a roll printer's dot, or :data:`SHEET_GRID_MM` (1/50 inch)
on sheet stocks. A QR module is a whole number of grid steps and the painter puts the code's
corner on the page's grid, so wherever a sheet is rasterised at a resolution that is a multiple
of 50 dpi (a printer's 300, 600 or 1200 dpi, a scan or a viewer at 150, 200, 300, 400 or 600
dpi) every module is the same whole number of pixels and starts on a pixel. A module that is
not a whole number of pixels is drawn some pixels wide and some a pixel wider (and a code that
starts between pixels gets grey edges); page-level finders (zbar's, OpenCV's) then miss codes
on a sheet that they read one by one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import qrcode
import qrcode.constants
from barcode import Code128

from gearroom.errors import ValidationError
from gearroom.services.label_content import LabelContent, LabelKind, LabelOptions
from gearroom.services.label_templates import LabelTemplate, Rect, StockKind

QR_QUIET_MODULES = 4
#: The grid that sheet layouts (whose printer is not known) are aligned to: 1/50 inch, a whole
#: number of pixels at every resolution that is a multiple of 50 dpi.
SHEET_GRID_MM = 25.4 / 50
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
    #: The grid everything is aligned to: a roll printer's dot, or :data:`SHEET_GRID_MM` on
    #: sheets (where the painter also puts the code's corner on the page's grid).
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
    dot = template.dot_mm or SHEET_GRID_MM
    width, height = template.label_width, template.label_height
    pad = max(template.padding, template.printable_margin if template.kind is StockKind.ROLL else 0)
    inner = Rect(pad, pad, width - 2 * pad, height - 2 * pad)
    if dot:
        # Whole grid steps from the start, so every module lands on the grid.
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


def _snap_slack(template: LabelTemplate) -> float:
    """How far the painter may move a sheet label's code to put it on the page's grid."""
    return SHEET_GRID_MM / 2 if template.kind is StockKind.SHEET else 0.0


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
    col_x = qr.rect.right + QR_QUIET_MODULES * module + _snap_slack(template)
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
    # Bars keep the printer's dots (the sheet grid is for QR modules; a bar's width is read
    # relative to its neighbours, not as a whole number of modules).
    dot = template.dot_mm
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
    text_y = qr.rect.bottom + QR_QUIET_MODULES * module + _snap_slack(template)
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
