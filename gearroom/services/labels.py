"""Labels: stock templates, label content, code geometry, sheet planning, ZPL and label settings.

One door to the label modules, each with one responsibility: :mod:`label_templates` (stocks),
:mod:`label_content` (what a label says, read from the database), :mod:`label_layout` (codes,
geometry, pages), :mod:`label_zpl` (Zebra printers) and :mod:`label_settings` (remembered
choices). The template folder and the settings file are the caller's to name (the command
line and the app pass :attr:`gearroom.config.FilePlaces.label_templates` and
:attr:`~gearroom.config.FilePlaces.label_settings`).
"""

from __future__ import annotations

from collections.abc import Iterable

from gearroom.errors import (
    GearroomError as GearroomError,
    NotFoundError as NotFoundError,
    ValidationError as ValidationError,
)
from gearroom.services.label_content import (
    LabelContent as LabelContent,
    LabelKind as LabelKind,
    LabelOptions as LabelOptions,
    category_names as category_names,
    content_for_tag as content_for_tag,
    contents_added_since as contents_added_since,
    contents_for_category as contents_for_category,
    contents_for_kit as contents_for_kit,
    contents_for_tags as contents_for_tags,
)
from gearroom.services.label_layout import (
    CODE128_QUIET_MODULES as CODE128_QUIET_MODULES,
    LINE_SPACING as LINE_SPACING,
    MAX_TAG_TEXT_MM as MAX_TAG_TEXT_MM,
    MIN_CODE128_HEIGHT_MM as MIN_CODE128_HEIGHT_MM,
    MIN_LINE_TEXT_MM as MIN_LINE_TEXT_MM,
    MIN_TAG_TEXT_MM as MIN_TAG_TEXT_MM,
    QR_QUIET_MODULES as QR_QUIET_MODULES,
    SHEET_GRID_MM as SHEET_GRID_MM,
    BarBlock as BarBlock,
    LabelJob as LabelJob,
    LabelLayout as LabelLayout,
    LabelPage as LabelPage,
    LabelTooSmallError as LabelTooSmallError,
    PlacedLabel as PlacedLabel,
    QrBlock as QrBlock,
    TextLine as TextLine,
    bar_runs as bar_runs,
    check_start as check_start,
    code128_pattern as code128_pattern,
    estimate_width as estimate_width,
    layout_label as layout_label,
    plan_job as plan_job,
    qr_matrix as qr_matrix,
)
from gearroom.services.label_settings import (
    LabelSettings as LabelSettings,
    TemplateSettings as TemplateSettings,
    load_label_settings as load_label_settings,
    save_label_settings as save_label_settings,
)
from gearroom.services.label_templates import (
    MM_PER_INCH as MM_PER_INCH,
    LabelTemplate as LabelTemplate,
    Rect as Rect,
    StockKind as StockKind,
    check_template as check_template,
    get_template as get_template,
    list_templates as list_templates,
    template_from_dict as template_from_dict,
)
from gearroom.services.label_zpl import (
    send_raw as send_raw,
    zpl_for_job as zpl_for_job,
    zpl_label as zpl_label,
)
from gearroom.services.tags import validate_tag


def clean_tags(texts: Iterable[str]) -> list[str]:
    """Typed or scanned tags, validated (for CLI arguments and the tag box)."""
    return [validate_tag(t) for t in texts if t.strip()]
