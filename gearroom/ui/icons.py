"""Icons: files shipped in resources/icons first, then the desktop theme, then a drawn fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from gearroom.paths import resources_dir

APP_ICON = "gearroom"


def icons_dir() -> Path:
    """The folder of the icons that ship with Gearroom."""
    return resources_dir() / "icons"


def icon_file(name: str) -> Path | None:
    """The shipped file for icon ``name`` (SVG preferred), or None."""
    for suffix in (".svg", ".png"):
        candidate = icons_dir() / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name``; never null (a neutral dot stands in for a missing icon)."""
    path = icon_file(name) if name else None
    if path is not None:
        return QIcon(str(path))
    if name and QIcon.hasThemeIcon(name):
        return QIcon.fromTheme(name)
    return dot_icon(QColor("#8a94a6"))


def app_icon() -> QIcon:
    """Gearroom's own icon (window, task bar, .desktop)."""
    return icon(APP_ICON)


def dot_icon(color: QColor, size: int = 12) -> QIcon:
    """A filled circle: status markers in tables and lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    finally:
        painter.end()
    return QIcon(pixmap)
