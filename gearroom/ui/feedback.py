"""Immediate feedback for every scan: a colour, a message and a sound.

Green with a short high beep: added / done. Amber with a double beep: worth a look (already in
the cart, a kit member still missing). Red with a low tone: refused (unknown tag, not available,
in service…). Sound can be switched off with ``GEARROOM_SOUND=off``.
"""

from __future__ import annotations

import enum
import os
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QWidget

from gearroom.paths import resources_dir


class Verdict(enum.StrEnum):
    OK = "ok"
    NOTICE = "notice"
    REFUSED = "refused"


COLOURS: dict[Verdict | None, tuple[str, str]] = {
    None: ("#eceff1", "#37474f"),
    Verdict.OK: ("#1b7a3a", "#ffffff"),
    Verdict.NOTICE: ("#b45f06", "#ffffff"),
    Verdict.REFUSED: ("#b3261e", "#ffffff"),
}

SYMBOLS = {Verdict.OK: "✔", Verdict.NOTICE: "!", Verdict.REFUSED: "✖"}


def sound_enabled() -> bool:
    return os.environ.get("GEARROOM_SOUND", "on").lower() not in {"off", "0", "no", "false"}


class SoundPlayer:
    """Plays the verdict's sound; falls back to the system beep where Qt Multimedia is missing."""

    def __init__(self) -> None:
        self.enabled = sound_enabled()
        self.last_played: Verdict | None = None
        self._effects: dict[Verdict, Any] | None = None

    def _load(self) -> dict[Verdict, Any]:
        if self._effects is None:
            self._effects = {}
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError:  # no audio libraries on this machine
                return self._effects
            for verdict in Verdict:
                effect = QSoundEffect()
                effect.setSource(
                    QUrl.fromLocalFile(str(resources_dir() / "sounds" / f"{verdict}.wav"))
                )
                effect.setVolume(0.8)
                self._effects[verdict] = effect
        return self._effects

    def play(self, verdict: Verdict) -> None:
        self.last_played = verdict
        if not self.enabled:
            return
        effect = self._load().get(verdict)
        if effect is not None:
            effect.play()
        elif verdict is Verdict.REFUSED:
            QApplication.beep()


class ScanFeedback(QFrame):
    """A banner that answers each scan with colour, symbol and message, then calms down."""

    def __init__(self, parent: QWidget | None = None, *, hold_ms: int = 4000) -> None:
        super().__init__(parent)
        self.setObjectName("scanFeedback")
        self.verdict: Verdict | None = None
        self.sound = SoundPlayer()
        self._symbol = QLabel()
        self._message = QLabel("Ready to scan")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self._message.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._message.setFont(font)
        sym_font = self._symbol.font()
        sym_font.setPointSizeF(sym_font.pointSizeF() * 2)
        self._symbol.setFont(sym_font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self._symbol)
        layout.addWidget(self._message, 1)
        self._calm = QTimer(self)
        self._calm.setSingleShot(True)
        self._calm.setInterval(hold_ms)
        self._calm.timeout.connect(self._settle)
        self._paint(None)

    @property
    def message(self) -> str:
        return self._message.text()

    def show_verdict(self, verdict: Verdict, message: str) -> None:
        """Show the answer to a scan at once, and play its sound."""
        self.verdict = verdict
        self._symbol.setText(SYMBOLS[verdict])
        self._message.setText(message)
        self._paint(verdict)
        self.sound.play(verdict)
        self._calm.start()

    def _settle(self) -> None:
        self._paint(None)

    def _paint(self, verdict: Verdict | None) -> None:
        background, foreground = COLOURS[verdict]
        self.setStyleSheet(
            f"#scanFeedback {{ background: {background}; border-radius: 6px; }}"
            f"#scanFeedback QLabel {{ color: {foreground}; }}"
        )
