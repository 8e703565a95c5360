"""A banner across the top of the main window while the database does not answer.

It appears when :attr:`AppContext.connection_lost` fires (an action failed, or the live-refresh
listener lost its connection), says what happened and that nothing typed is lost, checks the
connection every few seconds (``SELECT 1``) and disappears when the database answers again.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gearroom.ui.context import AppContext

RETRY_MS = 5000

_STYLE = """
QFrame#connectionBanner { background: #fdecea; border-bottom: 1px solid #e3a19a; }
QFrame#connectionBanner QLabel { color: #7a1c12; }
QLabel#connectionTitle { font-weight: bold; }
"""


class ConnectionBanner(QFrame):
    """Hidden while all is well; shown with a retry loop while the database is unreachable."""

    def __init__(
        self, context: AppContext, *, retry_ms: int = RETRY_MS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("connectionBanner")
        self.setStyleSheet(_STYLE)
        self.title = QLabel("The database is not answering")
        self.title.setObjectName("connectionTitle")
        self.detail = QLabel()
        self.detail.setObjectName("connectionDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("connectionStatus")
        self.retry_button = QPushButton("Retry now")
        self.retry_button.setObjectName("connectionRetry")
        self.retry_button.clicked.connect(self.retry)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        text.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addLayout(text, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self._timer = QTimer(self)
        self._timer.setInterval(retry_ms)
        self._timer.timeout.connect(self.retry)
        self.attempts = 0
        context.connection_lost.connect(self.show_lost)
        context.connection_restored.connect(self.show_restored)
        self.hide()

    @property
    def retrying(self) -> bool:
        return self._timer.isActive()

    def show_lost(self, message: str) -> None:
        """Say what happened and start checking the connection every few seconds."""
        self.detail.setText(message)
        self._say_next_try()
        self.show()
        if not self._timer.isActive():
            self._timer.start()

    def retry(self) -> bool:
        """Check the connection now; the banner hides itself when the database answers."""
        self.attempts += 1
        ok = self.context.check_connection()
        if not ok:
            self._say_next_try(failed_at=datetime.now())
        return ok

    def show_restored(self) -> None:
        self._timer.stop()
        self.attempts = 0
        self.hide()

    def _say_next_try(self, failed_at: datetime | None = None) -> None:
        seconds = max(1, round(self._timer.interval() / 1000))
        tried = f"Still not answering at {failed_at:%H:%M:%S}. " if failed_at else ""
        self.status.setText(f"{tried}Trying again every {seconds} s.")


def install_banner(window: QMainWindow, context: AppContext) -> ConnectionBanner:
    """Put a :class:`ConnectionBanner` above the window's central widget."""
    banner = ConnectionBanner(context)
    content = window.takeCentralWidget()
    holder = QWidget()
    holder.setObjectName("bannerHolder")
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if content is not None:
        layout.addWidget(content, 1)
    window.setCentralWidget(holder)
    return banner
