"""Which SQLite files this workstation last saw intact, so opening one does not read it whole.

SQLite's ``quick_check`` reads every page: about 2 s of CPU on a house of a million events, paid
at every start and by every command. It is needed only when the file may have changed behind
Gearroom's back. So after a check passes, and after Gearroom closed the file cleanly (its last
connection gone, the write-ahead log folded in and removed), the file's *stamp* is kept in the
data folder (``checked-files.json``): device, inode, size, modification and status-change times
of the file and of its log. The next open that finds the same stamp skips the check; any other
change (another program wrote to it, a copy was put in its place, bytes were flipped — which
moves the status-change time, which no tool can set back) means a full ``quick_check`` again.

What it does not catch: a change made while Gearroom has the file open (the stamp taken at the
clean close covers it) and damage that leaves every time alone (a failing disk). ``gearroom db
check`` always runs the full check.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from gearroom.config import default_data_dir

STAMP_FILE = "checked-files.json"


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def stamp_of(path: Path) -> dict[str, Any] | None:
    """The file's stamp (None when it does not exist)."""
    main = _stat(path)
    if main is None:
        return None
    return {"file": main, "wal": _stat(path.with_name(path.name + "-wal"))}


def _stamp_file() -> Path:
    return default_data_dir() / STAMP_FILE


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_stamp_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def known_intact(path: Path) -> bool:
    """Whether the file is exactly as it was when it last checked out (or was closed cleanly)."""
    current = stamp_of(path)
    return current is not None and _read().get(_key(path)) == current


def _write(data: dict[str, Any]) -> None:
    target = _stamp_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, target)


def remember_intact(path: Path) -> None:
    """Keep the file's stamp; failing to write it only means the next open checks again."""
    current = stamp_of(path)
    if current is None:
        return
    with contextlib.suppress(OSError):
        data = _read()
        data[_key(path)] = current
        _write(data)


def forget(path: Path) -> None:
    """The file must be checked at its next open (a restore put another file in its place)."""
    with contextlib.suppress(OSError):
        data = _read()
        if data.pop(_key(path), None) is not None:
            _write(data)
