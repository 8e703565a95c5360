"""Where the history chain ended, remembered outside the event table.

The chain (each event's hash covers the one before) catches an event edited or deleted in the
middle, but not a chain cut from its end, nor a consistent rewrite with every hash recomputed:
both leave a chain that checks out on its own. So the end of the chain — the newest event's id
and hash, its *anchor* — is also kept where the event table cannot reach:

- in a small file per workstation (``history-anchors.json`` in the data folder: the path is
  the caller's, :class:`gearroom.db.Database` keeps it), updated after every write that
  added events;
- in a manifest beside every backup (``BACKUP.manifest.json``);
- on the weekly report (:func:`current_anchor` gives the line to print).

``gearroom history verify`` compares the chain with every anchor it can find: a chain shorter
than an anchor, or whose event at an anchor's id has another hash, was cut or rewritten. See
docs/threat-model.md for what this does and does not protect against.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from gearroom.atomic import write_json_atomic
from gearroom.models import Event

#: In ``Session.info`` of the sessions a :class:`gearroom.db.Database` hands out: the path of
#: this workstation's anchor file for that database.
ANCHOR_FILE_KEY = "gearroom.anchor_file"
MANIFEST_SUFFIX = ".manifest.json"
#: In the backups folder: when a backup was last restored (older manifests no longer bind).
RESTORE_MARK = "last-restore.json"


@dataclass(frozen=True)
class HistoryAnchor:
    """The newest event of the chain as seen at some moment, and where that was recorded."""

    event_id: int
    hash: str
    source: str = ""

    def describe(self) -> str:
        return f"#{self.event_id} {self.hash[:16]}"


def current_anchor(session: Session) -> HistoryAnchor:
    """The end of the chain now (for a report or a manifest): the newest event's id and hash."""
    row = session.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    if row is None:
        return HistoryAnchor(0, "0" * 64, "the database")
    return HistoryAnchor(int(row[0]), str(row[1]), "the database")


def database_key(url: str) -> str:
    """Which database an anchor belongs to: the file's absolute path, or server/database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or "").expanduser().resolve())
    return f"{parsed.get_backend_name()}://{parsed.host or 'localhost'}:{parsed.port or ''}/" + (
        parsed.database or ""
    )


def anchor_file_of(session: Session) -> Path | None:
    """The anchor file of the database ``session`` came from (None: it keeps none)."""
    path = session.info.get(ANCHOR_FILE_KEY)
    return path if isinstance(path, Path) else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_json_atomic(path, data)  # a temporary file of mode 0600, renamed into place


def remember(path: Path, url: str, event_id: int, digest: str, *, replace: bool = False) -> None:
    """Record in the anchor file ``path`` that this workstation saw the chain reach
    ``event_id`` (never moves back, unless ``replace``: after a restore or for a new database).
    Failing to write it is not an error of the operation that just committed; the anchor
    simply stays where it was."""
    with contextlib.suppress(OSError):
        data = _read_json(path)
        key = database_key(url)
        old = data.get(key)
        if not replace and isinstance(old, dict) and int(old.get("event_id", 0)) >= event_id:
            return
        data[key] = {"event_id": event_id, "hash": digest}
        _write_json(path, data)


def forget(path: Path, url: str) -> None:
    """Drop the anchor for ``url`` from the anchor file ``path`` (a new database there)."""
    with contextlib.suppress(OSError):
        data = _read_json(path)
        if data.pop(database_key(url), None) is not None:
            _write_json(path, data)


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def write_manifest(backup: Path, event_id: int, digest: str, revision: str | None) -> None:
    """The manifest beside a backup: where the chain ended in that copy."""
    _write_json(
        manifest_path(backup),
        {
            "history": {"event_id": event_id, "hash": digest},
            "revision": revision,
            "written_at": datetime.now(UTC).isoformat(),
        },
    )


def mark_restore(backups: Path) -> None:
    """A restore rewinds the history on purpose: manifests written before it stop binding."""
    _write_json(backups / RESTORE_MARK, {"at": datetime.now(UTC).isoformat()})


def known_anchors(url: str, path: Path | None) -> list[HistoryAnchor]:
    """Every anchor this workstation knows for ``url``: its anchor file ``path`` (None: none)
    and the manifests of the backups beside an SQLite database."""
    found: list[HistoryAnchor] = []
    entry = _read_json(path).get(database_key(url)) if path is not None else None
    if isinstance(entry, dict) and "event_id" in entry:
        found.append(
            HistoryAnchor(int(entry["event_id"]), str(entry["hash"]), "this workstation's anchor")
        )
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder = Path(parsed.database).expanduser().resolve().parent / "backups"
        restored = str(_read_json(folder / RESTORE_MARK).get("at", ""))
        for manifest in sorted(folder.glob(f"*{MANIFEST_SUFFIX}")) if folder.is_dir() else []:
            data = _read_json(manifest)
            if restored and str(data.get("written_at", "")) <= restored:
                continue
            info = data.get("history")
            if isinstance(info, dict) and "event_id" in info:
                name = manifest.name.removesuffix(MANIFEST_SUFFIX)
                found.append(
                    HistoryAnchor(int(info["event_id"]), str(info["hash"]), f"backup {name}")
                )
    return found


def check_anchors(session: Session, last_id: int, anchors: Sequence[HistoryAnchor]) -> str:
    """The first way the chain (ending at ``last_id``) contradicts an anchor, or ""."""
    for anchor in sorted(anchors, key=lambda a: a.event_id, reverse=True):
        if anchor.event_id == 0:
            continue
        if last_id < anchor.event_id:
            return (
                f"The history ends at event #{last_id} but {anchor.source} saw it reach "
                f"#{anchor.event_id}: events were cut from its end."
            )
        stored = session.scalar(select(Event.hash).where(Event.id == anchor.event_id))
        if stored != anchor.hash:
            return (
                f"Event #{anchor.event_id} is not the one {anchor.source} recorded (hash "
                f"{anchor.hash[:16]}…): the history was rewritten."
            )
    return ""
