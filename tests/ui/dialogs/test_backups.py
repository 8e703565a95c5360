from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from gearroom import backup
from gearroom.config import load_settings
from gearroom.services import asset_search
from gearroom.ui.dialogs.backups import BackupScheduler, BackupsSection
from gearroom.ui.dialogs.settings import SettingsDialog


def asset_names(context):
    return sorted(
        a.name
        for a in context.query(lambda s: asset_search.list_assets(s, asset_search.AssetQuery()))
    )


def section(qtbot, context):
    widget = BackupsSection(context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.sqlite_only
def test_back_up_now_lists_the_new_backup(qtbot, context):
    widget = section(qtbot, context)
    assert widget.table.rowCount() == 0
    made = widget.back_up_now()
    assert made is not None and made.exists()
    assert widget.table.rowCount() == 1
    assert widget.table.item(0, 1).text() == "by hand"
    assert widget.table.item(0, 0).toolTip() == str(made)
    assert made.name in widget.message_text()
    backup.validate_backup(made)


@pytest.mark.sqlite_only
def test_restore_brings_back_the_backup_and_keeps_the_current_database(
    qtbot, context, add_asset, monkeypatch
):
    add_asset(name="Before the backup")
    widget = section(qtbot, context)
    made = widget.back_up_now()
    add_asset(name="After the backup")
    asked = []
    told = []
    monkeypatch.setattr(widget, "ask", lambda text: asked.append(text) or True)
    monkeypatch.setattr(widget, "tell", told.append)
    widget.table.selectRow(0)
    with qtbot.waitSignal(widget.restored) as signal:
        widget.restore_clicked()
    assert signal.args == [str(made)]
    assert "replaced" in asked[0] and "kept as a backup first" in asked[0]
    assert "start it again" in told[0]
    assert asset_names(context) == ["Before the backup"]
    kept = [b for b in backup.list_backups(context.database) if b.label == "before-restore"]
    assert len(kept) == 1
    conn = sqlite3.connect(kept[0].path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM assets")}
    finally:
        conn.close()
    assert names == {"Before the backup", "After the backup"}


@pytest.mark.sqlite_only
def test_restore_cancelled_or_refused_changes_nothing(
    qtbot, context, add_asset, monkeypatch, tmp_path
):
    widget = section(qtbot, context)
    made = widget.back_up_now()
    add_asset(name="After the backup")
    monkeypatch.setattr(widget, "ask", lambda text: False)
    assert widget.restore(made) is False
    assert asset_names(context) == ["After the backup"]
    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_text("hello")
    monkeypatch.setattr(widget, "ask", lambda text: pytest.fail("must not ask"))
    assert widget.restore(not_a_db) is False
    assert "cannot be restored" in widget.message_text()
    assert asset_names(context) == ["After the backup"]
    assert [b.label for b in backup.list_backups(context.database)] == ["manual"]


@pytest.mark.postgresql_only
def test_postgresql_section_points_to_pg_dump(qtbot, context):
    widget = section(qtbot, context)
    assert widget.table is None
    assert "pg_dump" in widget.note.text()
    scheduler = BackupScheduler(context)
    scheduler.start()
    assert not scheduler.timer.isActive()


@pytest.mark.sqlite_only
def test_scheduler_takes_one_daily_backup_and_keeps_the_newest(qtbot, context):
    context.settings = context.settings.with_changes(backup_keep=2)
    for day in (date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)):
        backup.daily_backup(context.database, 5, today=day)
    # Those three are named by the time they were taken: make them look like old days.
    folder = context.database.path.parent / "backups"
    for n, info in enumerate(sorted(backup.list_backups(context.database), key=lambda b: b.path)):
        info.path.rename(folder / f"gearroom-2026010{n + 1}-120000-000000-daily.sqlite3")
    scheduler = BackupScheduler(context, interval_ms=3_600_000)
    with qtbot.waitSignal(scheduler.taken, timeout=10_000) as taken:
        scheduler.start()
    assert scheduler.timer.isActive() and scheduler.timer.interval() == 3_600_000
    dailies = [b for b in backup.list_backups(context.database) if b.label == "daily"]
    assert str(dailies[0].path) == taken.args[0]
    assert len(dailies) == 2
    assert dailies[1].taken_at.date() == date(2026, 1, 3)
    with qtbot.waitSignal(scheduler.checked, timeout=10_000):
        scheduler.check()  # today's backup exists: nothing new
    assert len([b for b in backup.list_backups(context.database) if b.label == "daily"]) == 2
    scheduler.stop()


@pytest.mark.sqlite_only
def test_settings_hold_the_backups_section_and_save_how_many_to_keep(qtbot, context, tmp_path):
    path = tmp_path / "config.json"
    dialog = SettingsDialog(context, config_file=path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.backups.isVisible()
    assert dialog.backup_keep.value() == 7
    dialog.backup_keep.setValue(14)
    dialog.accept()
    assert load_settings(path).backup_keep == 14
    assert context.settings.backup_keep == 14


@pytest.mark.sqlite_only
def test_a_restore_from_settings_asks_for_a_restart(qtbot, context, monkeypatch):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    made = dialog.backups.back_up_now()
    monkeypatch.setattr(dialog.backups, "ask", lambda text: True)
    monkeypatch.setattr(dialog.backups, "tell", lambda text: None)
    with qtbot.waitSignal(dialog.restart_needed):
        dialog.backups.restore(made)
    assert not dialog.isVisible()
