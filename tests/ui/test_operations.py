"""The operation door: work off the UI thread in its own session, the outcome back on the UI
thread (result, error, cancel, a lost connection), progress, and the synchronous test mode."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from gearroom.db import Database
from gearroom.errors import ConnectionLost, GearroomError, NotFoundError
from gearroom.models import Location
from gearroom.services import catalog, changes
from gearroom.services.changes import ChangeKind, Origin
from gearroom.ui.context import AppContext
from gearroom.ui.operations import Job, OperationCancelled


@pytest.fixture
def door(context: AppContext) -> AppContext:
    """A context whose door really runs in pool threads."""
    context.operations.inline = False
    yield context
    assert context.operations.wait(10_000)


def test_a_read_runs_off_the_ui_thread_and_its_result_comes_back_on_it(
    qtbot: Any, door: AppContext
) -> None:
    ui_thread = threading.get_ident()
    ran_in: list[int] = []
    got: list[tuple[object, int]] = []

    def read(session: Any) -> list[str]:
        ran_in.append(threading.get_ident())
        return _names(session)

    op = door.operations.read(read, on_done=lambda r: got.append((r, threading.get_ident())))
    assert not op.done  # submit returns at once
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert ran_in and ran_in[0] != ui_thread
    assert got == [(["Prep Bay 1", "Shelf A1"], ui_thread)]
    assert op.result == ["Prep Bay 1", "Shelf A1"]


def test_a_write_commits_and_announces_a_typed_change_before_its_result(
    qtbot: Any, door: AppContext, catalog_db: Database
) -> None:
    order: list[str] = []
    announced: list[changes.DataChange] = []
    door.changed.connect(lambda c: (order.append("changed"), announced.append(c)))
    op = door.operations.write(
        lambda s, a: catalog.create_location(s, a, "Truck 7").id,
        "location",
        on_done=lambda _r: order.append("done"),
    )
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert order == ["changed", "done"]
    (change,) = announced
    assert change.kinds == {ChangeKind.LOCATION} and change.origin is Origin.LOCAL
    with catalog_db.read() as s:
        assert s.scalar(select(Location.name).where(Location.id == op.result)) == "Truck 7"
        newest = changes.newest_event_id(s)
    assert change.newest_event_id == newest
    assert newest in door.own_events()  # the watcher will not announce it again


def test_an_error_comes_back_on_the_ui_thread_and_nothing_is_written(
    qtbot: Any, door: AppContext, event_count: Any
) -> None:
    ui_thread = threading.get_ident()
    errors: list[tuple[GearroomError, int]] = []
    before = event_count()

    def fails(session: Any, actor: Any) -> None:
        catalog.create_location(session, actor, "Truck 8")
        catalog.retire_asset(session, actor, "CAM-9999", "sold")  # no such asset

    op = door.operations.write(
        fails, "location", on_error=lambda e: errors.append((e, threading.get_ident()))
    )
    with qtbot.waitSignal(op.failed, timeout=5000):
        pass
    ((error, thread),) = errors
    assert isinstance(error, NotFoundError) and thread == ui_thread
    assert "CAM-9999" in str(error)
    assert event_count() == before and "Truck 8" not in door.query(_names)


def test_a_bug_comes_back_as_a_message_not_a_traceback(qtbot: Any, door: AppContext) -> None:
    op = door.operations.submit(lambda _job: 1 // 0, description="Counting")
    with qtbot.waitSignal(op.failed, timeout=5000) as failed:
        pass
    assert str(failed.args[0]) == "Counting failed: integer division or modulo by zero"


def test_cancel_stops_the_work_between_steps_with_progress_on_the_way(
    qtbot: Any, door: AppContext
) -> None:
    started, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def work(job: Job) -> int:
        for step in range(100):
            job.progress(step, f"step {step}")
            if step == 3:
                started.set()
                release.wait(5)
            job.check()
        return 100

    op = door.operations.submit(work, long=True)
    op.progressed.connect(lambda pct, _m: steps.append(pct))
    assert started.wait(5)
    op.cancel()
    release.set()
    with qtbot.waitSignal(op.cancelled, timeout=5000):
        pass
    assert op.was_cancelled and op.result is None and op.error is None
    assert steps[:4] == [0, 1, 2, 3] and 99 not in steps


@pytest.mark.sqlite_only  # the server going away is tested in test_live (PostgreSQL)
def test_a_lost_connection_comes_back_as_connection_lost_with_the_banner_signal(
    qtbot: Any, door: AppContext, catalog_db: Database
) -> None:
    assert catalog_db.path is not None
    folder = catalog_db.path.parent
    gone = folder.with_name(folder.name + "-gone")
    catalog_db.engine.dispose()
    folder.rename(gone)
    try:
        with qtbot.waitSignal(door.connection_lost, timeout=5000) as banner:
            op = door.operations.read(_names)
        qtbot.waitUntil(lambda: op.done, timeout=5000)
    finally:
        gone.rename(folder)
    assert isinstance(op.error, ConnectionLost)
    assert str(op.error) == banner.args[0]
    assert "cannot be reached" in str(op.error) and not door.connected
    with qtbot.waitSignal(door.connection_restored, timeout=5000):
        again = door.operations.read(_names)
    qtbot.waitUntil(lambda: again.done, timeout=5000)
    assert again.result == ["Prep Bay 1", "Shelf A1"] and door.connected


def test_the_ui_keeps_turning_while_an_operation_works(qtbot: Any, door: AppContext) -> None:
    release = threading.Event()
    op = door.operations.submit(lambda _job: release.wait(5), long=True)
    ticks: list[int] = []
    qtbot.waitUntil(lambda: ticks.append(1) or len(ticks) > 5, timeout=2000)
    assert not op.done  # the loop ran while the work was still waiting
    release.set()
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass


def test_the_synchronous_mode_runs_inline_for_tests(context: AppContext) -> None:
    seen: list[object] = []
    op = context.operations.read(_names, on_done=seen.append)
    assert op.done and seen == [["Prep Bay 1", "Shelf A1"]]
    stop = context.operations.submit(lambda job: job.check(), on_cancel=lambda: seen.append("x"))
    assert stop.done and stop.error is None and not stop.was_cancelled
    cancelled = context.operations.submit(_raise_cancelled, on_cancel=lambda: seen.append("c"))
    assert cancelled.was_cancelled and seen[-1] == "c"


def _raise_cancelled(_job: Job) -> None:
    raise OperationCancelled("Cancelled.")


def _names(session: Any) -> list[str]:
    return [loc.name for loc in catalog.list_locations(session)]
