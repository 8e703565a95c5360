"""The first start on an empty database: begin an empty house, or look around the demo one."""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class FirstRunChoice(enum.Enum):
    """What a person chose on the first start."""

    EMPTY = "empty"
    DEMO = "demo"
    QUIT = "quit"


class FirstRunDialog(QDialog):
    """Asks whether to start an empty house or open the demo house (in its own file)."""

    def __init__(self, demo_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle("Welcome to Gearroom")
        self.choice = FirstRunChoice.QUIT
        heading = QLabel("<h2>Welcome to Gearroom</h2>")
        where = f" (<code>{demo_path.name}</code>, beside your own)" if demo_path else ""
        body = QLabel(
            "<p>This database is empty. How would you like to start?</p>"
            "<p><b>Start empty</b>: your own rental house with the standard categories "
            "(Camera, Lens, Lighting…). Import a spreadsheet from your old system or add "
            "items and people by hand.</p>"
            "<p><b>Open the demo house</b>: a rental house full of cameras, lenses, "
            f"productions and check-outs to try things on. It lives in a separate file{where}"
            ", so nothing of it lands in your own data; its operators are admin, staff and "
            "assistant with PIN 1234.</p>"
        )
        body.setWordWrap(True)
        self.empty_button = QPushButton("Start empty")
        self.empty_button.setObjectName("startEmpty")
        self.empty_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo house")
        self.demo_button.setObjectName("openDemo")
        buttons = QDialogButtonBox()
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).setText("Quit")
        self.empty_button.clicked.connect(lambda: self._choose(FirstRunChoice.EMPTY))
        self.demo_button.clicked.connect(lambda: self._choose(FirstRunChoice.DEMO))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _choose(self, choice: FirstRunChoice) -> None:
        self.choice = choice
        self.accept()


def ask_first_run(demo_path: Path | None, parent: QWidget | None = None) -> FirstRunChoice:
    """Show the dialog and return what was chosen (``QUIT`` when it was closed)."""
    dialog = FirstRunDialog(demo_path, parent)
    dialog.exec()
    return dialog.choice
