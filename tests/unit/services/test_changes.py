"""Noticing other workstations' changes (both engines), LISTEN/NOTIFY and the TRUNCATE guard
(PostgreSQL), and telling a lost connection from a refused statement."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from gearroom.db import Database, open_database
from gearroom.engine import create_gearroom_engine
from gearroom.errors import ConnectionLost, DatabaseError
from gearroom.models import Event, Location
from gearroom.services import catalog, changes, history
from gearroom.services.actor import Actor
from gearroom.services.changes import ALL_KINDS, ChangeKind, DataChange, Origin, kinds_of


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- changes_since


def test_nothing_new_reports_no_change(catalog_db: Database) -> None:
    with catalog_db.read() as s:
        newest = history.newest_event_id(s)
        found = changes.changes_since(s, newest)
    assert newest > 0
    assert found == changes.Changes(newest, newest, frozenset())
    assert not found.changed and found.count == 0


def test_a_change_on_another_workstation_is_seen_with_its_kinds(
    catalog_db: Database, db_url: str, actor: Actor
) -> None:
    with catalog_db.read() as s:
        before = history.newest_event_id(s)
    other = open_database(db_url)
    try:
        with other.write() as s:
            catalog.create_location(s, actor, "Truck 2")
            catalog.create_asset(s, actor, catalog.AssetDraft(name="Sony FX6", category="Camera"))
    finally:
        other.dispose()
    with catalog_db.read() as s:
        found = changes.changes_since(s, before)
        newest = history.newest_event_id(s)
    assert found.changed
    assert found.newest_id == newest
    assert found.count == newest - before >= 2
    assert found.kinds == {"location", "asset"}
    # Asked again from the newest id: nothing new.
    with catalog_db.read() as s:
        assert not changes.changes_since(s, found.newest_id).changed


def test_own_events_are_collected_and_left_out_of_the_kinds(
    catalog_db: Database, actor: Actor
) -> None:
    with catalog_db.read() as s:
        before = history.newest_event_id(s)
    with catalog_db.write() as s, changes.own_events(s) as ours:
        catalog.create_location(s, actor, "Truck 3")
    with catalog_db.write() as s:  # someone else's
        catalog.create_asset(s, actor, catalog.AssetDraft(name="Sony FX9", category="Camera"))
    assert ours == {before + 1}
    with catalog_db.read() as s:
        found = changes.changes_since(s, before, ignore=ours)
        only_ours = changes.changes_since(s, before, ignore={before + 1, before + 2})
    assert found.kinds == {"asset"} and found.newest_id == before + 2
    assert only_ours.kinds == frozenset() and only_ours.newest_id == before + 2


def test_history_going_backwards_means_everything_changed(catalog_db: Database) -> None:
    with catalog_db.read() as s:
        newest = history.newest_event_id(s)
        found = changes.changes_since(s, newest + 50)
    assert found.kinds == {changes.EVERYTHING}
    assert found.newest_id == newest


def test_the_check_reads_only_the_new_part_of_history(catalog_db: Database, actor: Actor) -> None:
    """Two statements, both bounded by the primary key: never a scan of the whole history."""
    with catalog_db.read() as s:
        before = history.newest_event_id(s)
    with catalog_db.write() as s:
        catalog.create_location(s, actor, "Cage 3")
    statements: list[str] = []
    raw: list[tuple[str, object]] = []

    def seen(_conn: object, _cursor: object, statement: str, params: object, *_: object) -> None:
        statements.append(" ".join(statement.split()).lower())
        raw.append((statement, params))

    event.listen(catalog_db.engine, "before_cursor_execute", seen)
    try:
        with catalog_db.read() as s:
            found = changes.changes_since(s, before)
    finally:
        event.remove(catalog_db.engine, "before_cursor_execute", seen)
    assert found.kinds == {"location"}
    queries = [q for q in statements if q.startswith("select")]
    assert len(queries) == 2
    assert "max(events.id)" in queries[0]
    assert "where events.id >" in queries[1]
    if catalog_db.backend == "sqlite":
        statement, params = raw[statements.index(queries[1])]
        with catalog_db.engine.connect() as conn:
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)  # type: ignore[arg-type]
            )
        assert "SEARCH events USING INTEGER PRIMARY KEY" in plan
        assert "SCAN events" not in plan


def test_a_very_large_burst_means_everything_changed(catalog_db: Database) -> None:
    with catalog_db.read() as s:
        newest = history.newest_event_id(s)
        found = changes.changes_since(s, newest - changes.MAX_DETAILED - 1)
    assert found.kinds == {changes.EVERYTHING}


def test_ping_answers(catalog_db: Database) -> None:
    with catalog_db.read() as s:
        changes.ping(s)


# --------------------------------------------------------------------------- LISTEN / NOTIFY


@pytest.mark.postgresql_only
def test_a_committed_event_is_announced_with_its_id_and_kind(
    catalog_db: Database, db_url: str, actor: Actor
) -> None:
    conn = changes.listen(db_url)
    try:
        with catalog_db.write() as s:
            catalog.create_location(s, actor, "Truck 7")
        found = changes.wait_for_changes(conn, 5)
        with catalog_db.read() as s:
            newest = history.newest_event_id(s)
        assert found == [changes.Change(newest, "location")]
    finally:
        conn.close()


@pytest.mark.postgresql_only
def test_a_burst_arrives_together_and_a_rollback_announces_nothing(
    catalog_db: Database, db_url: str, actor: Actor
) -> None:
    conn = changes.listen(db_url)
    try:
        with pytest.raises(RuntimeError), catalog_db.write() as s:
            catalog.create_location(s, actor, "Never saved")
            raise RuntimeError("cancelled")
        assert changes.wait_for_changes(conn, 0.5) == []
        with catalog_db.write() as s:
            for n in range(3):
                catalog.create_location(s, actor, f"Rack {n}")
        found = changes.wait_for_changes(conn, 5)
        with catalog_db.read() as s:
            newest = history.newest_event_id(s)
        assert [c.event_id for c in found] == [newest - 2, newest - 1, newest]
        assert {c.entity_kind for c in found} == {"location"}
    finally:
        conn.close()


@pytest.mark.postgresql_only
def test_a_listener_on_a_closed_port_fails_plainly(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(db_url).set(port=_closed_port()).render_as_string(hide_password=False)
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError):
        changes.listen(url, connect_timeout=2)
    assert time.monotonic() - started < 5


def test_notifications_not_ours_are_ignored() -> None:
    assert changes.parse_notification('{"id": 12, "entity_kind": "asset"}') == changes.Change(
        12, "asset"
    )
    assert changes.parse_notification("hello") is None
    assert changes.parse_notification('{"id": "x", "entity_kind": "asset"}') is None
    assert changes.parse_notification('{"entity_kind": "asset"}') is None


@pytest.mark.postgresql_only
def test_history_cannot_be_truncated(catalog_db: Database) -> None:
    with catalog_db.read() as s:
        before = s.scalar(select(text("count(*)")).select_from(Event))
    with pytest.raises(DBAPIError) as err, catalog_db.engine.begin() as conn:
        conn.execute(text("TRUNCATE events"))
    assert "history is append-only" in str(err.value)
    with catalog_db.read() as s:
        assert s.scalar(select(text("count(*)")).select_from(Event)) == before
        assert history.verify_chain(s).ok


# --------------------------------------------------------------------------- connection trouble


@pytest.mark.postgresql_only
def test_a_closed_port_is_a_lost_connection_with_a_clear_message(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = (
        make_url(db_url)
        .set(port=_closed_port(), password="s3cret")
        .render_as_string(hide_password=False)
    )
    db = Database(url, create_gearroom_engine(url))
    try:
        with pytest.raises(DBAPIError) as err, db.read() as s:
            changes.ping(s)
        assert changes.is_connection_lost(err.value)
        lost = changes.connection_lost(err.value, url)
        assert isinstance(lost, ConnectionLost) and isinstance(lost, DatabaseError)
        message = str(lost)
        assert message.startswith("Lost the connection to the database server 127.0.0.1:")
        assert "try it again once the connection is back" in message
        assert "s3cret" not in message
    finally:
        db.dispose()


@pytest.mark.postgresql_only
def test_a_terminated_backend_is_a_lost_connection(
    catalog_db: Database, postgres_server: object
) -> None:
    with catalog_db.read() as s:
        pid = s.scalar(text("SELECT pg_backend_pid()"))
        with psycopg.connect(postgres_server.admin_url, autocommit=True) as admin:  # type: ignore[attr-defined]
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DBAPIError) as err:
            changes.ping(s)
    assert changes.is_connection_lost(err.value)
    # The pool replaces the dead connection: the next action works again.
    with catalog_db.read() as s:
        changes.ping(s)


def test_an_unreachable_sqlite_file_is_a_lost_connection(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'drive-gone' / 'gearroom.sqlite3'}"
    db = Database(url, create_gearroom_engine(url))
    try:
        with pytest.raises(DBAPIError) as err, db.read() as s:
            changes.ping(s)
        assert changes.is_connection_lost(err.value)
        message = str(changes.connection_lost(err.value, url))
        assert message.startswith(f"The database file {tmp_path / 'drive-gone'}")
        assert "drive or folder" in message
    finally:
        db.dispose()


def test_a_refused_statement_is_not_a_lost_connection(catalog_db: Database) -> None:
    with pytest.raises(IntegrityError) as err, catalog_db.write() as s:
        first = s.scalar(select(Location.id))
        name = s.scalar(select(Location.name).where(Location.id == first))
        s.execute(insert(Location).values(name=name))
    assert not changes.is_connection_lost(err.value)
    with pytest.raises(DBAPIError) as bad, catalog_db.read() as s:
        s.execute(text("SELECT * FROM no_such_table"))
    assert not changes.is_connection_lost(bad.value)
    assert not changes.is_connection_lost(ValueError("not a database error"))


# --------------------------------------------------------------------------- typed announcements


def test_words_and_entity_kinds_name_kinds() -> None:
    assert kinds_of("asset,location") == {ChangeKind.ASSET, ChangeKind.LOCATION}
    assert ChangeKind.PRODUCTION in kinds_of("checkout") and ChangeKind.ASSET in kinds_of(
        "checkout"
    )
    assert kinds_of("settings") == {ChangeKind.SETTING}
    assert kinds_of("*") == {ChangeKind.EVERYTHING}
    assert kinds_of("something_new") == {ChangeKind.EVERYTHING}  # refresh rather than miss


def test_a_change_concerns_a_page_by_its_kinds() -> None:
    wants = frozenset({ChangeKind.PRODUCTION})
    assert DataChange.local("production").concerns(wants)
    assert not DataChange.local("operator").concerns(wants)
    assert DataChange.remote("*").concerns(wants)  # a restored backup: everything
    assert not DataChange.local("operator").concerns(ALL_KINDS - {ChangeKind.OPERATOR})
    assert DataChange.local("operator").concerns(ALL_KINDS)


def test_an_announcement_is_a_frozen_value() -> None:
    change = DataChange.remote(["location", "asset"], 42)
    assert change.origin is Origin.REMOTE and change.newest_event_id == 42
    assert change.describe() == "asset,location"
    assert DataChange.of(change) is change
    assert DataChange.of("kit") == DataChange(frozenset({ChangeKind.KIT}), Origin.LOCAL, None)
    assert hash(change) == hash(DataChange.remote("asset,location", 42))


def test_money_changes_have_kinds_of_their_own():
    from gearroom.services.changes import ChangeKind, DataChange, kinds_of

    assert kinds_of("quote,invoice,client,rate_card") == {
        ChangeKind.QUOTE,
        ChangeKind.INVOICE,
        ChangeKind.CLIENT,
        ChangeKind.RATE_CARD,
    }
    assert kinds_of("money") == {ChangeKind.QUOTE, ChangeKind.INVOICE}
    assert not DataChange.local("invoice").concerns({ChangeKind.ASSET})
