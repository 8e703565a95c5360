"""Remembered label choices (template, options, start position and calibration per template),
kept as a JSON file whose path is passed in."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from gearroom.atomic import write_json_atomic


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


def load_label_settings(path: Path) -> LabelSettings:
    """The label settings remembered in ``path``; a missing or unreadable file gives the
    defaults."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
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


def save_label_settings(settings: LabelSettings, path: Path) -> Path:
    """Write the label settings to ``path`` atomically."""
    return write_json_atomic(path, asdict(settings))
