"""Recognise a USB keyboard-wedge scanner among ordinary typing.

A scanner "types" the tag very fast and presses Enter. :class:`ScanDetector` is an application
event filter: the first printable key press is held back for a moment; if more keys follow at
scanner speed and end in Enter, the whole burst is emitted as :attr:`ScanDetector.scanned` and no
widget sees it. If the keys come at human speed, the held keys are delivered to the widget that
had focus, in order, so normal typing is unaffected (a delay of a few tens of milliseconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

#: Longest gap between two scanner keystrokes (scanners: 2–20 ms; people: 80 ms and more).
DEFAULT_GAP_MS = 35
#: Shortest scan worth the name (a tag is at least this long).
DEFAULT_MIN_LENGTH = 3

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _Held:
    receiver: QObject
    event: QKeyEvent


class ScanDetector(QObject):
    """Application-wide event filter that turns scanner bursts into :attr:`scanned` signals."""

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        gap_ms: int = DEFAULT_GAP_MS,
        min_length: int = DEFAULT_MIN_LENGTH,
        accept: Callable[[QWidget], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.gap_ms = gap_ms
        self.min_length = min_length
        self._accept = accept
        self._held: list[_Held] = []
        self._last_key_at = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._release)

    def install(self) -> None:
        """Start watching every key press in the application."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._release()

    # ------------------------------------------------------------------ filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWidget) or watched is not QApplication.focusWidget():
            return False
        if self._accept is not None and not self._accept(watched):
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        gap_ms = (now - self._last_key_at) * 1000.0
        self._last_key_at = now
        key = event.key()
        if key in _ENTER_KEYS:
            if self._held and gap_ms <= self.gap_ms and len(self._held) >= self.min_length:
                text = "".join(h.event.text() for h in self._held)
                self._held.clear()
                self._timer.stop()
                self.scanned.emit(text)
                return True
            self._release()
            return False
        if not self._is_scan_char(event):
            self._release()
            return False
        if self._held and gap_ms > self.gap_ms:
            # Too slow for a scanner: what was held is typing; this key starts a new burst.
            self._release()
        self._held.append(_Held(watched, self._copy(event)))
        self._timer.start(self.gap_ms + 5)
        return True

    @staticmethod
    def _is_scan_char(event: QKeyEvent) -> bool:
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            return False
        mods = (
            event.modifiers()
            & ~Qt.KeyboardModifier.ShiftModifier
            & ~Qt.KeyboardModifier.KeypadModifier
        )
        return mods == Qt.KeyboardModifier.NoModifier

    @staticmethod
    def _copy(event: QKeyEvent) -> QKeyEvent:
        return QKeyEvent(
            event.type(),
            event.key(),
            event.modifiers(),
            event.text(),
            event.isAutoRepeat(),
            event.count(),
        )

    def _release(self) -> None:
        """Deliver held keystrokes to their widgets: they were typing, not a scan."""
        self._timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        self._replaying = True
        try:
            for item in held:
                try:
                    QApplication.sendEvent(item.receiver, item.event)
                except RuntimeError:  # the widget was closed meanwhile: its keys go nowhere
                    continue
        finally:
            self._replaying = False
