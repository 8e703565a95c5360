"""Pictures of the screens, to look at: kept when GEARROOM_UI_SHOTS names a folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("GEARROOM_UI_SHOTS")
    if folder:
        for _ in range(5):  # let lazily read rows arrive before the picture
            QApplication.processEvents()
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))
