"""The Qt GUI application that painting needs (fonts, paint devices), made offscreen if absent."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new offscreen one (command line, benchmarks)."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["gearroom", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app
