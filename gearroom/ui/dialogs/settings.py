"""Settings: the rental house's details (labels and reports print them), the default location,
which database Gearroom opens (a new one is used from the next start) and its backups."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from gearroom.config import MAX_SCAN_GAP_MS, MIN_SCAN_GAP_MS, Settings, save_settings
from gearroom.db import Database
from gearroom.errors import ValidationError
from gearroom.services import catalog
from gearroom.services.actor import Permission
from gearroom.services.catalog import LocationView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.backups import BackupsSection
from gearroom.ui.dialogs.base import FormDialog, select_data
from gearroom.ui.dialogs.pricing_section import PricingSection
from gearroom.ui.scanner import BurstReport

NO_DEFAULT = "— none —"
SUFFIX_CHOICES = (
    ("Enter", "enter"),
    ("Tab", "tab"),
    ("CR+LF (Enter, then line feed)", "crlf"),
    ("Nothing (the pause ends the scan)", "none"),
)


class ScannerSection(QGroupBox):
    """The scanner's settings and a box that shows what the last scan sent."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Scanner", parent)
        self.form = QFormLayout(self)
        self.form.setHorizontalSpacing(12)
        self.gap = QSpinBox()
        self.gap.setObjectName("scanGap")
        self.gap.setRange(MIN_SCAN_GAP_MS, MAX_SCAN_GAP_MS)
        self.gap.setValue(settings.scan_gap_ms)
        self.gap.setSuffix(" ms between keys at most")
        self.suffix = QComboBox()
        self.suffix.setObjectName("scanSuffix")
        for text, value in SUFFIX_CHOICES:
            self.suffix.addItem(text, value)
        select_data(self.suffix, settings.scan_suffix)
        self.prefix = QLineEdit(settings.scan_prefix)
        self.prefix.setObjectName("scanPrefix")
        self.prefix.setMaxLength(1)
        self.prefix.setPlaceholderText("None")
        self.test_field = QLineEdit()
        self.test_field.setObjectName("scanTest")
        self.test_field.setReadOnly(True)
        self.test_field.setPlaceholderText("Test your scanner: scan any label now")
        self.test_details = QPlainTextEdit()
        self.test_details.setObjectName("scanTestDetails")
        self.test_details.setReadOnly(True)
        self.test_details.setMaximumHeight(96)
        self.test_details.setPlaceholderText(
            "What the scanner sends shows here: its keys, their timing and what was recognised."
        )

    def show_burst(self, report: BurstReport) -> None:
        """Show the last burst of keys: recognised as a scan or not, and why."""
        self.test_field.setText(report.scan if report.scan is not None else "")
        self.test_details.setPlainText(report.describe())


def describe_database(database: Database) -> str:
    """Where the database lives: the SQLite file, or the server URL without its password."""
    path = database.path
    if path is not None:
        return str(path)
    return make_url(database.url).render_as_string(hide_password=True)


def check_database_url(text: str) -> str:
    """A database URL Gearroom can try to open, or a ValidationError saying what is wrong."""
    url = text.strip()
    if not url:
        return ""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValidationError(
            "That is not a database URL; use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DATABASE.",
            field="database_url",
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError(
            f"Gearroom works with SQLite and PostgreSQL, not {parsed.get_backend_name()}.",
            field="database_url",
        )
    return url


class SettingsDialog(FormDialog):
    """Edits :class:`~gearroom.config.Settings` and saves them to the config file."""

    #: A backup was restored over the database: the app must close and start again.
    restart_needed = Signal()

    def __init__(
        self,
        context: AppContext,
        config_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Settings", parent)
        self.setObjectName("settingsDialog")
        self._config_file = config_file
        settings = context.settings

        self.house_name = QLineEdit(settings.house_name)
        self.house_address = QLineEdit(settings.house_address)
        self.house_address.setPlaceholderText("Street, town (printed on labels and reports)")
        self.house_phone = QLineEdit(settings.house_phone)
        self.default_location = QComboBox()
        self.default_location.addItem(NO_DEFAULT, "")
        if settings.default_location:
            # Kept as it is when the list of locations cannot be read.
            self.default_location.addItem(settings.default_location, settings.default_location)
        select_data(self.default_location, settings.default_location)
        # Read through the door. Save stays open meanwhile and when the read fails: this
        # dialog is also where a database that does not answer is pointed elsewhere.
        context.operations.read(
            catalog.list_locations,
            on_done=self._locations_arrived,
            on_error=self.show_error,
            description="Reading the locations",
        )

        self.add_field("house_name", "Rental house", self.house_name)
        self.add_field("house_address", "Address", self.house_address)
        self.add_field("house_phone", "Phone", self.house_phone)
        self.add_field("default_location", "Default location", self.default_location)

        box = QGroupBox("Database")
        form = QFormLayout(box)
        form.setHorizontalSpacing(12)
        self.current_database = QLabel(describe_database(context.database))
        self.current_database.setObjectName("currentDatabase")
        self.current_database.setWordWrap(True)
        self.current_database.setTextInteractionFlags(
            self.current_database.textInteractionFlags().TextSelectableByMouse
        )
        form.addRow("In use", self.current_database)
        self.database_url = QLineEdit(settings.database_url)
        self.database_url.setPlaceholderText("Empty: the embedded database in the data folder")
        self.add_field("database_url", "Open next time", self.database_url, form=form)
        hint = "A new database URL is used from the next start of Gearroom."
        if os.environ.get("GEARROOM_DATABASE_URL"):
            hint += " GEARROOM_DATABASE_URL is set and wins over this setting."
        note = QLabel(hint)
        note.setWordWrap(True)
        note.setStyleSheet("color: #6b7280;")
        form.addRow("", note)
        self.body.addWidget(box)

        self.backups = BackupsSection(context)
        if context.database.path is not None:
            self.backup_keep = QSpinBox()
            self.backup_keep.setRange(1, 365)
            self.backup_keep.setValue(settings.backup_keep)
            self.backup_keep.setSuffix(" daily backups")
            keep_form = QFormLayout()
            keep_form.setHorizontalSpacing(12)
            keep_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            self.add_field("backup_keep", "Keep", self.backup_keep, form=keep_form)
            backups_layout = self.backups.layout()
            if isinstance(backups_layout, QVBoxLayout):
                backups_layout.insertLayout(1, keep_form)
        self.scanner = ScannerSection(settings)
        self.add_field("scan_gap_ms", "Gap", self.scanner.gap, form=self.scanner.form)
        self.add_field("scan_suffix", "After the tag", self.scanner.suffix, form=self.scanner.form)
        self.add_field("scan_prefix", "Before the tag", self.scanner.prefix, form=self.scanner.form)
        self.scanner.form.addRow("Test", self.scanner.test_field)
        self.scanner.form.addRow("", self.scanner.test_details)
        self.body.addWidget(self.scanner)
        if context.actor.can(Permission.RATES):
            self.body.addWidget(PricingSection(context))
        self.backups.restored.connect(self._restored)
        self.body.addWidget(self.backups)
        self.finish_layout()
        self.setMinimumWidth(560)

    def _locations_arrived(self, locations: list[LocationView]) -> None:
        chosen = self.default_location.currentData()
        while self.default_location.count() > 1:
            self.default_location.removeItem(1)
        for loc in locations:
            self.default_location.addItem(loc.name, loc.name)
        self.default_location.setCurrentIndex(0)
        select_data(self.default_location, chosen)

    def take_scan(self, text: str) -> bool:
        """A scan while this dialog is open lands in the scanner test box."""
        self.scanner.test_field.setText(text)
        return True

    def show_burst(self, report: BurstReport) -> None:
        self.scanner.show_burst(report)

    def _restored(self, _source: str) -> None:
        self.reject()
        self.restart_needed.emit()

    def new_settings(self) -> Settings:
        """The settings as typed, validated."""
        name = self.house_name.text().strip()
        if not name:
            raise ValidationError("Give the rental house a name.", field="house_name")
        return self.context.settings.with_changes(
            house_name=name,
            house_address=self.house_address.text().strip(),
            house_phone=self.house_phone.text().strip(),
            default_location=str(self.default_location.currentData() or ""),
            database_url=check_database_url(self.database_url.text()),
            scan_gap_ms=self.scanner.gap.value(),
            scan_suffix=str(self.scanner.suffix.currentData() or "enter"),
            scan_prefix=self.scanner.prefix.text(),
            **(
                {"backup_keep": self.backup_keep.value()}
                if self.context.database.path is not None
                else {}
            ),
        )

    def save(self) -> int | None:
        settings = self.new_settings()
        try:
            save_settings(settings, self._config_file)
        except OSError as exc:
            raise ValidationError(f"The settings could not be saved: {exc}.") from exc
        self.context.settings = settings
        self.context.changed.emit("settings")
        return 0
