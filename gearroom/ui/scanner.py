"""Recognise a USB keyboard-wedge scanner among ordinary typing.

A scanner "types" the tag very fast and ends it with a suffix key (Enter, Tab, or CR+LF). What
arrives is what a keyboard sends through the X server (or any other window system): Shift pressed
and released around each capital (or held), AltGr or Shift for a ``-`` or digits on some layouts,
keypad digits, Caps Lock. :class:`ScanDetector` is an application event filter:

* the first character key press (and any level modifier before it: Shift, AltGr, Caps Lock…) is
  held back for a moment, with its key release;
* if more character keys follow at scanner speed and the burst ends in the suffix, the whole
  burst — presses, releases and modifiers — is swallowed, :attr:`ScanDetector.scanned` is emitted
  with the text, and no widget sees a single key of it (a combo box cannot search, a list cannot
  move, a line edit cannot change);
* if the keys come at human speed, or the burst ends in anything else, the held events are
  delivered to the widget that had focus, in order, so normal typing is unaffected (a delay of
  a few tens of milliseconds).

Gaps are measured with the window system's key timestamps when there are any, so a busy event
loop that delivers queued keys late does not make a scan look slow or typing look fast.
Every burst is described by a :class:`BurstReport` (:attr:`ScanDetector.burst_finished`), which
the Settings dialog shows to test a scanner.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

#: Longest gap between two scanner keystrokes (scanners: 1–40 ms; people: 80 ms and more).
DEFAULT_GAP_MS = 60
#: Shortest scan worth the name (a tag is at least this long).
DEFAULT_MIN_LENGTH = 3
#: What a scanner sends after the tag.
SUFFIXES = ("enter", "tab", "crlf", "none")
DEFAULT_SUFFIX = "enter"
#: How long a burst typed at scanner speed (at least the shortest tag) waits for its suffix: a
#: person cannot type that fast, so the Enter that follows a little late still ends a scan.
SUFFIX_WAIT_MS = 1000
#: How long after a scan's suffix a line feed (the LF of CR+LF) or a modifier is swallowed.
TAIL_MS = 150

_ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
#: Keys a scanner presses to reach a character on the configured layout: never typing by
#: themselves, held (and swallowed) with the burst they belong to.
LEVEL_MODIFIERS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Mode_switch,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
#: Modifier states a character of a scan may carry (Shift, keypad, AltGr / group switch).
_CHAR_MODIFIERS = (
    Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.KeypadModifier
    | Qt.KeyboardModifier.GroupSwitchModifier
)
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)


def key_name(key: int) -> str:
    """A readable name of a key code ("Shift", "L", "Return", "1")."""
    if key == Qt.Key.Key_Return:
        return "Return"
    name = QKeySequence(key).toString()
    return name or f"0x{key:x}"


@dataclass(frozen=True)
class KeyRecord:
    """One key event of a burst as it arrived."""

    pressed: bool
    key: str
    text: str
    modifiers: tuple[str, ...]
    at_ms: float  # since the burst's first event

    def describe(self) -> str:
        arrow = "↓" if self.pressed else "↑"
        mods = f" [{'+'.join(self.modifiers)}]" if self.modifiers else ""
        return f"{self.key}{arrow}{mods}"


@dataclass(frozen=True)
class BurstReport:
    """What one burst of keys sent, and what the detector made of it."""

    keys: tuple[KeyRecord, ...]
    text: str
    scan: str | None  # the recognised scan, or None when it was typing
    reason: str  # why it was (not) a scan
    suffix: str  # the key that ended it ("" when none)
    gaps_ms: tuple[float, ...] = field(default=())

    @property
    def longest_gap_ms(self) -> float:
        return max(self.gaps_ms, default=0.0)

    @property
    def duration_ms(self) -> float:
        return self.keys[-1].at_ms if self.keys else 0.0

    def describe(self) -> str:
        """Several lines for a person: the keys, the timing and the verdict."""
        per_key = (sum(self.gaps_ms) / len(self.gaps_ms)) if self.gaps_ms else 0.0
        verdict = f"Recognised scan: {self.scan!r}" if self.scan is not None else "Not a scan"
        return "\n".join(
            [
                f"{verdict} — {self.reason}",
                f"Characters: {self.text!r}, ended by: {self.suffix or 'nothing'}",
                f"Timing: {len(self.gaps_ms) + 1 if self.text else 0} key(s) in "
                f"{self.duration_ms:.0f} ms, {per_key:.1f} ms a key on average, "
                f"longest gap {self.longest_gap_ms:.1f} ms",
                "Keys: " + " ".join(k.describe() for k in self.keys),
            ]
        )


@dataclass
class _Held:
    receiver: QObject
    event: QKeyEvent


def _modifier_names(mods: Qt.KeyboardModifier) -> tuple[str, ...]:
    names = []
    for flag, name in (
        (Qt.KeyboardModifier.ShiftModifier, "Shift"),
        (Qt.KeyboardModifier.ControlModifier, "Ctrl"),
        (Qt.KeyboardModifier.AltModifier, "Alt"),
        (Qt.KeyboardModifier.MetaModifier, "Meta"),
        (Qt.KeyboardModifier.KeypadModifier, "Keypad"),
        (Qt.KeyboardModifier.GroupSwitchModifier, "AltGr"),
    ):
        if mods & flag:
            names.append(name)
    return tuple(names)


class ScanDetector(QObject):
    """Application-wide event filter that turns scanner bursts into :attr:`scanned` signals."""

    scanned = Signal(str)
    #: Every finished burst (scan or typing), for the "test your scanner" box.
    burst_finished = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        gap_ms: int = DEFAULT_GAP_MS,
        min_length: int = DEFAULT_MIN_LENGTH,
        suffix: str = DEFAULT_SUFFIX,
        prefix: str = "",
        accept: Callable[[QWidget], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.gap_ms = gap_ms
        self.min_length = min_length
        self.suffix = suffix
        self.prefix = prefix
        self._accept = accept
        self.last_report: BurstReport | None = None
        self._held: list[_Held] = []
        self._records: list[KeyRecord] = []
        self._gaps: list[float] = []
        self._chars = 0
        self._burst_start = 0.0
        self._last_char_at: float | None = None
        #: Keys pressed inside a swallowed scan whose releases are still to come.
        self._owed: set[int] = set()
        self._tail_until = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)

    def configure(self, *, gap_ms: int, suffix: str, prefix: str) -> None:
        """Apply the settings (the Settings dialog changes them while the app runs)."""
        self.gap_ms = gap_ms
        self.suffix = suffix
        self.prefix = prefix

    def install(self) -> None:
        """Start watching every key event in the application."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._release("stopped")

    @property
    def holding(self) -> bool:
        """A burst is being held back (tests, the settings box)."""
        return bool(self._held)

    # ------------------------------------------------------------------ filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in _KEY_EVENTS:
            return False
        if not isinstance(watched, QWidget) or not isinstance(event, QKeyEvent):
            return False
        target = QApplication.focusWidget() or QApplication.activeWindow()
        if watched is not target:
            return False  # the same event propagating to a parent: decided already
        if self._accept is not None and not self._accept(watched):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # A key of a (possible) scan is never a shortcut: the key press comes to this
            # filter, which holds or swallows it.
            if self._takes(event):
                event.accept()
                return True
            return False
        now = self._stamp(event)
        if event.type() == QEvent.Type.KeyRelease:
            return self._on_release(watched, event, now)
        return self._on_press(watched, event, now)

    def _takes(self, event: QKeyEvent) -> bool:
        key = event.key()
        if self._held or time.monotonic() * 1000.0 < self._tail_until:
            return self._is_scan_char(event) or key in LEVEL_MODIFIERS or self._is_suffix(event)
        return self._is_scan_char(event)

    @staticmethod
    def _stamp(event: QKeyEvent) -> float:
        """When the key happened, in ms: the window system's timestamp, else the clock."""
        stamp = event.timestamp()
        return float(stamp) if stamp else time.monotonic() * 1000.0

    def _is_suffix(self, event: QKeyEvent) -> bool:
        key = event.key()
        if self.suffix == "tab":
            return key == Qt.Key.Key_Tab
        if self.suffix == "none":
            return False
        return key in _ENTER_KEYS

    @staticmethod
    def _is_line_feed(event: QKeyEvent) -> bool:
        """The LF of a CR+LF suffix: Ctrl+J, a Linefeed key or a second Enter."""
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        return key in _ENTER_KEYS or (ctrl and key == Qt.Key.Key_J) or event.text() == "\n"

    @staticmethod
    def _is_scan_char(event: QKeyEvent) -> bool:
        text = event.text()
        if len(text) != 1 or not text.isprintable() or event.isAutoRepeat():
            return False
        mods = event.modifiers() & ~_CHAR_MODIFIERS
        if mods == Qt.KeyboardModifier.NoModifier:
            return True
        # AltGr as some systems report it: Ctrl+Alt together, with a printable character.
        alt_gr = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return mods == alt_gr

    def _record(self, event: QKeyEvent, now: float, pressed: bool) -> None:
        if not self._records:
            self._burst_start = now
        self._records.append(
            KeyRecord(
                pressed,
                key_name(event.key()),
                event.text() if event.text().isprintable() else "",
                _modifier_names(event.modifiers()),
                round(now - self._burst_start, 1),
            )
        )

    def _hold(self, watched: QWidget, event: QKeyEvent, now: float, pressed: bool) -> bool:
        self._record(event, now, pressed)
        self._held.append(_Held(watched, self._copy(event)))
        fast_enough = self._chars >= self.min_length and self.suffix != "none"
        self._timer.start(SUFFIX_WAIT_MS if fast_enough else self.gap_ms + 40)
        event.accept()
        return True

    def _on_release(self, watched: QWidget, event: QKeyEvent, now: float) -> bool:
        key = event.key()
        if key in self._owed:
            # The release of a key of a scan already taken.
            self._owed.discard(key)
            event.accept()
            return True
        if self._held:
            return self._hold(watched, event, now, pressed=False)
        return False

    def _on_press(self, watched: QWidget, event: QKeyEvent, now: float) -> bool:
        key = event.key()
        in_tail = not self._held and time.monotonic() * 1000.0 < self._tail_until
        if in_tail and (self._is_line_feed(event) or key in LEVEL_MODIFIERS):
            # The LF of CR+LF (or a modifier) right after a scan.
            self._owed.add(key)
            event.accept()
            return True
        if key in LEVEL_MODIFIERS:
            if event.isAutoRepeat():
                event.accept()
                return bool(self._held)
            return self._hold(watched, event, now, pressed=True)
        if self._is_suffix(event) and self._held:
            gap = now - self._last_char_at if self._last_char_at is not None else 0.0
            if self._chars >= self.min_length or (self._chars and gap <= self.gap_ms):
                self._record(event, now, True)
                return self._finish_scan(event)
            self._release(f"ended by {key_name(key)} after a gap of {gap:.0f} ms")
            return False
        if not self._is_scan_char(event):
            self._release(f"{key_name(key)} is not part of a scan")
            return False
        if self._last_char_at is not None and now - self._last_char_at > self.gap_ms:
            # Too slow for a scanner: what was held is typing; this key starts a new burst.
            self._release(f"a gap of {now - self._last_char_at:.0f} ms is typing")
        elif self._last_char_at is not None:
            self._gaps.append(now - self._last_char_at)
        self._chars += 1
        self._last_char_at = now
        return self._hold(watched, event, now, pressed=True)

    def _text(self) -> str:
        text = "".join(
            h.event.text()
            for h in self._held
            if h.event.type() == QEvent.Type.KeyPress and h.event.key() not in LEVEL_MODIFIERS
        )
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        return text

    def _finish_scan(self, suffix_event: QKeyEvent | None) -> bool:
        text = self._text()
        if len(text) < self.min_length:
            self._release(f"{len(text)} character(s) is too short for a tag")
            return False
        down: set[int] = set()
        for h in self._held:
            if h.event.type() == QEvent.Type.KeyPress:
                down.add(h.event.key())
            else:
                down.discard(h.event.key())
        if suffix_event is not None:
            down.add(suffix_event.key())
            suffix_event.accept()
        self._owed = down
        self._tail_until = time.monotonic() * 1000.0 + max(TAIL_MS, 2 * self.gap_ms)
        suffix = key_name(suffix_event.key()) if suffix_event is not None else ""
        self._report(text, text, f"{self._chars} fast key(s) ended by the suffix", suffix)
        self._reset()
        self.scanned.emit(text)
        return True

    def _report(self, text: str, scan: str | None, reason: str, suffix: str) -> None:
        report = BurstReport(tuple(self._records), text, scan, reason, suffix, tuple(self._gaps))
        self.last_report = report
        self.burst_finished.emit(report)

    def _reset(self) -> None:
        self._timer.stop()
        self._held = []
        self._records = []
        self._gaps = []
        self._chars = 0
        self._last_char_at = None

    def _timed_out(self) -> None:
        if self.suffix == "none" and self._chars:
            self._finish_scan(None)
            if not self._held:
                return
        self._release("no suffix came in time")

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

    def _release(self, reason: str) -> None:
        """Deliver held key events to their widgets: they were typing, not a scan."""
        self._timer.stop()
        held = self._held
        if held and self._chars:
            self._report(self._text(), None, reason, "")
        self._reset()
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


def belongs_to(widget: QWidget, window: QWidget) -> bool:
    """``widget`` is in ``window`` or in one of its dialogs or popups (a combo box's list)."""
    top: QWidget | None = widget.window()
    while top is not None:
        if top is window:
            return True
        parent = top.parentWidget()
        top = parent.window() if parent is not None else None
    return False


def dialog_scan_field(dialog: QWidget) -> QLineEdit | None:
    """The field of a dialog that takes scans: marked with the ``takesScans`` property, or
    one that asks for a scan in its placeholder ("Scan or type a tag…")."""
    for edit in dialog.findChildren(QLineEdit):
        wanted = bool(edit.property("takesScans")) or "scan" in edit.placeholderText().lower()
        if wanted and edit.isVisible() and edit.isEnabled() and not edit.isReadOnly():
            return edit
    return None


def offer_to_dialog(dialog: QWidget, text: str) -> bool:
    """Give a scan to an open dialog: its ``take_scan`` method, else its scan field (as if the
    tag was typed there and Enter pressed). False when the dialog takes no scans."""
    take = getattr(dialog, "take_scan", None)
    if callable(take):
        return bool(take(text))
    edit = dialog_scan_field(dialog)
    if edit is None:
        return False
    edit.setFocus()
    edit.setText(text.strip())
    edit.returnPressed.emit()
    return True


def refuse_in_dialog(dialog: QWidget, text: str) -> str:
    """Say, in the open dialog, that it takes no scans; returns the message."""
    message = (
        f"Scanned {text.strip()!r}, but this window takes no scans: nothing was changed. "
        "Close it, then scan again."
    )
    banner = getattr(dialog, "banner", None)  # the error banner of the app's dialogs
    if isinstance(banner, QLabel):
        banner.setText(message)
        banner.show()
    QApplication.beep()
    return message
