"""PySide6 user interface: windows, pages, dialogs and Qt item models over the services."""
