"""Files that appear whole or not at all: written beside the target, then moved in place."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Let ``write`` fill a temporary file in ``target``'s folder, then rename it to ``target``.

    On any failure the temporary file is removed and ``target`` is left as it was.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_json_atomic(target: Path, data: Any) -> Path:
    """``data`` as indented JSON in ``target``, atomically (the folder is created if needed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomic(target, write)
