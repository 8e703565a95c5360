"""The Inventory page: every asset (searchable, filterable, lazily loaded), kits and stock.

A scan on this page opens what the tag names: an asset, a kit or a stock item.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.models import AssetStatus, TagKind
from gearroom.services import catalog, resolver
from gearroom.services.actor import Actor, Permission
from gearroom.services.asset_search import AssetQuery
from gearroom.services.catalog import CategoryView, LocationView
from gearroom.services.changes import ChangeKind
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.asset import AssetDialog
from gearroom.ui.dialogs.base import FormDialog, select_data
from gearroom.ui.dialogs.retire import RetireDialog
from gearroom.ui.models.asset_table import ASSET_ID_ROLE, COLUMN_KEYS, COLUMNS, AssetTableModel
from gearroom.ui.models.status import status_icon, status_label
from gearroom.ui.pages.base import Page, SelectedItem
from gearroom.ui.widgets.asset_detail import AssetDetailPanel, AssetDetails, load_asset_details
from gearroom.ui.widgets.empty_state import EMPTY_INVENTORY, IMPORT, NEW_ITEM, EmptyState
from gearroom.ui.widgets.kits_panel import KitsPanel
from gearroom.ui.widgets.rate_card import RateCardBox
from gearroom.ui.widgets.record_panel import ItemTable
from gearroom.ui.widgets.stock_panel import StockPanel

SEARCH_DELAY_MS = 150
#: How long a scan message stays up.
MESSAGE_MS = 10_000
#: Status filter entries that are not one status.
ACTIVE, EVERYTHING = "active", "everything"

MESSAGE_STYLES = {
    "info": "background: #e8f1fb; color: #1d4f94; border: 1px solid #b9d3f3;",
    "error": "background: #fdecea; color: #8c1d18; border: 1px solid #f2b8b5;",
}


class AssetsPanel(QWidget):
    """Search box, filters, the asset table and the detail panel of the selected asset."""

    #: A message for the person (text, "info" or "error"), shown by the page.
    notify = Signal(str, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = AssetTableModel(context, parent=self)

        self.search = QLineEdit()
        self.search.setObjectName("assetSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("Search tag, name, make, model or serial  (Ctrl+F)")
        self.category = QComboBox()
        self.category.setObjectName("categoryFilter")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("In inventory", ACTIVE)
        for status in AssetStatus:
            self.status.addItem(status_icon(status), status_label(status), status.value)
        self.status.addItem("Everything, incl. retired", EVERYTHING)
        self.location = QComboBox()
        self.location.setObjectName("locationFilter")
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.count.setMinimumWidth(90)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.new_button = QPushButton("New item…")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.search, 3)
        for combo in (self.category, self.status, self.location):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            top.addWidget(combo)
        top.addWidget(self.count)
        top.addWidget(self.new_button)

        self.table = ItemTable(self.edit_item)
        self.table.setObjectName("assetTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for col, column in enumerate(COLUMNS):
            self.table.setColumnWidth(col, column.width)
            self.table.setColumnHidden(col, not column.visible)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_KEYS.index("name"), QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.detail = AssetDetailPanel()
        self.rates = RateCardBox(context)
        self.detail.content_layout.insertWidget(2, self.rates)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 460])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        for combo in (self.category, self.status, self.location):
            combo.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.new_button.clicked.connect(self.new_item)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_current())
        self.detail.edit_requested.connect(self.edit_item)
        self.detail.retire_requested.connect(self.retire_item)
        self.detail.status_requested.connect(self.set_status)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.clear_search)

    # ------------------------------------------------------------------ filters

    def _fill_filters(self, categories: list[CategoryView], locations: list[LocationView]) -> None:
        keep_category, keep_location = self.category.currentData(), self.location.currentData()
        for combo in (self.category, self.location):
            combo.blockSignals(True)
            combo.clear()
        self.category.addItem("All categories", None)
        for cat in categories:
            self.category.addItem(cat.name, cat.id)
        self.location.addItem("All locations", None)
        for loc in locations:
            self.location.addItem(loc.name, loc.id)
        select_data(self.category, keep_category)
        select_data(self.location, keep_location)
        for combo in (self.category, self.location):
            combo.blockSignals(False)

    def current_query(self) -> AssetQuery:
        status_key = self.status.currentData()
        status = None if status_key in (ACTIVE, EVERYTHING, None) else AssetStatus(status_key)
        return AssetQuery(
            text=self.search.text().strip(),
            category_id=self.category.currentData(),
            status=status,
            location_id=self.location.currentData(),
            include_retired=status_key != ACTIVE,
        )

    def apply_query(self) -> None:
        """Search now with what the search box and the filters say; keep the selection."""
        self.search_timer.stop()
        keep = self.current_asset_id()
        self.model.search(self.current_query())
        self._update_count()
        if keep is None or not self._select_row_of(keep):
            self.detail.clear()

    def clear_search(self) -> None:
        """Escape: empty the search box and reset the filters."""
        for combo in (self.category, self.status, self.location):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_query()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(f"{n:,} asset" + ("" if n == 1 else "s"))

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for col, column in enumerate(COLUMNS):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    # ------------------------------------------------------------------ selection

    def refresh(self) -> None:
        """Data changed: the filters and the table again, keeping the selection. When the same
        assets match, their rows are marked stale rather than the table reset."""
        # Synchronous, with the table model's own blocks (models/asset_table.py) that reload
        # right below: both move to the door together with the model.
        categories, locations = self.context.query(
            lambda s: (catalog.list_categories(s), catalog.list_locations(s))
        )
        self._fill_filters(categories, locations)
        query = self.current_query()
        if query != self.model.query:
            self.apply_query()
            return
        keep = self.current_asset_id()
        self.model.reload()
        self._update_count()
        if keep is None or not self._select_row_of(keep):
            self.detail.clear()
        else:
            self.show_current()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_asset_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.model.data(rows[0], ASSET_ID_ROLE)
        return int(value) if isinstance(value, int) else None

    def _select_row_of(self, asset_id: int) -> bool:
        row = self.model.row_of(asset_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def select_asset(self, asset_id: int) -> bool:
        """Select and show an asset, clearing the search and filters when they hide it."""
        if self._select_row_of(asset_id):
            return True
        self.clear_search()
        if self._select_row_of(asset_id):
            return True
        select_data(self.status, EVERYTHING)  # a retired asset
        self.apply_query()
        return self._select_row_of(asset_id)

    def show_current(self) -> None:
        """The detail panel shows the selected asset (read through the door)."""
        asset_id = self.current_asset_id()
        if asset_id is None:
            self.detail.clear()
            return

        def shown(details: AssetDetails) -> None:
            if self.current_asset_id() == asset_id:
                self.detail.show_details(details)
                self.rates.show_tag(details.asset.tag)

        def failed(_error: GearroomError) -> None:
            if self.current_asset_id() == asset_id:
                self.detail.clear()

        self.context.operations.read(
            lambda s: load_asset_details(s, asset_id),
            on_done=shown,
            on_error=failed,
            description="Reading the item",
        )

    # ------------------------------------------------------------------ actions

    def _open(self, dialog: FormDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, asset_id: int) -> None:
        # The save's announcement has refreshed the page: only the selection is left to do.
        self.select_asset(asset_id)

    def new_item(self) -> None:
        self._open(AssetDialog(self.context, parent=self))

    def edit_item(self) -> None:
        details = self.detail.details
        if details is not None and details.asset.status is not AssetStatus.RETIRED:
            self._open(AssetDialog(self.context, details.asset.id, parent=self))

    def retire_item(self) -> None:
        details = self.detail.details
        if details is None:
            return
        tag = details.asset.tag

        def retire(session: Session, actor: Actor, reason: str) -> int:
            return catalog.retire_asset(session, actor, tag, reason).id

        self._open(RetireDialog(self.context, f"{tag} {details.asset.name}", retire, parent=self))

    def set_status(self, status: AssetStatus) -> None:
        details = self.detail.details
        if details is None:
            return
        tag = details.asset.tag

        def done(_result: object) -> None:
            # The announcement of the change has refreshed the page (once).
            self.notify.emit(f"{tag} is now {status_label(status).lower()}.", "info")

        self.context.operations.write(
            lambda s, a: catalog.set_status(s, a, tag, status),
            "asset",
            on_done=done,
            on_error=lambda exc: self.notify.emit(str(exc), "error"),
            description="Changing the status",
        )


class InventoryPage(Page):
    """Assets, kits and stock in three tabs; scans open what they name."""

    page_id = "inventory"
    shows_items = True
    title = "Inventory"
    concerns = frozenset(
        {
            ChangeKind.ASSET,
            ChangeKind.KIT,
            ChangeKind.STOCK,
            ChangeKind.CATEGORY,
            ChangeKind.LOCATION,
            ChangeKind.PRODUCTION,
            ChangeKind.EVERYTHING,
        }
    )
    icon_name = "inventory"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("inventoryPage")
        self.message = QLabel()
        self.message.setObjectName("scanMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(MESSAGE_MS)
        self.message_timer.timeout.connect(self.message.hide)
        self.assets = AssetsPanel(context)
        self.kits = KitsPanel(context)
        self.stock = StockPanel(context)
        self.assets.notify.connect(self.show_message)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.assets, "Items")
        self.tabs.addTab(self.kits, "Kits")
        self.tabs.addTab(self.stock, "Stock")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        EmptyState.over(
            self.assets.table,
            "No gear yet",
            EMPTY_INVENTORY,
            IMPORT,
            NEW_ITEM,
            when=lambda: not self.assets.search.text().strip(),
        )
        self._loaded = False

    # ------------------------------------------------------------------ the component

    def show_item(self, kind: str, item_id: int) -> bool:
        if kind == "asset":
            self.tabs.setCurrentWidget(self.assets)
            return self.assets.select_asset(item_id)
        panel = self.kits if kind == "kit" else self.stock
        self.tabs.setCurrentWidget(panel)
        return panel.select_id(item_id)

    def selected_item(self) -> SelectedItem | None:
        current = self.tabs.currentWidget()
        if current is self.assets:
            details = self.assets.detail.details
            if details is None:
                return None
            return SelectedItem("asset", details.asset.id, details.asset.tag)
        if current is self.kits:
            kit = self.kits.current_record()
            return SelectedItem("kit", kit.id, kit.tag) if kit is not None else None
        stock = self.stock.current_record()
        return SelectedItem("stock", stock.id, stock.tag) if stock is not None else None

    def gated_widgets(self) -> Iterable[tuple[QWidget, Permission]]:
        for widget in (
            self.assets.new_button,
            self.assets.detail.edit_button,
            self.assets.detail.retire_button,
            self.assets.detail.status_button,
            self.kits.new_button,
            self.kits.edit_button,
            self.stock.new_button,
            self.stock.edit_button,
            self.stock.retire_button,
        ):
            yield widget, Permission.CATALOG
        for box in (self.assets.rates, self.kits.rates, self.stock.rates):
            yield box, Permission.PRICES
            yield box.change_button, Permission.RATES

    def _panel(self) -> AssetsPanel | KitsPanel | StockPanel:
        current = self.tabs.currentWidget()
        assert isinstance(current, AssetsPanel | KitsPanel | StockPanel)
        return current

    def refresh(self) -> None:
        self.assets.refresh()
        self.kits.refresh()
        self.stock.refresh()
        self._loaded = True

    def new_item(self) -> None:
        self._panel().new_item()

    def edit_item(self) -> None:
        self._panel().edit_item()

    def focus_search(self) -> None:
        self._panel().focus_search()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.setStyleSheet(
            f"QLabel {{ {MESSAGE_STYLES[kind]} border-radius: 4px; padding: 6px 10px; }}"
        )
        self.message.show()
        self.message_timer.start()

    def handle_scan(self, text: str) -> bool:
        """Open the asset, kit or stock item the tag names; an unknown tag gets a message."""
        if not self._loaded:
            self.refresh()
        try:
            found = self.context.query(lambda s: resolver.resolve(s, text))
        except GearroomError as exc:
            self.show_message(str(exc), "error")
            return True
        shown = False
        if found.kind is TagKind.ASSET:
            self.tabs.setCurrentWidget(self.assets)
            shown = self.assets.select_asset(found.id)
            if shown:
                self.assets.table.setFocus()
        elif found.kind is TagKind.KIT:
            self.tabs.setCurrentWidget(self.kits)
            shown = self.kits.select_id(found.id)
        elif found.kind is TagKind.STOCK:
            self.tabs.setCurrentWidget(self.stock)
            shown = self.stock.select_id(found.id)
        else:
            self.show_message(
                f"{found.tag} is a {found.kind.value} ({found.label}); the inventory opens "
                "items, kits and stock.",
                "error",
            )
            return True
        if shown:
            self.show_message(f"Scanned {found.tag} · {found.label}")
        else:
            self.show_message(f"{found.tag} ({found.label}) is retired.", "error")
        return True
