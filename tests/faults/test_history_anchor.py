"""A history cut from its end, or rewritten consistently, is caught by the anchors."""

from __future__ import annotations

import json
import sqlite3

import pytest
from faults_support import assert_one_line_failure, build_house, database_file, run
from sqlalchemy import create_engine, text

from gearroom.config import history_anchor_file
from gearroom.db import open_database
from gearroom.services import history


def _events(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM events")).scalar() or 0)
    finally:
        engine.dispose()


def _unguard(conn) -> None:
    """What someone with the file (or the server's owner role) can do: lift the guard."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER IF EXISTS events_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS events_no_delete"))
    else:
        conn.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))


def _delete_from(url: str, where: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _unguard(conn)
            conn.execute(text(f"DELETE FROM events {where}"))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "cut", ["the last event", "the last ten", "all of them"], ids=["last", "ten", "all"]
)
def test_a_chain_cut_from_its_end_is_reported(db_url, capsys, cut):
    house = build_house(db_url)
    total = _events(house.url)
    assert total > 10
    code, _out, err = run(capsys, "--db", house.url, "history", "verify")
    assert code == 0, err
    where = {
        "the last event": f"WHERE id = {total}",
        "the last ten": f"WHERE id > {total - 10}",
        "all of them": "",
    }[cut]
    _delete_from(house.url, where)
    code, _out, err = run(capsys, "--db", house.url, "history", "verify")
    message = assert_one_line_failure(code, err)
    assert f"saw it reach #{total}" in message and "cut from its end" in message, message


def test_a_consistent_rewrite_is_reported(db_url, capsys):
    house = build_house(db_url)
    db = open_database(house.url)
    try:
        with db.write() as s:  # rewrite the whole chain with recomputed hashes
            _unguard(s.connection())
            rows = s.execute(text("SELECT * FROM events ORDER BY id")).mappings().all()
            s.execute(text("DELETE FROM events"))
            prev = history.GENESIS_HASH
            for r in rows:
                summary = r["summary"] + " (edited)"
                at = r["at"]
                if isinstance(at, str):
                    from datetime import datetime

                    at = datetime.fromisoformat(at)
                if at.tzinfo is None:
                    from datetime import UTC

                    at = at.replace(tzinfo=UTC)
                before = (
                    r["before"] if not isinstance(r["before"], str) else json.loads(r["before"])
                )
                after = r["after"] if not isinstance(r["after"], str) else json.loads(r["after"])
                digest = history.content_hash(
                    prev,
                    r["id"],
                    at,
                    r["operator"],
                    r["action"],
                    r["entity_kind"],
                    r["entity_id"],
                    r["entity_tag"],
                    summary,
                    before,
                    after,
                )
                s.execute(
                    text(
                        "INSERT INTO events (id, at, operator, action, entity_kind, entity_id, "
                        "entity_tag, summary, before, after, prev_hash, hash) VALUES (:id, :at, "
                        ":op, :ac, :ek, :ei, :et, :su, :be, :af, :ph, :h)"
                    ),
                    {
                        "id": r["id"],
                        "at": r["at"],
                        "op": r["operator"],
                        "ac": r["action"],
                        "ek": r["entity_kind"],
                        "ei": r["entity_id"],
                        "et": r["entity_tag"],
                        "su": summary,
                        "be": r["before"]
                        if isinstance(r["before"], str)
                        else (json.dumps(r["before"]) if r["before"] is not None else None),
                        "af": r["after"]
                        if isinstance(r["after"], str)
                        else (json.dumps(r["after"]) if r["after"] is not None else None),
                        "ph": prev,
                        "h": digest,
                    },
                )
                prev = digest
            s.info.pop(history.EVENTS_ADDED_KEY, None)  # the forger does not update anchors
        with db.read() as s:
            walk = history.verify_chain(s, anchors=[])
        assert walk.ok, walk.problem  # the chain checks out on its own…
    finally:
        db.dispose()
    code, _out, err = run(capsys, "--db", house.url, "history", "verify")
    assert "rewritten" in assert_one_line_failure(code, err)  # …but not against the anchor


@pytest.mark.sqlite_only
def test_every_backup_carries_a_manifest_that_anchors_the_chain(sqlite_house, capsys, tmp_path):
    url = sqlite_house.url
    code, _out, err = run(capsys, "--db", url, "backup")
    assert code == 0, err
    made = database_file(url).parent / "backups"
    manifests = list(made.glob("*.manifest.json"))
    assert len(manifests) == 1
    total = _events(url)
    assert json.loads(manifests[0].read_text())["history"]["event_id"] == total
    history_anchor_file().unlink()  # another workstation: only the backup knows
    _delete_from(url, f"WHERE id = {total}")
    code, _out, err = run(capsys, "--db", url, "history", "verify")
    message = assert_one_line_failure(code, err)
    assert "backup gearroom-" in message and "cut from its end" in message


@pytest.mark.sqlite_only
def test_a_restore_rewinds_the_anchors_on_purpose(sqlite_house, capsys, tmp_path):
    url = sqlite_house.url
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(database_file(url))
    conn.execute(f"VACUUM INTO '{old}'")
    conn.close()
    run(capsys, "--db", url, "backup")
    code, _out, err = run(
        capsys, "--db", url, "asset", "add", "--category", "Camera", "--name", "X"
    )
    assert code == 0, err
    code, _out, err = run(capsys, "--db", url, "restore", str(old), "--yes")
    assert code == 0, err
    code, _out, err = run(capsys, "--db", url, "history", "verify")
    assert code == 0, err
