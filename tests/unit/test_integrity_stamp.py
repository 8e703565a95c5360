"""Opening a file this workstation last saw intact skips the page-by-page check; any change to
the file, even with its modification time put back, brings the check back."""

from __future__ import annotations

import os

import pytest

from gearroom import db as db_module, integrity_stamp
from gearroom.db import open_database


@pytest.fixture
def checks(monkeypatch):
    """The integrity checks opening runs: False = quick_check, None = the cheap one."""
    seen: list[bool | None] = []
    real = db_module._inspect_sqlite_file

    def spy(path, *, full_check):
        seen.append(full_check)
        return real(path, full_check=full_check)

    monkeypatch.setattr(db_module, "_inspect_sqlite_file", spy)
    return seen


@pytest.mark.sqlite_only
def test_a_cleanly_closed_file_is_not_read_whole_again(db_url, checks):
    open_database(db_url).dispose()  # creates it
    db = open_database(db_url)
    db.dispose()
    assert checks == [None]
    path = db.path
    assert path is not None and integrity_stamp.known_intact(path)

    # Someone else writes to the file and puts its modification time back: checked again.
    st = path.stat()
    with path.open("r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(byte)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert not integrity_stamp.known_intact(path)
    open_database(db_url).dispose()
    assert checks == [None, False]


@pytest.mark.sqlite_only
def test_a_file_left_with_its_log_is_checked(db_url, checks):
    open_database(db_url).dispose()
    db = open_database(db_url)
    with db.write() as s:  # the connection stays in the pool: the log is there
        s.connection()
    other = open_database(db_url)
    other.dispose()
    db.dispose()
    assert checks == [None, False]
