"""Add or edit a bulk stock item (V-mount batteries, SDI cables, media cards)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from gearroom.services import catalog, stock
from gearroom.services.actor import Actor
from gearroom.services.catalog import CategoryView, LocationView
from gearroom.services.stock import StockView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.asset import NO_LOCATION
from gearroom.ui.dialogs.base import FormDialog, select_data

MAX_QUANTITY = 1_000_000

Loaded = tuple[list[CategoryView], list[LocationView], StockView | None]


class StockItemDialog(FormDialog):
    """New stock item when ``tag`` is None, else edit the item with that tag."""

    def __init__(
        self, context: AppContext, tag: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "New stock item" if tag is None else "Edit stock item", parent)
        self.setObjectName("stockItemDialog")

        def load(session: Session) -> Loaded:
            item = stock.get_stock_item(session, tag) if tag else None
            return catalog.list_categories(session), catalog.list_locations(session), item

        self.item: StockView | None = None
        self.tag = QLineEdit()
        self.tag.setPlaceholderText("Automatic from the category (e.g. PWR-0012)")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. V-mount battery 150 Wh")
        self.category = QComboBox()
        self.quantity = QSpinBox()
        self.quantity.setRange(0, MAX_QUANTITY)
        self.quantity.setValue(1)
        self.unit = QLineEdit("pcs")
        self.location = QComboBox()
        self.location.addItem(NO_LOCATION, "")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)

        self.add_field("name", "Name", self.name)
        self.add_field("tag", "Tag", self.tag)
        self.add_field("category", "Category", self.category)
        self.add_field("quantity", "Quantity owned", self.quantity)
        self.add_field("unit", "Unit", self.unit)
        self.add_field("location", "Location", self.location)
        self.add_field("notes", "Notes", self.notes)
        self.finish_layout()
        self.setMinimumWidth(440)
        self.name.setFocus()
        self.load(load, self._loaded, "Reading the stock item")

    def _loaded(self, loaded: Loaded) -> None:
        """The categories, locations and the item edited arrived: fill the form."""
        categories, locations, item = loaded
        self.item = item
        for cat in categories:
            self.category.addItem(cat.name, cat.name)
        for loc in locations:
            self.location.addItem(loc.name, loc.name)
        if item is not None:
            self.tag.setText(item.tag)
            self.name.setText(item.name)
            self.quantity.setValue(item.quantity)
            self.unit.setText(item.unit)
            self.notes.setPlainText(item.notes)
        select_data(self.category, item.category if item else None)
        location = item.location if item else self.context.settings.default_location
        select_data(self.location, location or "")

    def save(self) -> int | None:
        location = str(self.location.currentData() or "") or None
        category = str(self.category.currentData() or "")
        if self.item is None:
            name, quantity, unit = self.name.text(), self.quantity.value(), self.unit.text()
            tag, notes = self.tag.text().strip() or None, self.notes.toPlainText()

            def create(session: Session, actor: Actor) -> StockView:
                return stock.create_stock_item(
                    session,
                    actor,
                    name,
                    category,
                    quantity,
                    tag=tag,
                    location=location,
                    unit=unit,
                    notes=notes,
                )

            self.write(create, "stock", lambda view: view.id)
            return None

        changes: dict[str, Any] = {
            "tag": self.tag.text(),
            "name": self.name.text(),
            "category": category,
            "quantity": self.quantity.value(),
            "unit": self.unit.text(),
            "location": location,
            "notes": self.notes.toPlainText(),
        }
        old_tag = self.item.tag

        def update(session: Session, actor: Actor) -> StockView:
            return stock.update_stock_item(session, actor, old_tag, changes)

        self.write(update, "stock", lambda view: view.id)
        return None
