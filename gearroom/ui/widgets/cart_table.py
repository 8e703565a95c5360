"""The check-out cart on screen: its lines (stock with a quantity spin box) and kit checklists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from gearroom.services.checkout_cart import Cart, CartLine

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Tag", "Item", "Kit", "Qty")
QTY = 3
MAX_QUANTITY = 9999
MISSING = QColor("#b3261e")
TICKED = QColor("#1b7a3a")


class CartModel(QAbstractTableModel):
    """The cart's lines; a stock line's quantity is edited in place (the cart is replaced)."""

    def __init__(
        self, on_quantity: Callable[[str, int], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._lines: tuple[CartLine, ...] = ()
        self._on_quantity = on_quantity

    def set_lines(self, lines: tuple[CartLine, ...]) -> None:
        self.beginResetModel()
        self._lines = lines
        self.endResetModel()

    def line(self, row: int) -> CartLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def tags(self) -> list[str]:
        return [ln.tag for ln in self._lines]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        line = self.line(index.row())
        if index.column() == QTY and line is not None and line.kind == "stock":
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        line = self.line(index.row()) if index.isValid() else None
        if line is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            values: tuple[object, ...] = (line.tag, line.name, line.kit_tag or "", line.quantity)
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == QTY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        line = self.line(index.row())
        if line is None or index.column() != QTY or line.kind != "stock":
            return False
        if not isinstance(value, int) or value < 1 or value == line.quantity:
            return False
        self._lines = tuple(
            replace(ln, quantity=value) if ln.tag == line.tag else ln for ln in self._lines
        )
        self.dataChanged.emit(index, index)
        self._on_quantity(line.tag, value)
        return True


class QuantityDelegate(QStyledItemDelegate):
    """A spin box (1…9999) for stock quantities."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        box = QSpinBox(parent)
        box.setRange(1, MAX_QUANTITY)
        box.setFrame(False)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.valueChanged.connect(lambda _v, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QSpinBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            if isinstance(value, int) and editor.value() != value:
                editor.blockSignals(True)
                editor.setValue(value)
                editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QSpinBox):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class CartTable(QTableView):
    """The cart lines, stock rows with an always-visible quantity spin box."""

    def __init__(
        self, on_quantity: Callable[[str, int], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cart_model = CartModel(on_quantity, self)
        self.setModel(self.cart_model)
        self.setItemDelegateForColumn(QTY, QuantityDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 100)
        self.setColumnWidth(2, 90)
        self.setColumnWidth(QTY, 80)

    def show_cart(self, cart: Cart) -> None:
        self.cart_model.set_lines(cart.lines)
        for row, line in enumerate(cart.lines):
            if line.kind == "stock":
                self.openPersistentEditor(self.cart_model.index(row, QTY))

    def selected_tags(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [ln.tag for r in rows if (ln := self.cart_model.line(r)) is not None]

    def quantity_editor(self, tag: str) -> QSpinBox | None:
        """The spin box of a stock line (tests, keyboard users)."""
        tags = self.cart_model.tags()
        if tag not in tags:
            return None
        widget = self.indexWidget(self.cart_model.index(tags.index(tag), QTY))
        return widget if isinstance(widget, QSpinBox) else None


class KitChecklistView(QTreeWidget):
    """Each kit in the cart with its members: ticked when scanned, the missing ones in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Kit checklist", "Scanned"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)
        self.setColumnWidth(1, 70)

    def show_cart(self, cart: Cart) -> None:
        self.clear()
        for kit in cart.kits:
            entries = cart.checklist(kit.tag)
            done = sum(1 for e in entries if e.ticked)
            top = QTreeWidgetItem(self, [f"{kit.tag}  {kit.name}", f"{done} / {len(entries)}"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setData(0, Qt.ItemDataRole.UserRole, kit.tag)
            for e in entries:
                qty = f"{e.scanned} / {e.wanted}" if e.wanted > 1 else ""
                child = QTreeWidgetItem(top, [f"{e.tag}  {e.name}", qty])
                child.setData(0, Qt.ItemDataRole.UserRole, e.tag)
                child.setCheckState(
                    0, Qt.CheckState.Checked if e.ticked else Qt.CheckState.Unchecked
                )
                child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                child.setForeground(0, QBrush(TICKED if e.ticked else MISSING))
            top.setExpanded(done < len(entries))

    def entry_states(self, kit_tag: str) -> dict[str, bool]:
        """Member tag → ticked, for one kit."""
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None and top.data(0, Qt.ItemDataRole.UserRole) == kit_tag:
                out = {}
                for j in range(top.childCount()):
                    child = top.child(j)
                    if child is None:
                        continue
                    out[str(child.data(0, Qt.ItemDataRole.UserRole))] = (
                        child.checkState(0) == Qt.CheckState.Checked
                    )
                return out
        return {}
