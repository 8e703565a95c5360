"""The migrations this version ships, read from their files without importing Alembic.

Every open of a database asks which revision is the newest this version knows and whether the
file's revision is one of them. Alembic answers by importing its script machinery (and with it
its DDL modules and template engine): about a tenth of a second of every start. The shipped
migrations are one straight chain of files, each naming its ``revision`` and ``down_revision``
on a line of its own, so reading those two lines answers the same question in a millisecond.
When the files are anything else (a branch, a merge, a name computed in code),
:func:`read_chain` returns None and the caller asks Alembic (:mod:`gearroom.db`); a test keeps
both answers equal for the shipped migrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_ASSIGNMENT = re.compile(
    r"^(?P<name>revision|down_revision)\s*(?::[^=\n]*)?=\s*"
    r"(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>[^'\n]*)'|(?P<none>None))\s*(?:#.*)?$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Chain:
    """The shipped revisions, one straight line from the first to ``head``."""

    head: str
    revisions: frozenset[str]


def read_chain(script_dir: Path) -> Chain | None:
    """The chain of the migration files in ``script_dir/versions``; None when the files are
    not one simple chain (then Alembic must be asked)."""
    try:
        files = tuple(
            (str(file), (stat := file.stat()).st_mtime_ns, stat.st_size)
            for file in sorted((script_dir / "versions").glob("*.py"))
            if not file.name.startswith("_")
        )
    except OSError:
        return None
    return _read(files)


@lru_cache(maxsize=8)
def _read(files: tuple[tuple[str, int, int], ...]) -> Chain | None:
    """The chain of ``files`` (path, mtime, size: a changed file is read again)."""
    parents: dict[str, str | None] = {}
    for name, _mtime, _size in files:
        file = Path(name)
        found: dict[str, str | None] = {}
        for match in _ASSIGNMENT.finditer(file.read_text(encoding="utf-8")):
            value = match["dq"] if match["dq"] is not None else match["sq"]
            if match["name"] in found:
                return None  # assigned twice: not a file to read by its lines
            found[match["name"]] = value
        revision = found.get("revision")
        if revision is None or "down_revision" not in found or revision in parents:
            return None
        parents[revision] = found["down_revision"]
    children = [parent for parent in parents.values() if parent is not None]
    if len(children) != len(set(children)) or any(c not in parents for c in children):
        return None  # a branch point, or a parent that is not shipped
    heads = set(parents) - set(children)
    roots = [revision for revision, parent in parents.items() if parent is None]
    if len(heads) != 1 or len(roots) != 1:
        return None
    head = heads.pop()
    steps, at = 0, parents[head]
    while at is not None and steps < len(parents):
        steps, at = steps + 1, parents[at]
    if steps != len(parents) - 1:
        return None  # not every file on the one line from the head down
    return Chain(head=head, revisions=frozenset(parents))
