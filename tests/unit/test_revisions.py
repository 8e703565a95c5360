"""The migration chain read from the files equals Alembic's answer, and anything but one
straight chain is left to Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from gearroom import db as gdb
from gearroom.paths import migrations_dir
from gearroom.revisions import read_chain


def _write(folder: Path, name: str, revision: str, down: str | None, *, typed: bool = True) -> None:
    annotation = ": str | None" if typed else ""
    down_text = "None" if down is None else f'"{down}"'
    (folder / "versions").mkdir(parents=True, exist_ok=True)
    (folder / "versions" / name).write_text(
        f'"""{name}\n\nRevision ID: {revision}\nRevises: {down}\n"""\n\n'
        f'revision{": str" if typed else ""} = "{revision}"\n'
        f"down_revision{annotation} = {down_text}\n"
        "branch_labels = None\n",
        encoding="utf-8",
    )


def test_the_shipped_chain_is_alembics() -> None:
    script = ScriptDirectory.from_config(gdb.alembic_config())
    chain = read_chain(migrations_dir())
    assert chain is not None
    assert chain.head == script.get_current_head() == gdb.head_revision()
    assert chain.revisions == {r.revision for r in script.walk_revisions()}
    assert gdb.known_revision(chain.head)
    assert not gdb.known_revision("not-a-revision")


def test_a_straight_chain_in_any_spelling(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "aaa", None)
    _write(tmp_path, "b.py", "bbb", "aaa", typed=False)
    _write(tmp_path, "c.py", "ccc", "bbb")
    chain = read_chain(tmp_path)
    assert chain is not None and chain.head == "ccc"
    assert chain.revisions == {"aaa", "bbb", "ccc"}


@pytest.mark.parametrize(
    "files",
    [
        # a branch: two children of one parent
        [("a.py", "aaa", None), ("b.py", "bbb", "aaa"), ("c.py", "ccc", "aaa")],
        # a parent that is not shipped
        [("a.py", "aaa", None), ("b.py", "bbb", "zzz")],
        # two roots
        [("a.py", "aaa", None), ("b.py", "bbb", None)],
        # one revision in two files
        [("a.py", "aaa", None), ("b.py", "aaa", None)],
        # a cycle beside the chain
        [("a.py", "aaa", None), ("b.py", "bbb", "ccc"), ("c.py", "ccc", "bbb")],
    ],
)
def test_anything_else_is_left_to_alembic(
    tmp_path: Path, files: list[tuple[str, str, str | None]]
) -> None:
    for name, revision, down in files:
        _write(tmp_path, name, revision, down)
    assert read_chain(tmp_path) is None


def test_a_name_computed_in_code_is_left_to_alembic(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "aaa", None)
    (tmp_path / "versions" / "b.py").write_text(
        'revision = "b" + "bb"\ndown_revision = "aaa"\n', encoding="utf-8"
    )
    assert read_chain(tmp_path) is None


def test_a_new_file_is_seen(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "aaa", None)
    first = read_chain(tmp_path)
    assert first is not None and first.head == "aaa"
    _write(tmp_path, "b.py", "bbb", "aaa")
    second = read_chain(tmp_path)
    assert second is not None and second.head == "bbb"


def test_opening_a_database_imports_no_alembic(tmp_path: Path) -> None:
    """An up-to-date file opens without Alembic (it is imported only for a migration)."""
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    gdb.open_database(url).dispose()  # created and migrated here
    code = (
        "import sys; from gearroom.db import open_database; "
        f"open_database({url!r}).dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
