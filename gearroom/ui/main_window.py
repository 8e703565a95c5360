"""The main window: navigation between pages, the actions, and a status bar saying where the
data lives and who is working.

Pages are components (:class:`~gearroom.ui.pages.base.Page`): the window knows them by their
``page_id`` and what they declare, never by their title or their widgets, and every connection
between the window, the context and the pages is made in :meth:`_connect_signals` and, for a
page, :meth:`_wire` when it is built. A page is built the first time it is shown
(:meth:`page_at`): the navigation is drawn from the registry's entries, so a start imports and
builds the first page only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from gearroom.services.changes import ChangeKind, DataChange
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.settings import SettingsDialog, describe_database
from gearroom.ui.icons import app_icon, icon
from gearroom.ui.pages.base import Page
from gearroom.ui.pages.registry import PageFactory, page_class, page_factories
from gearroom.ui.scanner import ScanDetector, belongs_to, offer_to_dialog, refuse_in_dialog
from gearroom.ui.widgets.actions import ACTIONS, STARTS_GROUP, ItemActions, create_actions
from gearroom.ui.widgets.connection_banner import install_banner
from gearroom.ui.widgets.job_board import OPENS_PICK_LIST
from gearroom.ui.window_controls import WindowControls

NAV_WIDTH = 176


class MainWindow(QMainWindow):
    """Navigation list + page stack; pages get the AppContext and refresh when data changes."""

    def __init__(self, context: AppContext, factories: list[PageFactory] | None = None) -> None:
        super().__init__()
        self.context = context
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Gearroom — {context.settings.house_name}")
        self.setWindowIcon(app_icon())
        #: The pages in navigation order, as the registry knows them before they are built.
        self.kinds: list[PageFactory] = list(factories or page_factories())
        self._built: dict[int, Page] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        self.nav.setStyleSheet(
            "QListWidget { border: none; background: #f3f4f6; padding-top: 6px; }"
            "QListWidget::item { padding: 7px 8px; border-radius: 4px; color: #1f2937; }"
            "QListWidget::item:selected { background: #dbe6f7; color: #0f2f5c; }"
        )
        self.stack = QStackedWidget()
        for kind in self.kinds:
            QListWidgetItem(icon(kind.icon_name), kind.title, self.nav)
            self.stack.addWidget(QWidget())  # stands in for the page until it is first shown
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.connection_banner = install_banner(self, context)

        self.actions_by_name: dict[str, QAction] = create_actions(self)
        # Operators and roles (hides what the signed-in role cannot do), import/export, labels.
        self.controls = WindowControls(self)
        self._build_menus_and_toolbar()
        self._build_status_bar()

        # Scans reach the open page (or this window's open dialog) whatever has focus.
        self.scanner = ScanDetector(self, accept=lambda w: belongs_to(w, self))
        self._configure_scanner()
        self._connect_signals()
        self.scanner.install()
        if self.kinds:
            self.nav.setCurrentRow(0)

    def _connect_signals(self) -> None:
        """Every connection between the window, the shared context and the pages."""
        self.nav.currentRowChanged.connect(self.show_page)
        self.context.changed.connect(self._data_changed)
        self.context.actor_changed.connect(self._update_status)
        self.scanner.scanned.connect(self.dispatch_scan)

    def _wire(self, page: Page) -> None:
        """A page's connections to the window, made when the page is built."""
        page.open_item.connect(self.open_item)
        page.open_page.connect(self.go_to_page)
        if page.page_id == "people" and hasattr(page, "print_labels"):
            page.print_labels.connect(self.label_tags)
        if page.page_id == "dashboard" and hasattr(page, "open_job"):
            page.open_job.connect(self.open_job)

    # ------------------------------------------------------------------ chrome

    def _build_menus_and_toolbar(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(toolbar)
        menus = {}
        for spec in ACTIONS:
            if spec.menu not in menus:
                menus[spec.menu] = self.menuBar().addMenu(f"&{spec.menu}")
            action = self.actions_by_name[spec.name]
            if spec.name in STARTS_GROUP:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(action)
            if spec.toolbar:
                toolbar.addAction(action)
        handlers = {
            "new_item": self.new_item,
            "edit_item": self.edit_item,
            "find": self.focus_search,
            "settings": self.open_settings,
            "quit": self.close,
            "import": self.controls.import_items,
            "export_catalog": self.controls.export_catalog,
            "print_label": self.controls.print_label,
            "operators": self.controls.open_operators,
            "switch_operator": self.controls.switch_operator,
            "change_pin": self.controls.change_own_pin,
            "sign_out": self.controls.sign_out,
        }
        for name, handler in handlers.items():
            self.actions_by_name[name].triggered.connect(lambda _=False, h=handler: h())

    def _build_status_bar(self) -> None:
        self.database_label = QLabel()
        self.database_label.setObjectName("databaseLabel")
        self.operator_label = QLabel()
        self.operator_label.setObjectName("operatorLabel")
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.operator_label)
        self._update_status()

    def _update_status(self) -> None:
        where = describe_database(self.context.database)
        self.database_label.setText(f"Database: {where}")
        self.database_label.setToolTip(where)
        actor = self.context.actor
        self.operator_label.setText(f"Operator: {actor.name} ({actor.role.value})")

    # ------------------------------------------------------------------ pages

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def page_at(self, row: int) -> Page:
        """The page in navigation row ``row``, built and wired the first time it is asked for."""
        page = self._built.get(row)
        if page is None:
            page = self.kinds[row](self.context)
            stand_in = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            if stand_in is not None:
                self.stack.removeWidget(stand_in)
                stand_in.deleteLater()
            self._built[row] = page
            self._wire(page)
            self.controls.page_built(page)
        return page

    @property
    def pages(self) -> list[Page]:
        """Every page, in navigation order (building those not shown yet)."""
        return [self.page_at(row) for row in range(len(self.kinds))]

    def built_pages(self) -> list[Page]:
        """The pages built so far (shown at least once, or asked for)."""
        return [self._built[row] for row in sorted(self._built)]

    def row_of(self, page_id: str) -> int | None:
        """The navigation row of the page known by ``page_id``."""
        return next((r for r, k in enumerate(self.kinds) if k.page_id == page_id), None)

    def show_page(self, row: int) -> None:
        if not 0 <= row < len(self.kinds):
            return
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # comes back here through currentRowChanged
            return
        page = self.page_at(row)
        self.stack.setCurrentIndex(row)
        page.activated()

    def _data_changed(self, announced: object) -> None:
        """Each page the change concerns refreshes once: the open one now, the others when
        they are shown (Page.activated)."""
        change = DataChange.of(announced)
        if change.concerns({ChangeKind.SETTING}):
            self._configure_scanner()
            self.setWindowTitle(f"Gearroom — {self.context.settings.house_name}")
        current = self.stack.currentWidget()
        for page in self.built_pages():  # a page not built yet reads everything when it is
            page.data_changed(change, shown=page is current)

    def page(self, page_id: str) -> Page | None:
        """The page known by ``page_id`` (its title may change; its id does not), built."""
        row = self.row_of(page_id)
        return None if row is None else self.page_at(row)

    def _configure_scanner(self) -> None:
        s = self.context.settings
        self.scanner.configure(gap_ms=s.scan_gap_ms, suffix=s.scan_suffix, prefix=s.scan_prefix)

    def dispatch_scan(self, text: str) -> bool:
        """Give a scanned tag to the open page; say so in the status bar when it is not taken.

        The badge of another operator asks for their PIN and switches to them instead. While a
        dialog is open, the scan goes to its scan field (``take_scan``) or is refused there."""
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog is not self:
            if offer_to_dialog(dialog, text):
                return True
            message = refuse_in_dialog(dialog, text)
            self.statusBar().showMessage(message, 8000)
            return False
        if self.controls.handle_badge(text):
            return True
        page = self.current_page()
        if page is not None and page.handle_scan(text):
            return True
        self.statusBar().showMessage(
            f"Scanned {text.strip()!r}: this page does not take scans.", 5000
        )
        return False

    def open_item(self, kind: str, item_id: int) -> bool:
        """Show an asset, kit, stock item or production on the first page that shows it."""
        for row, factory in enumerate(self.kinds):
            shown = page_class(factory)
            if shown.shows_items and kind in shown.item_kinds:
                self.show_page(row)
                return self.page_at(row).show_item(kind, item_id)
        return False

    def go_to_page(self, page_id: str) -> bool:
        """Show the page known by ``page_id``, when the signed-in role may see it."""
        row = self.row_of(page_id)
        if row is None:
            return False
        if not self.controls.page_visible(page_id):
            title = self.kinds[row].title
            self.statusBar().showMessage(f"The {title} page is not open to your role.", 5000)
            return False
        self.show_page(row)
        return True

    def label_tags(self, tags: list[str]) -> bool:
        """Put ``tags`` (a person's badge) on the labels page and show it."""
        row = self.row_of("labels")
        if row is None or not hasattr(page := self.page_at(row), "add_tags"):
            return False
        self.show_page(row)
        return bool(page.add_tags(tags))

    def open_job(self, section: str, production_tag: str) -> bool:
        """A job of the dashboard: its pick list on the check-out page (going out, this week)
        or the check-in page (due back, overdue)."""
        page_id = "checkout" if section in {s.value for s in OPENS_PICK_LIST} else "checkin"
        row = self.row_of(page_id)
        if row is None:
            return False
        self.show_page(row)
        return self.page_at(row).handle_scan(production_tag) if page_id == "checkout" else True

    # ------------------------------------------------------------------ actions

    def _item_page(self) -> ItemActions | None:
        page = self.current_page()
        return page if isinstance(page, ItemActions) else None

    def new_item(self) -> None:
        if (page := self._item_page()) is not None:
            page.new_item()

    def edit_item(self) -> None:
        if (page := self._item_page()) is not None:
            page.edit_item()

    def focus_search(self) -> None:
        if (page := self._item_page()) is not None:
            page.focus_search()

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.context, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restart_needed.connect(self.close)
        self.scanner.burst_finished.connect(dialog.show_burst)
        dialog.open()
        return dialog
