"""Backups in the app: the rotating daily backup while Gearroom runs, and the Backups section
of the settings (back up now, the list of backups, restore).

Backups are copies of the embedded SQLite database taken with the sqlite3 backup API (see
:mod:`gearroom.backup`); a PostgreSQL server is backed up with ``pg_dump`` instead, which the
section says.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gearroom import backup
from gearroom.backup import BackupInfo
from gearroom.db import backup_dir_for
from gearroom.errors import GearroomError
from gearroom.ui.context import AppContext
from gearroom.ui.operations import Job

#: How often the running app checks whether today's backup exists.
CHECK_INTERVAL_MS = 60 * 60 * 1000
KIND_LABELS = {
    "daily": "daily",
    "manual": "by hand",
    "pre-upgrade": "before an upgrade",
    "before-restore": "before a restore",
}
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1e6b34;"
NOTE_STYLE = "color: #6b7280;"


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


class BackupScheduler(QObject):
    """Takes today's backup at start and checks every hour; keeps ``settings.backup_keep``.

    The copy runs through the operation door, off the UI thread; :attr:`taken` or
    :attr:`failed` reports back on the UI thread. On a PostgreSQL database it does nothing.
    """

    #: The path of a new daily backup.
    taken = Signal(str)
    #: Why a daily backup could not be taken.
    failed = Signal(str)
    #: A check ended (with or without a new backup).
    checked = Signal()

    def __init__(
        self,
        context: AppContext,
        interval_ms: int = CHECK_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self._running = False

    @property
    def enabled(self) -> bool:
        return self.context.database.path is not None

    def start(self) -> None:
        if not self.enabled:
            return
        self.check()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> None:
        """Start one check through the door (skipped while one is running)."""
        if not self.enabled or self._running:
            return
        self._running = True
        self.context.operations.submit(
            self.run_check,
            description="The daily backup",
            on_done=self._checked,
            on_error=self._failed,
            long=True,
        )

    def run_check(self, _job: Job | None = None) -> Path | None:
        """Take today's backup if it is missing and drop old daily ones (any thread)."""
        return backup.daily_backup(self.context.database, self.context.settings.backup_keep)

    def _checked(self, made: Path | None) -> None:
        self._running = False
        if made is not None:
            self.taken.emit(str(made))
        self.checked.emit()

    def _failed(self, error: GearroomError) -> None:
        self._running = False
        self.failed.emit(f"The daily backup failed: {error}")
        self.checked.emit()


class BackupsSection(QGroupBox):
    """Back up now, the backups beside the database, and Restore…"""

    #: The database was replaced by a backup: Gearroom must restart.
    restored = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.setObjectName("backupsSection")
        self.context = context
        self.backups: list[BackupInfo] = []
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.note = QLabel()
        self.note.setObjectName("backupsNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.message = QLabel()
        self.message.setObjectName("backupsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        path = context.database.path
        if path is None:
            self.note.setText(
                "This database is on a PostgreSQL server. Back it up with the server's tools "
                "(pg_dump, and pg_restore to restore); see docs/postgresql.md. Gearroom's own "
                "backups are for its embedded database."
            )
            self.note.setStyleSheet("")
            layout.addWidget(self.note)
            self.table = None
            return
        self.folder = backup_dir_for(path)
        self.note.setText(
            "Gearroom backs the database up once a day while it runs and keeps the newest "
            f"daily backups. Folder: {self.folder}"
        )
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backupsTable")
        self.table.setHorizontalHeaderLabels(["Taken", "Kind", "Size"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(150)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.backup_button = QPushButton("Back up now")
        self.backup_button.setObjectName("backupNow")
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.setToolTip(
            "Replace the database with the selected backup (or choose a backup file)"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_clicked)
        self.refresh()

    # ------------------------------------------------------------------ list

    def refresh(self) -> None:
        if self.table is None:
            return
        try:
            self.backups = backup.list_backups(self.context.database)
        except (GearroomError, OSError) as exc:
            self.show_message(str(exc), error=True)
            self.backups = []
        self.table.setRowCount(len(self.backups))
        for r, info in enumerate(self.backups):
            taken = info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            cells = (taken, KIND_LABELS.get(info.label, info.label), _size(info.size))
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                if c == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        if not self.backups:
            self.table.setRowCount(0)

    def selected(self) -> BackupInfo | None:
        if self.table is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.show()

    def message_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()

    # ------------------------------------------------------------------ actions

    def back_up_now(self) -> Path | None:
        """Take a backup through the door; the list and the message follow when it is taken.

        Returns the new backup when the door runs inline (None otherwise, or on failure)."""

        def failed(error: GearroomError) -> None:
            self.show_message(f"No backup was taken: {error}", error=True)

        def done(made: Path) -> None:
            self.refresh()
            self.show_message(f"Backed up to {made.name}.")

        self.backup_button.setEnabled(False)
        operation = self.context.operations.submit(
            lambda _job: backup.take_backup(self.context.database),
            description="The backup",
            on_done=done,
            on_error=failed,
            long=True,
            progress="Backing up the database…",
            parent=self,
        )
        operation.finished.connect(lambda: self.backup_button.setEnabled(True))
        if operation.done:
            self.backup_button.setEnabled(True)
        return operation.result if operation.done else None

    def restore_clicked(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore(chosen.path)
            return
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Restore a backup",
            str(self.folder),
            "Gearroom databases (*.sqlite3 *.sqlite *.db);;All files (*)",
        )
        if name:
            self.restore(Path(name))

    def ask(self, text: str) -> bool:
        """Ask the person to confirm (a message box)."""
        answer = QMessageBox.question(
            self,
            "Restore a backup",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def tell(self, text: str) -> None:
        """Tell the person something they must read (a message box)."""
        QMessageBox.information(self, "Restart Gearroom", text)

    def restore(self, source: Path) -> bool:
        """Validate, confirm, keep the current database as a backup, restore, ask to restart."""
        try:
            backup.validate_backup(source)
        except (GearroomError, OSError) as exc:
            self.show_message(f"That backup cannot be restored: {exc}", error=True)
            return False
        if not self.ask(
            f"Replace the database with {source.name}?\n\nEverything done since that backup is "
            "replaced; the database as it is now is kept as a backup first. Gearroom then "
            "closes and must be started again."
        ):
            return False
        self.context.database.dispose()
        try:
            _target, kept = backup.restore(
                self.context.database.url, source, anchor_file=self.context.database.anchor_file
            )
        except (GearroomError, OSError) as exc:
            self.show_message(f"The restore failed and changed nothing: {exc}", error=True)
            return False
        self.tell(
            f"The backup {source.name} was restored. The database as it was is kept as "
            f"{kept.name} in {kept.parent}.\n\nGearroom closes now; start it again to work "
            "with the restored data."
        )
        self.restored.emit(str(source))
        return True
