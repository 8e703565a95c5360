"""The quick reader: one statement in one round trip, the same row a Core execute gives."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import bindparam, event, exists, select
from sqlalchemy.exc import DBAPIError

from gearroom.db import Database
from gearroom.models import Asset, AssetStatus, Reservation, Tag, TagKind
from gearroom.quick_read import Query, quick_first
from gearroom.services import catalog
from gearroom.services.catalog import AssetDraft


def _statement():  # type: ignore[no-untyped-def]
    t, a, r = Tag.__table__.c, Asset.__table__.c, Reservation.__table__.c
    booked = exists().where(
        r.asset_id == a.id, r.start_date <= bindparam("day"), r.end_date >= bindparam("day")
    )
    return (
        select(t.kind, t.ref_id, a.name, a.status, booked, a.created_at)
        .select_from(Tag.__table__.join(Asset.__table__, a.id == t.ref_id))
        .where(t.tag == bindparam("tag"), t.kind == TagKind.ASSET)
        .limit(1)
    )


@pytest.fixture
def house(catalog_db: Database, actor):  # type: ignore[no-untyped-def]
    draft = AssetDraft(name="Cooke S4/i 32mm — Ünïcode", category="Lens", location="Shelf A1")
    with catalog_db.write() as s:
        tag = catalog.create_asset(s, actor, draft).tag
    return catalog_db, tag


def test_the_row_is_the_one_a_core_execute_gives(house):  # type: ignore[no-untyped-def]
    db, tag = house
    query = Query(_statement())
    values = {"tag": tag, "day": date(2026, 6, 1)}
    quick = db.quick_read(lambda s: quick_first(s, query, values))
    with db.read() as s:
        in_session = quick_first(s, query, values)
        core = tuple(s.connection().execute(_statement(), values).one())
    assert quick == in_session
    assert quick == core
    kind, _ref, name, status, booked, _created = quick
    assert kind is TagKind.ASSET and status is AssetStatus.AVAILABLE
    assert name.endswith("Ünïcode") and booked is False


def test_a_read_session_sends_one_statement_and_no_transaction(house):  # type: ignore[no-untyped-def]
    db, tag = house
    sent: list[str] = []
    ends: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    event.listen(db.engine, "rollback", lambda *_: ends.append("rollback"))
    event.listen(db.engine, "commit", lambda *_: ends.append("commit"))
    before = db.quick.statements
    row = db.quick_read(
        lambda s: quick_first(s, Query(_statement()), {"tag": tag, "day": date(2026, 6, 1)})
    )
    assert row is not None
    assert db.quick.statements - before == 1
    assert sent == []  # no BEGIN, no statement through the engine's events
    # An ORM read in a quick session: the statement alone, no BEGIN.
    name = db.quick_read(lambda s: s.get_one(Tag, tag).ref_id)
    assert name and len(sent) == 1 and sent[0].lstrip().upper().startswith("SELECT")


def test_a_quick_read_refuses_to_write(house):  # type: ignore[no-untyped-def]
    db, tag = house

    def rename(s):  # type: ignore[no-untyped-def]
        s.get_one(Asset, s.get_one(Tag, tag).ref_id).name = "Written in a read"
        s.flush()

    with pytest.raises(RuntimeError, match="does not write"):
        db.quick_read(rename)
    with db.read() as s:
        assert s.get_one(Asset, s.get_one(Tag, tag).ref_id).name != "Written in a read"


def test_inside_a_transaction_it_reads_in_that_transaction(house, actor):  # type: ignore[no-untyped-def]
    db, tag = house
    query = Query(_statement())
    with db.write() as s:
        asset = s.get_one(Asset, s.get_one(Tag, tag).ref_id)
        asset.name = "Renamed, not committed yet"
        s.flush()
        row = quick_first(s, query, {"tag": tag, "day": date(2026, 6, 1)})
        assert row[2] == "Renamed, not committed yet"
        s.rollback()


def test_it_sees_each_commit_at_once(house, actor):  # type: ignore[no-untyped-def]
    db, tag = house
    query = Query(_statement())
    for name in ("First name", "Second name", "Третье имя", "第四"):
        with db.write() as s:
            s.get_one(Asset, s.get_one(Tag, tag).ref_id).name = name
        assert _first(db, query, {"tag": tag, "day": date(2026, 6, 1)})[2] == name


def test_no_row_is_none(house):  # type: ignore[no-untyped-def]
    db, _tag = house
    assert _first(db, Query(_statement()), {"tag": "NOPE-0001", "day": date.today()}) is None


def test_threads_take_turns(house):  # type: ignore[no-untyped-def]
    db, tag = house
    query = Query(_statement())
    found: list[object] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                found.append(_first(db, query, {"tag": tag, "day": date(2026, 6, 1)})[2])
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed and len(found) == 200 and len(set(found)) == 1


def test_dispose_closes_its_connection(house):  # type: ignore[no-untyped-def]
    db, tag = house
    _first(db, Query(_statement()), {"tag": tag, "day": date.today()})
    assert db.quick._connection is not None
    db.quick.close()
    assert db.quick._connection is None
    # Used again, it opens a new one.
    assert _first(db, Query(_statement()), {"tag": tag, "day": date.today()}) is not None


@pytest.mark.postgresql_only
def test_a_dropped_connection_is_opened_again(house, postgres_server):  # type: ignore[no-untyped-def]
    db, tag = house
    query = Query(_statement())
    values = {"tag": tag, "day": date(2026, 6, 1)}
    assert _first(db, query, values) is not None
    pid = _backend_pid(db)
    with postgres_server.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert _first(db, query, values) is not None  # the scan after a restart just works
    assert _backend_pid(db) != pid
    # The same for an ORM statement first in the session.
    with postgres_server.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (_backend_pid(db),))
    assert db.quick_read(lambda s: s.get_one(Tag, tag).ref_id)


@pytest.mark.postgresql_only
def test_a_server_that_is_gone_is_the_apps_usual_error(house, postgres_server):  # type: ignore[no-untyped-def]
    from gearroom.failures import describe_failure

    db, tag = house
    query = Query(_statement())
    values = {"tag": tag, "day": date(2026, 6, 1)}

    def twice_lost(s):  # type: ignore[no-untyped-def]
        pid = s.connection().connection.dbapi_connection.info.backend_pid
        with postgres_server.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return quick_first(s, query, values)

    with pytest.raises(DBAPIError) as caught:
        db.quick_read(twice_lost)
    assert caught.value.connection_invalidated
    message = describe_failure(caught.value, db.url)
    assert message is not None and "\n" not in str(message), message
    assert "connection" in str(message).lower(), message
    assert _first(db, query, values) is not None  # and the next scan works again


def _first(db, query, values):  # type: ignore[no-untyped-def]
    return db.quick_read(lambda s: quick_first(s, query, values))


def _backend_pid(db):  # type: ignore[no-untyped-def]
    def pid(s):  # type: ignore[no-untyped-def]
        return s.connection().connection.dbapi_connection.info.backend_pid

    return db.quick_read(pid)
