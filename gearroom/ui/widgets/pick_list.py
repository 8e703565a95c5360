"""The pick list of a production beside the check-out cart: every booked serial, model line, kit
and stock quantity with its shelf, in shelf order, each line picked or not yet picked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from gearroom.services.picklist import PickLine, PickList

#: Columns of the list.
COLUMNS = ("Location", "Tag", "Item", "Picked", "Pick list")
DONE = QColor("#1b7f3b")
TODO = QColor("#8a5a00")

KIND_WORDS = {"asset": "", "model": "any serial", "kit": "kit", "stock": "stock"}


def line_state(line: PickLine) -> str:
    """``"picked"``, ``"partly"`` or ``"not yet"``."""
    if line.picked >= line.wanted:
        return "picked"
    return "partly" if line.picked else "not yet"


class PickListView(QTreeWidget):
    """One row a pick line; kit members sit under their kit; sorted by location."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickList")
        self.setHeaderLabels(list(COLUMNS))
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 130), (1, 84), (3, 56), (4, 70)):
            self.setColumnWidth(col, width)
        self.setMinimumWidth(520)
        self.pick: PickList | None = None

    def show_pick(self, pick: PickList | None) -> None:
        self.pick = pick
        self.clear()
        if pick is None:
            self.setHeaderLabels(list(COLUMNS))
            return
        self.setHeaderLabels(
            [*COLUMNS[:2], f"Item · {pick.picked} of {pick.wanted} picked", *COLUMNS[3:]]
        )
        kits: dict[str, QTreeWidgetItem] = {}
        members: list[PickLine] = []
        for line in sorted(pick.lines, key=lambda ln: (ln.location, ln.kit_tag, ln.tag)):
            if line.kind == "kit":
                kits[line.tag] = self._row(None, line)
            elif line.kit_tag:
                members.append(line)
            else:
                self._row(None, line)
        for line in members:
            self._row(kits.get(line.kit_tag), line)
        for kit in kits.values():
            kit.setExpanded(True)

    def _row(self, parent: QTreeWidgetItem | None, line: PickLine) -> QTreeWidgetItem:
        name = line.name
        word = KIND_WORDS.get(line.kind, "")
        if word:
            name = f"{name}  ({word})"
        if line.serial:
            name = f"{name} · {line.serial}"
        state = line_state(line)
        texts = [line.location, line.tag, name, f"{line.picked} / {line.wanted}", state]
        item = QTreeWidgetItem(texts) if parent is None else QTreeWidgetItem(parent, texts)
        if parent is None:
            self.addTopLevelItem(item)
        brush = QBrush(DONE if state == "picked" else TODO)
        item.setForeground(4, brush)
        item.setForeground(3, brush)
        item.setData(0, Qt.ItemDataRole.UserRole, line.kind)
        return item

    def rows(self) -> list[tuple[str, str, str]]:
        """(tag or name, "picked/wanted", state) of every row, kit members included (tests)."""
        out: list[tuple[str, str, str]] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append((item.text(1) or item.text(2), item.text(3).replace(" ", ""), item.text(4)))
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    walk(child)

        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None:
                walk(top)
        return out
