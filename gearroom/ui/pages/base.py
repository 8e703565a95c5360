"""The contract every page of the main window follows."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gearroom.ui.context import AppContext


class Page(QWidget):
    """A page in the main window's navigation.

    Subclasses set ``title`` (shown in the navigation) and may override :meth:`handle_scan`
    (a tag read by the scanner while this page is open) and :meth:`refresh` (data changed,
    here or on another workstation).
    """

    title: str = ""
    #: Name of a standard theme icon or a file in resources/icons (without extension).
    icon_name: str = ""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def handle_scan(self, text: str) -> bool:
        """A scan arrived while this page is shown; return True if the page took it."""
        return False

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def activated(self) -> None:
        """The page was brought to the front."""
        self.refresh()
