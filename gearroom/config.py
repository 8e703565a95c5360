"""Settings: database URL, data folder, the rental house's details, label defaults.

Settings come from, in order of precedence: command-line options (applied by the caller),
environment variables, the config file (JSON) and built-in defaults.

Environment variables:

``GEARROOM_DATABASE_URL``
    SQLAlchemy URL of the database (``sqlite:///…`` or ``postgresql+psycopg://…``).
``GEARROOM_DATA_DIR``
    Folder for the embedded database, backups and label settings.
``GEARROOM_CONFIG``
    Path of the config file (default: ``<user config dir>/config.json``).
``GEARROOM_OPERATOR``
    Name recorded as the operator in history when nobody has signed in.

Services never read these defaults: the command line and the app resolve them here (the data
folder's files in :func:`file_places`, the machine's time zone in :func:`system_timezone`) and
pass what a service needs as arguments.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from gearroom import paths
from gearroom.errors import ValidationError

APP_NAME = "gearroom"
#: What a scanner may send after a tag (see gearroom.ui.scanner).
SCAN_SUFFIXES = ("enter", "tab", "crlf", "none")
MIN_SCAN_GAP_MS = 5
MAX_SCAN_GAP_MS = 300
#: This workstation's files in the data folder.
LABEL_SETTINGS_FILE = "labels.json"
IMPORT_MAPPINGS_FILE = "import-mappings.json"
HISTORY_ANCHOR_FILE = "history-anchors.json"


def default_data_dir() -> Path:
    """The user's data folder for Gearroom (overridable with ``GEARROOM_DATA_DIR``)."""
    env = os.environ.get("GEARROOM_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """Path of the JSON config file (overridable with ``GEARROOM_CONFIG``)."""
    env = os.environ.get("GEARROOM_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.json"


def default_database_url(data_dir: Path | None = None) -> str:
    """The embedded SQLite database in the data folder."""
    folder = data_dir or default_data_dir()
    return f"sqlite:///{folder / 'gearroom.sqlite3'}"


def default_operator() -> str:
    """Who history records when nobody signed in: ``GEARROOM_OPERATOR`` or the OS user."""
    env = os.environ.get("GEARROOM_OPERATOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def system_timezone() -> tzinfo:
    """The machine's time zone (``TZ``, else ``/etc/localtime``), as an IANA zone when it can
    be named; for the services that need a zone and get none from the house's settings."""
    name = os.environ.get("TZ", "").lstrip(":")
    candidates = [name] if name else []
    try:
        link = Path("/etc/localtime").resolve()
        if "zoneinfo" in link.parts:
            candidates.append("/".join(link.parts[link.parts.index("zoneinfo") + 1 :]))
    except OSError:  # pragma: no cover - platform dependent
        pass
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    local = datetime.now().astimezone().tzinfo
    return local if local is not None else UTC


@dataclass(frozen=True)
class FilePlaces:
    """Where the files outside the database are: this workstation's, in the data folder, and
    the ones that ship with Gearroom. The command line and the app resolve them once
    (:func:`file_places`) and hand each service the path it needs."""

    #: The remembered label choices (template, options, placement per template).
    label_settings: Path
    #: The column mappings confirmed in earlier imports.
    import_mappings: Path
    #: Where this workstation saw the history chain end, per database.
    history_anchors: Path
    #: The shipped label templates (one JSON file each).
    label_templates: Path
    #: The shipped import presets (one JSON file each).
    import_presets: Path


def file_places(data_dir: Path | None = None) -> FilePlaces:
    """The files of the data folder ``data_dir`` (default: :func:`default_data_dir`) and the
    shipped ones."""
    folder = data_dir or default_data_dir()
    return FilePlaces(
        label_settings=folder / LABEL_SETTINGS_FILE,
        import_mappings=folder / IMPORT_MAPPINGS_FILE,
        history_anchors=history_anchor_file(folder),
        label_templates=paths.label_templates_dir(),
        import_presets=paths.import_presets_dir(),
    )


def history_anchor_file(data_dir: Path | None = None) -> Path:
    """This workstation's history anchors (see :mod:`gearroom.services.history_anchor`)."""
    return (data_dir or default_data_dir()) / HISTORY_ANCHOR_FILE


@dataclass(frozen=True)
class Settings:
    """Everything a user can set. Saved as JSON; unknown keys in the file are ignored."""

    database_url: str = ""
    house_name: str = "Gearroom Rentals"
    house_address: str = ""
    house_phone: str = ""
    default_location: str = ""
    label_template: str = "avery-l7163"
    backup_keep: int = 7
    #: The scanner: longest gap between its keys (ms), the key it sends after a tag ("enter",
    #: "tab", "crlf" or "none") and a character it sends before one ("" for none).
    scan_gap_ms: int = 60
    scan_suffix: str = "enter"
    scan_prefix: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def effective_database_url(self) -> str:
        """The URL to open: the environment, then the config file, then the embedded default."""
        return (
            os.environ.get("GEARROOM_DATABASE_URL") or self.database_url or default_database_url()
        )

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied, validated."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValidationError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        updated = replace(self, **changes)
        if updated.backup_keep < 1:
            raise ValidationError("Keep at least one backup.", field="backup_keep")
        if not MIN_SCAN_GAP_MS <= updated.scan_gap_ms <= MAX_SCAN_GAP_MS:
            raise ValidationError(
                f"The scanner gap must be {MIN_SCAN_GAP_MS}–{MAX_SCAN_GAP_MS} ms.",
                field="scan_gap_ms",
            )
        if updated.scan_suffix not in SCAN_SUFFIXES:
            raise ValidationError(
                f"The scanner suffix must be one of {', '.join(SCAN_SUFFIXES)}.",
                field="scan_suffix",
            )
        prefix = updated.scan_prefix
        if len(prefix) > 1 or (prefix and (not prefix.isprintable() or prefix.isalnum())):
            raise ValidationError(
                "The scanner prefix is one character that is not a letter or digit, or none.",
                field="scan_prefix",
            )
        return updated


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file gives the defaults, a broken one a clear error."""
    target = path or config_path()
    if not target.exists():
        return Settings()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(
            f"The config file {target} cannot be read ({exc}). Fix or delete it to start over."
        ) from exc
    if not isinstance(raw, dict):
        raise ValidationError(f"The config file {target} must hold a JSON object.")
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, wanted = raw[f.name], type(getattr(defaults, f.name))
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            kind = {str: "text", int: "a whole number", dict: "an object"}.get(wanted, "a value")
            raise ValidationError(
                f"The config file {target} has a bad {f.name}: {value!r} is not {kind}. "
                "Fix or delete it to start over.",
                field=f.name,
            )
        values[f.name] = value
    try:
        return defaults.with_changes(**values)
    except ValidationError as exc:
        raise ValidationError(
            f"The config file {target}: {exc} Fix or delete it to start over.", field=exc.field
        ) from exc


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the config file atomically (write a temporary file, then rename)."""
    target = path or config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(target)
    return target
