"""Live refresh from other workstations, and the connection-lost banner (both engines where it
makes sense; the server going away needs PostgreSQL)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from gearroom.config import Settings
from gearroom.db import Database, open_database
from gearroom.engine import create_gearroom_engine
from gearroom.errors import ConnectionLost
from gearroom.models import Asset, Location
from gearroom.services import catalog
from gearroom.services.actor import Actor
from gearroom.services.changes import ChangeKind, Origin
from gearroom.services.history import newest_event_id
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.asset import AssetDialog
from gearroom.ui.live import ChangeWatcher
from gearroom.ui.main_window import MainWindow
from gearroom.ui.pages.inventory import InventoryPage
from gearroom.ui.widgets.connection_banner import ConnectionBanner


@pytest.fixture
def other(catalog_db: Database, db_url: str) -> Iterator[Database]:
    """The same database, opened by a second workstation."""
    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def watcher(context: AppContext) -> Iterator[ChangeWatcher]:
    w = ChangeWatcher(context)
    w.start()
    yield w
    w.stop()


def _wait_listening(qtbot: Any, w: ChangeWatcher) -> None:
    """PostgreSQL: let the LISTEN connection open before changing anything."""
    if w.listening:
        qtbot.wait(300)


def test_a_change_on_another_workstation_is_announced_within_two_seconds(
    qtbot: Any, context: AppContext, watcher: ChangeWatcher, other: Database, actor: Actor
) -> None:
    _wait_listening(qtbot, watcher)
    assert watcher.listening == (context.database.backend == "postgresql")
    with qtbot.waitSignal(context.changed, timeout=2000) as blocker, other.write() as s:
        catalog.create_location(s, actor, "Truck 9")
    (change,) = blocker.args
    assert change.kinds == {ChangeKind.LOCATION} and change.origin is Origin.REMOTE
    with other.read() as s:
        assert watcher.last_seen_id == newest_event_id(s)


def test_a_burst_is_one_refresh_with_every_kind(
    qtbot: Any, context: AppContext, watcher: ChangeWatcher, other: Database, actor: Actor
) -> None:
    _wait_listening(qtbot, watcher)
    seen: list[str] = []
    watcher.noticed.connect(seen.append)
    with qtbot.waitSignal(watcher.noticed, timeout=2000), other.write() as s:
        catalog.create_location(s, actor, "Truck 10")
        catalog.create_asset(s, actor, catalog.AssetDraft(name="Sony FX9", category="Camera"))
    qtbot.wait(1300)  # longer than the quiet interval: nothing more comes
    assert seen == ["asset,location"]


def test_nothing_changed_means_no_refresh(
    qtbot: Any, context: AppContext, watcher: ChangeWatcher
) -> None:
    _wait_listening(qtbot, watcher)
    with qtbot.assertNotEmitted(context.changed, wait=1500):
        pass


def test_the_open_inventory_page_shows_another_workstations_new_item(
    qtbot: Any, context: AppContext, other: Database, actor: Actor
) -> None:
    window = MainWindow(context, [InventoryPage])
    qtbot.addWidget(window)
    window.show()
    w = ChangeWatcher(context, parent=window)
    w.start()
    try:
        _wait_listening(qtbot, w)
        page = window.pages[0]
        assert isinstance(page, InventoryPage)
        with other.write() as s:
            made = catalog.create_asset(
                s, actor, catalog.AssetDraft(name="RED Komodo", category="Camera")
            )
        qtbot.waitUntil(lambda: page.assets.model.row_of(made.id) is not None, timeout=2000)
        assert window.connection_banner.isHidden()
    finally:
        w.stop()


# --------------------------------------------------------------------------- connection trouble


class Cable:
    """A TCP relay between the app and the server that can be unplugged and plugged back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = int(probe.getsockname()[1])
        probe.close()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._acceptor: threading.Thread | None = None
        self.plug()

    def plug(self) -> None:
        self._stop.clear()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.1)
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def unplug(self) -> None:
        self._stop.set()
        if self._acceptor is not None:
            self._acceptor.join(5)
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while not self._stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                server = socket.create_connection(("127.0.0.1", self.target_port))
                with self._lock:
                    self._open += [client, server]
                for a, b in ((client, server), (server, client)):
                    threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


@pytest.fixture
def cabled(catalog_db: Database, db_url: str, actor: Actor) -> Iterator[tuple[AppContext, Cable]]:
    """An AppContext that reaches the PostgreSQL server through a :class:`Cable`."""
    parsed = make_url(db_url)
    assert parsed.port is not None
    cable = Cable(parsed.port)
    url = parsed.set(port=cable.port, host="127.0.0.1").render_as_string(hide_password=False)
    db = Database(url, create_gearroom_engine(url))
    try:
        yield AppContext(db, Settings(), actor), cable
    finally:
        cable.unplug()
        db.dispose()


def _location_names(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(Location.name)))


@pytest.mark.postgresql_only
def test_losing_the_server_shows_the_banner_keeps_the_form_and_the_save_can_be_retried(
    qtbot: Any, cabled: tuple[AppContext, Cable], catalog_db: Database
) -> None:
    context, cable = cabled
    banner = ConnectionBanner(context, retry_ms=200)
    qtbot.addWidget(banner)
    dialog = AssetDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("ARRI Alexa Mini")
    before = _location_names(catalog_db)

    cable.unplug()
    with qtbot.waitSignal(context.connection_lost, timeout=5000):
        dialog.accept()
    assert dialog.isVisible(), "the dialog stays open"
    assert dialog.name.text() == "ARRI Alexa Mini", "what was typed is kept"
    assert dialog.banner_text().startswith("Lost the connection to the database server")
    assert "try it again once the connection is back" in dialog.banner_text()
    assert banner.isVisible() and banner.retrying
    assert banner.detail.text() == dialog.banner_text()
    with pytest.raises(ConnectionLost):
        context.perform(lambda s, a: catalog.create_location(s, a, "Dock 1"), "location")
    qtbot.waitUntil(lambda: banner.attempts >= 2, timeout=3000)
    assert banner.isVisible()
    assert banner.status.text().startswith("Still not answering at ")
    assert not context.connected
    assert _location_names(catalog_db) == before  # nothing was half-written

    cable.plug()
    with qtbot.waitSignal(context.connection_restored, timeout=3000):
        pass
    assert banner.isHidden() and not banner.retrying
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.accept()
    with catalog_db.read() as s:
        assert s.scalar(select(Asset.name).where(Asset.id == saved.args[0])) == "ARRI Alexa Mini"


@pytest.mark.postgresql_only
def test_the_watcher_reconnects_and_catches_up_on_what_changed_meanwhile(
    qtbot: Any, cabled: tuple[AppContext, Cable], catalog_db: Database, actor: Actor
) -> None:
    context, cable = cabled
    banner = ConnectionBanner(context, retry_ms=200)
    qtbot.addWidget(banner)
    w = ChangeWatcher(context)
    w.start()
    try:
        qtbot.wait(300)
        with qtbot.waitSignal(context.connection_lost, timeout=5000):
            cable.unplug()
        assert banner.isVisible()
        with catalog_db.write() as s:  # another workstation, still connected
            catalog.create_location(s, actor, "Stage 4")
        with qtbot.waitSignal(context.changed, timeout=8000) as blocker:
            cable.plug()
        (change,) = blocker.args
        assert change.kinds == {ChangeKind.LOCATION} and change.origin is Origin.REMOTE
        qtbot.waitUntil(banner.isHidden, timeout=3000)
    finally:
        w.stop()
