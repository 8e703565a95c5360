"""Labels: stock templates, label content, code geometry, sheet planning, ZPL and label settings.

One door to the label modules, each with one responsibility: :mod:`label_templates` (stocks),
:mod:`label_content` (what a label says, read from the database), :mod:`label_layout` (codes,
geometry, pages), :mod:`label_zpl` (Zebra printers) and :mod:`label_settings` (remembered
choices). The helpers here fill in the shipped template folder and the settings file in the
data folder for callers that do not pass their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gearroom.config import default_data_dir
from gearroom.errors import GearroomError as GearroomError
from gearroom.errors import NotFoundError as NotFoundError
from gearroom.errors import ValidationError as ValidationError
from gearroom.paths import resources_dir
from gearroom.services import label_settings, label_templates
from gearroom.services.label_content import (
    LabelContent as LabelContent,
)
from gearroom.services.label_content import (
    LabelKind as LabelKind,
)
from gearroom.services.label_content import (
    LabelOptions as LabelOptions,
)
from gearroom.services.label_content import (
    category_names as category_names,
)
from gearroom.services.label_content import (
    content_for_tag as content_for_tag,
)
from gearroom.services.label_content import (
    contents_added_since as contents_added_since,
)
from gearroom.services.label_content import (
    contents_for_category as contents_for_category,
)
from gearroom.services.label_content import (
    contents_for_kit as contents_for_kit,
)
from gearroom.services.label_content import (
    contents_for_tags as contents_for_tags,
)
from gearroom.services.label_layout import (
    CODE128_QUIET_MODULES as CODE128_QUIET_MODULES,
)
from gearroom.services.label_layout import (
    LINE_SPACING as LINE_SPACING,
)
from gearroom.services.label_layout import (
    MAX_TAG_TEXT_MM as MAX_TAG_TEXT_MM,
)
from gearroom.services.label_layout import (
    MIN_CODE128_HEIGHT_MM as MIN_CODE128_HEIGHT_MM,
)
from gearroom.services.label_layout import (
    MIN_LINE_TEXT_MM as MIN_LINE_TEXT_MM,
)
from gearroom.services.label_layout import (
    MIN_TAG_TEXT_MM as MIN_TAG_TEXT_MM,
)
from gearroom.services.label_layout import (
    QR_QUIET_MODULES as QR_QUIET_MODULES,
)
from gearroom.services.label_layout import (
    BarBlock as BarBlock,
)
from gearroom.services.label_layout import (
    LabelJob as LabelJob,
)
from gearroom.services.label_layout import (
    LabelLayout as LabelLayout,
)
from gearroom.services.label_layout import (
    LabelPage as LabelPage,
)
from gearroom.services.label_layout import (
    LabelTooSmallError as LabelTooSmallError,
)
from gearroom.services.label_layout import (
    PlacedLabel as PlacedLabel,
)
from gearroom.services.label_layout import (
    QrBlock as QrBlock,
)
from gearroom.services.label_layout import (
    TextLine as TextLine,
)
from gearroom.services.label_layout import (
    bar_runs as bar_runs,
)
from gearroom.services.label_layout import (
    check_start as check_start,
)
from gearroom.services.label_layout import (
    code128_pattern as code128_pattern,
)
from gearroom.services.label_layout import (
    estimate_width as estimate_width,
)
from gearroom.services.label_layout import (
    layout_label as layout_label,
)
from gearroom.services.label_layout import (
    plan_job as plan_job,
)
from gearroom.services.label_layout import (
    qr_matrix as qr_matrix,
)
from gearroom.services.label_settings import (
    LabelSettings as LabelSettings,
)
from gearroom.services.label_settings import (
    TemplateSettings as TemplateSettings,
)
from gearroom.services.label_templates import (
    MM_PER_INCH as MM_PER_INCH,
)
from gearroom.services.label_templates import (
    LabelTemplate as LabelTemplate,
)
from gearroom.services.label_templates import (
    Rect as Rect,
)
from gearroom.services.label_templates import (
    StockKind as StockKind,
)
from gearroom.services.label_templates import (
    check_template as check_template,
)
from gearroom.services.label_templates import (
    template_from_dict as template_from_dict,
)
from gearroom.services.label_zpl import (
    send_raw as send_raw,
)
from gearroom.services.label_zpl import (
    zpl_for_job as zpl_for_job,
)
from gearroom.services.label_zpl import (
    zpl_label as zpl_label,
)
from gearroom.services.tags import validate_tag


def templates_dir() -> Path:
    """The shipped label templates."""
    return resources_dir() / "labels"


def label_settings_path() -> Path:
    """The remembered label settings in the data folder."""
    return default_data_dir() / "labels.json"


def list_templates(folder: Path | None = None) -> list[LabelTemplate]:
    """The label templates (one JSON file each), by name: the shipped ones by default."""
    return label_templates.list_templates(folder or templates_dir())


def get_template(name: str, folder: Path | None = None) -> LabelTemplate:
    """The template ``name`` (case-insensitive): a shipped one by default."""
    return label_templates.get_template(name, folder or templates_dir())


def load_label_settings(path: Path | None = None) -> LabelSettings:
    """The remembered label settings (the data folder's file by default)."""
    return label_settings.load_label_settings(path or label_settings_path())


def save_label_settings(settings: LabelSettings, path: Path | None = None) -> Path:
    """Write the label settings atomically (to the data folder's file by default)."""
    return label_settings.save_label_settings(settings, path or label_settings_path())


def clean_tags(texts: Iterable[str]) -> list[str]:
    """Typed or scanned tags, validated (for CLI arguments and the tag box)."""
    return [validate_tag(t) for t in texts if t.strip()]
