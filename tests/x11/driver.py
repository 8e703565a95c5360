"""Opens Gearroom's main window in a real xcb window and answers the X11 tests on stdin/stdout.

Run as ``python tests/x11/driver.py DATABASE_URL`` with ``QT_QPA_PLATFORM=xcb`` and ``DISPLAY``
set. Each line on stdin is a JSON command, each answer one JSON line on stdout:

``{"cmd": "page", "title": "Check-out"}``  show a page (through the navigation list)
``{"cmd": "focus", "kind": "QComboBox", "index": 0}``  focus a widget of the open page (or
``"name": "objectName"``; ``"kind": "navigation"`` focuses the sidebar)
``{"cmd": "state", "after_ms": 300}``  wait, then dump the page's widget values, the focus,
the open page, the scans routed, the banner, the status bar and any open dialog
``{"cmd": "call", "what": "commit"}``  press a button of the open page (see ``CALLS``)
``{"cmd": "settings"}`` open the Settings dialog, ``{"cmd": "close_dialog"}`` close it
``{"cmd": "quit"}``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from gearroom.config import load_settings
from gearroom.db import open_database
from gearroom.services.actor import Actor, Role
from gearroom.ui.app import application
from gearroom.ui.context import AppContext
from gearroom.ui.main_window import MainWindow

INPUT_KINDS: tuple[type[QWidget], ...] = (
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractButton,
    QAbstractItemView,
    QTabWidget,
)


def _is_part_of_other(widget: QWidget) -> bool:
    """The line edit inside a spin box or combo box, a view inside a combo box…"""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return True
        if isinstance(parent, QAbstractItemView) and not isinstance(widget, QAbstractItemView):
            return True  # a persistent editor inside a table: reported by its table
        parent = parent.parentWidget()
    return False


def value_of(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return [widget.currentIndex(), widget.currentText()]
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QTabWidget):
        return widget.currentIndex()
    if isinstance(widget, QAbstractItemView):
        current = widget.currentIndex()
        model = widget.selectionModel()
        selected = sorted({i.row() for i in model.selectedIndexes()}) if model else []
        editors = []
        m = widget.model()
        if m is not None and isinstance(widget, QTableView):
            for row in range(min(m.rowCount(QModelIndex()), 200)):
                for col in range(m.columnCount(QModelIndex())):
                    ed = widget.indexWidget(m.index(row, col))
                    if isinstance(ed, QAbstractSpinBox):
                        editors.append([row, col, ed.text()])
        return {
            "current": [current.row(), current.column()],
            "selected": selected,
            "rows": m.rowCount(QModelIndex()) if m is not None else 0,
            "editors": editors,
        }
    return None


class Driver:
    def __init__(self, url: str) -> None:
        self.app = application()
        settings = load_settings()
        self.context = AppContext(open_database(url), settings, Actor("admin", Role.ADMIN))
        self.window = MainWindow(self.context)
        self.window.setWindowTitle("Gearroom under test")
        self.window.resize(1400, 860)
        self.scans: list[str] = []
        self.window.scanner.scanned.connect(self.scans.append)
        self.window.show()
        self.window.activateWindow()
        self.window.raise_()
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._read)
        self.calls: dict[str, Callable[[], Any]] = {}

    # ------------------------------------------------------------------ helpers

    def page(self) -> QWidget:
        page = self.window.current_page()
        assert page is not None
        return page

    def inputs(self, root: QWidget | None = None) -> list[QWidget]:
        root = root or self.page()
        found = []
        for widget in root.findChildren(QWidget):
            if (
                isinstance(widget, INPUT_KINDS)
                and widget.isVisibleTo(root)
                and not isinstance(widget, QHeaderView)
                and not _is_part_of_other(widget)
            ):
                found.append(widget)
        return found

    def key_of(self, widget: QWidget, root: QWidget) -> str:
        same = [w for w in self.inputs(root) if type(w) is type(widget)]
        name = widget.objectName()
        return f"{type(widget).__name__}#{same.index(widget)}" + (f"({name})" if name else "")

    def values(self, root: QWidget) -> dict[str, Any]:
        return {self.key_of(w, root): value_of(w) for w in self.inputs(root)}

    def focusable(self, kind: str) -> list[QWidget]:
        out = []
        for widget in self.inputs():
            names = {type(widget).__name__, *(c.__name__ for c in type(widget).__mro__)}
            wanted = kind in names or widget.objectName() == kind
            if wanted and widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                out.append(widget)
        return out

    # ------------------------------------------------------------------ commands

    def _read(self) -> None:
        line = sys.stdin.readline()
        if not line:
            self.app.quit()
            return
        command = json.loads(line)
        try:
            self.handle(command)
        except Exception as exc:  # the test reads the message
            self.answer({"error": f"{type(exc).__name__}: {exc}"})

    def answer(self, value: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    def handle(self, command: dict[str, Any]) -> None:
        cmd = command["cmd"]
        if cmd == "quit":
            self.answer({"ok": True})
            self.app.quit()
        elif cmd == "page":
            titles = [k.title for k in self.window.kinds]
            self.window.show_page(titles.index(command["title"]))
            self.answer({"ok": True, "title": self.page().property("title") or command["title"]})
        elif cmd == "focus":
            self.focus(command)
        elif cmd == "state":
            QTimer.singleShot(int(command.get("after_ms", 300)), self.dump_when_idle)
        elif cmd == "call":
            self.call(command["what"])
        elif cmd == "settings":
            self.answer_when_active(self.window.open_settings())
        elif cmd == "close_dialog":
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QDialog):
                dialog.reject()
            self.answer({"ok": True})
        else:
            self.answer({"error": f"unknown command {cmd}"})

    def focus(self, command: dict[str, Any]) -> None:
        self.window.activateWindow()
        kind = command.get("kind") or command.get("name") or ""
        if kind == "navigation":
            target: QWidget = self.window.nav
        elif kind == "tableEditor":  # the first spin box inside a table (a stock quantity)
            editors = [
                w
                for w in self.page().findChildren(QAbstractSpinBox)
                if w.isVisible() and isinstance(w.parentWidget().parentWidget(), QTableView)
            ]
            if not editors:
                self.answer({"error": "no editor in a table"})
                return
            target = editors[0]
        else:
            widgets = self.focusable(kind)
            if not widgets:
                self.answer({"error": f"no focusable {kind} on {self.window.current_page()}"})
                return
            target = widgets[int(command.get("index", 0))]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

        def done() -> None:
            focus = QApplication.focusWidget()
            self.answer(
                {
                    "ok": focus is target,
                    "focus": type(focus).__name__ if focus else None,
                    "target": self.key_of(target, self.page()) if target in self.inputs() else kind,
                }
            )

        QTimer.singleShot(50, done)

    def answer_when_active(self, dialog: QWidget, tries: int = 100) -> None:
        """Answer once ``dialog`` has the keyboard (the X server gives it focus a bit later)."""
        if QApplication.activeWindow() is dialog or tries <= 0:
            QTimer.singleShot(100, lambda: self.answer({"ok": tries > 0}))
            return
        QTimer.singleShot(20, lambda: self.answer_when_active(dialog, tries - 1))

    def dump_when_idle(self, tries: int = 500) -> None:
        """Dump once the operation door has given back what it was doing (scans checked)."""
        if (self.context.operations.busy or getattr(self.page(), "busy", False)) and tries > 0:
            QTimer.singleShot(20, lambda: self.dump_when_idle(tries - 1))
            return
        self.safe_dump()

    def call(self, what: str) -> None:
        page = self.page()
        result: Any = None
        if what == "commit":
            # The check-out is written off the UI thread: answer with the id it announces.
            page.committed.connect(  # type: ignore[attr-defined]
                lambda checkout_id: self.answer({"ok": True, "result": checkout_id})
            )
            page.commit()  # type: ignore[attr-defined]
            return
        elif what == "new_production":
            self.answer_when_active(page.new_production())  # type: ignore[attr-defined]
            return
        elif what == "last_report":
            report = self.window.scanner.last_report
            result = report.describe() if report else None
        else:
            self.answer({"error": f"unknown call {what}"})
            return
        self.answer({"ok": True, "result": result})

    def safe_dump(self) -> None:
        try:
            self.dump()
        except Exception as exc:
            self.answer({"error": f"{type(exc).__name__}: {exc}"})

    def dump(self) -> None:
        page = self.page()
        focus = QApplication.focusWidget()
        feedback = getattr(page, "feedback", None)
        dialog = QApplication.activeModalWidget()
        state: dict[str, Any] = {
            "page": getattr(page, "title", ""),
            "nav_row": self.window.nav.currentRow(),
            "focus": type(focus).__name__ if focus else None,
            "focus_key": self.key_of(focus, page)
            if focus is not None and focus in self.inputs(page)
            else None,
            "scans": list(self.scans),
            "values": self.values(page),
            "feedback": getattr(feedback, "message", None),
            "status": self.window.statusBar().currentMessage(),
            "dialog": dialog.windowTitle() if dialog is not None else None,
            "dialog_values": self.values(dialog) if dialog is not None else {},
            "dialog_banner": (
                dialog.banner.text()  # type: ignore[attr-defined]
                if dialog is not None and hasattr(dialog, "banner")
                else None
            ),
        }
        self.answer(state)


def main() -> int:
    driver = Driver(sys.argv[1])
    driver.answer({"ready": True, "window": int(driver.window.winId())})
    return driver.app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
