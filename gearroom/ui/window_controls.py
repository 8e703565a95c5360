"""What the main window does for operators and files: the role-aware chrome, signing in and
switching by badge, the operators dialog, import, catalog export and label printing.

:class:`WindowControls` keeps this out of the window class: the window creates one, routes the
matching actions to it and gives it scans first (a badge of another operator switches to them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gearroom.errors import GearroomError
from gearroom.services import operators
from gearroom.ui.dialogs.base import FormDialog
from gearroom.ui.dialogs.sign_in import BadgeSignInDialog, FirstAdminDialog, SignInDialog
from gearroom.ui.operations import Job
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.actions import PermissionGate, apply_permissions, page_permission

if TYPE_CHECKING:
    from gearroom.services.catalog_export import ExportResult
    from gearroom.ui.dialogs.operators import OperatorsDialog
    from gearroom.ui.main_window import MainWindow

# The import wizard, the catalog export, the operators dialog and label printing are imported
# when first used: a start loads none of them (nor the file readers and code renderers they need).

EXPORT_FILTERS = (
    "Excel workbook (*.xlsx);;Zip archive of CSV files (*.zip);;CSV files, one per kind (*.csv)"
)


class WindowControls(QObject):
    """Operators, roles and file actions of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.context = window.context
        self.gate = PermissionGate(self)
        self.context.actor_changed.connect(self.apply_role)
        self.apply_role()

    def page_built(self, page: Page) -> None:
        """A page was built: hide what the signed-in role must not see of it."""
        for widget, permission in page.gated_widgets():
            self.gate.gate(widget, permission)
        self.gate.apply(self.context.actor)

    # ------------------------------------------------------------------ roles

    def apply_role(self) -> None:
        """Hide the actions, pages and buttons the signed-in operator's role cannot use."""
        actor = self.context.actor
        apply_permissions(self.window.actions_by_name, actor)
        self.gate.apply(actor)
        nav = self.window.nav
        for row, kind in enumerate(self.window.kinds):
            item = nav.item(row)
            if item is not None:
                item.setHidden(not actor.can(page_permission(kind)))
        current = nav.currentItem()
        if current is not None and current.isHidden():
            for row in range(nav.count()):
                item = nav.item(row)
                if item is not None and not item.isHidden():
                    self.window.show_page(row)
                    break

    def page_visible(self, page_id: str) -> bool:
        """Whether the page known by ``page_id`` shows in the navigation."""
        row = self.window.row_of(page_id)
        item = None if row is None else self.window.nav.item(row)
        return item is not None and not item.isHidden()

    # ------------------------------------------------------------------ signing in

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _with_operators(self, then: Callable[[bool], FormDialog | None]) -> FormDialog | None:
        """Ask the door whether the database has operators, then ``then(answer)``; returns
        what ``then`` returned when the answer came before this returns (synchronous door)."""
        opened: list[FormDialog | None] = []
        self.context.operations.read(
            operators.has_operators,
            on_done=lambda has: opened.append(then(bool(has))),
            on_error=lambda exc: self.warn("Operators", str(exc)),
            description="Reading the operators",
        )
        return opened[0] if opened else None

    def switch_operator(self) -> FormDialog | None:
        """Let another operator sign in (the first admin, on a database without operators)."""

        def open_dialog(has_operators: bool) -> FormDialog:
            if not has_operators:
                return self._open(FirstAdminDialog(self.context, self.window))
            return self._open(SignInDialog(self.context, self.window))

        return self._with_operators(open_dialog)

    def change_own_pin(self) -> FormDialog | None:
        """The signed-in operator sets a new PIN (there is none before the first admin)."""

        def open_dialog(has_operators: bool) -> FormDialog | None:
            if not has_operators:
                self.warn(
                    "No operators yet",
                    "Create the first admin with File › Switch operator… before setting a PIN.",
                )
                return None
            from gearroom.ui.dialogs.operators import PinDialog

            return self._open(PinDialog(self.context, self.context.actor.name, self.window))

        return self._with_operators(open_dialog)

    def sign_out(self) -> FormDialog:
        """Wait for the next operator to sign in; Quit closes Gearroom."""
        dialog = SignInDialog(
            self.context,
            self.window,
            required=True,
            message=f"{self.context.actor.name} signed out. The next operator signs in here.",
        )
        dialog.rejected.connect(self.window.close)
        return self._open(dialog)

    def handle_badge(self, text: str) -> bool:
        """A scanned badge of another operator asks for their PIN; True if it was one."""
        page = self.window.current_page()
        if page is not None and page.takes_badges:
            return False
        try:
            name = self.context.query(lambda s: operators.operator_for_badge(s, text))
        except GearroomError:
            return False
        if name is None or name == self.context.actor.name:
            return False
        self.badge_dialog = BadgeSignInDialog(self.context, text.strip(), name, self.window)
        self._open(self.badge_dialog)
        return True

    def open_operators(self) -> OperatorsDialog:
        from gearroom.ui.dialogs.operators import open_operators_dialog

        return open_operators_dialog(self.context, self.window)

    # ------------------------------------------------------------------ files

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def import_items(self) -> QWidget:
        from gearroom.ui.dialogs.import_wizard import open_import_wizard

        return open_import_wizard(self.context, self.window)

    def export_catalog(self) -> ExportResult | None:
        name, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export the catalog",
            str(Path.home() / "gearroom-catalog.xlsx"),
            EXPORT_FILTERS,
        )
        return self.export_catalog_to(Path(name)) if name else None

    def export_catalog_to(self, target: Path) -> ExportResult | None:
        """Write the catalog through the door (a large house takes seconds, off the UI thread).

        Returns the result when the door runs inline; otherwise the status bar says when the
        file is written and None is returned."""
        from gearroom.services import catalog_export

        actor = self.context.actor

        def export(job: Job) -> ExportResult:
            with job.read() as session:
                return catalog_export.export_catalog(session, actor, target)

        def failed(exc: GearroomError) -> None:
            self.warn("Export the catalog", f"The catalog was not exported: {exc}")

        def done(result: ExportResult) -> None:
            self.window.statusBar().showMessage(f"Exported {result.describe()}", 8000)

        self.window.statusBar().showMessage(f"Exporting the catalog to {target}…")
        operation = self.context.operations.submit(
            export,
            description="Exporting the catalog",
            on_done=done,
            on_error=failed,
            long=True,
            progress="Exporting the catalog…",
            parent=self.window,
        )
        return operation.result if operation.done else None

    def selected_tag(self) -> str | None:
        """The tag of the item, kit or stock item selected on the open page."""
        page = self.window.current_page()
        selected = page.selected_item() if page is not None else None
        return selected.tag if selected is not None else None

    def print_label(self) -> bool:
        tag = self.selected_tag()
        if tag is None:
            self.window.statusBar().showMessage(
                "Select an item, kit or stock item in the Inventory to print its label.", 6000
            )
            return False
        from gearroom.ui.pages.labels import print_label_for_tag

        return print_label_for_tag(
            self.context,
            tag,
            self.window,
            on_error=lambda exc: self.warn("Print label", str(exc)),
        )
