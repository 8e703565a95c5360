"""Models (products) on screen: a picker that books a quantity of a model, and the two-week
availability strip of a model (free of bookable per day)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gearroom.services import product_models
from gearroom.services.product_models import ModelAvailability, ModelSummary
from gearroom.ui.context import AppContext

FREE = QColor("#d8f0df")
TIGHT = QColor("#fff1c2")
NONE_FREE = QColor("#f9d6d3")


class ModelPicker(QWidget):
    """A model, a quantity and "Add": calls ``on_add(name, quantity)``."""

    def __init__(
        self,
        context: AppContext,
        on_add: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setObjectName("modelPicker")
        self.combo.setMinimumWidth(280)
        self.combo.addItem("Choose a model…", None)
        # The models arrive through the door; without them (an error) there is nothing to
        # pick, and gear can still be added by tag.
        context.operations.read(
            product_models.list_models,
            on_done=self._arrived,
            on_error=lambda _exc: None,
            description="Reading the models",
        )
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 999)
        self.quantity.setToolTip("How many of the model")
        add = QPushButton("Add model")
        add.setAutoDefault(False)
        add.clicked.connect(self.add)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.combo, 1)
        box.addWidget(self.quantity)
        box.addWidget(add)
        self._on_add = on_add

    def _arrived(self, rows: list[ModelSummary]) -> None:
        for m in rows:
            self.combo.addItem(f"{m.name}  ({m.bookable} bookable)", m.name)

    def choose(self, name: str) -> bool:
        index = self.combo.findData(name)
        if index > 0:
            self.combo.setCurrentIndex(index)
        return index > 0

    def add(self) -> None:
        name = self.combo.currentData()
        if isinstance(name, str):
            self._on_add(name, self.quantity.value())
            self.quantity.setValue(1)


class ModelStrip(QTableWidget):
    """One column a day: how many serials are free of those bookable (red: none free)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(1, 0, parent)
        self.setObjectName("modelStrip")
        self.setVerticalHeaderLabels(["Free"])
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setFixedHeight(72)

    def show_strip(self, strip: ModelAvailability | None) -> None:
        days = strip.days if strip is not None else ()
        self.setColumnCount(len(days))
        self.setHorizontalHeaderLabels([f"{d.day:%a}\n{d.day:%d}" for d in days])
        for col, d in enumerate(days):
            item = QTableWidgetItem(f"{d.free}/{d.bookable}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            colour = NONE_FREE if d.free <= 0 else TIGHT if d.used_elsewhere else FREE
            item.setBackground(QBrush(colour))
            item.setToolTip(
                f"{d.day.isoformat()}: {d.free} free of {d.bookable}, "
                f"{d.used_elsewhere} booked or out elsewhere"
            )
            self.setItem(0, col, item)

    def cells(self) -> list[str]:
        return [i.text() for c in range(self.columnCount()) if (i := self.item(0, c)) is not None]
