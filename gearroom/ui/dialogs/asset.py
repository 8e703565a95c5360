"""Add or edit a serialized asset, with the extra fields of its category."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.services import catalog
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, AssetView, CategoryView, FieldSpec, LocationView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog, select_data

NO_LOCATION = "— none —"


Loaded = tuple[list[CategoryView], list[LocationView], AssetView | None]


def _loader(asset_id: int | None) -> Callable[[Session], Loaded]:
    def load(session: Session) -> Loaded:
        asset = catalog.get_asset_by_id(session, asset_id) if asset_id is not None else None
        return catalog.list_categories(session), catalog.list_locations(session), asset

    return load


def attribute_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class AssetDialog(FormDialog):
    """New asset when ``asset_id`` is None, else edit that asset. Saves on OK."""

    def __init__(
        self, context: AppContext, asset_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "New item" if asset_id is None else "Edit item", parent)
        self.setObjectName("assetDialog")
        self.asset: AssetView | None = None
        self.categories: list[CategoryView] = []
        self._attribute_inputs: dict[str, QLineEdit] = {}
        self._typed: dict[str, str] = {}

        self.tag = QLineEdit()
        self.tag.setPlaceholderText("Automatic from the category (e.g. CAM-0043)")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. ARRI Alexa Mini LF")
        self.category = QComboBox()
        self.make = QLineEdit()
        self.model = QLineEdit()
        self.serial = QLineEdit()
        self.location = QComboBox()
        self.location.addItem(NO_LOCATION, "")
        self.purchase_date = QLineEdit()
        self.purchase_date.setPlaceholderText("YYYY-MM-DD")
        self.purchase_value = QLineEdit()
        self.purchase_value.setPlaceholderText("0.00")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(72)

        self.add_field("name", "Name", self.name)
        self.add_field("tag", "Tag", self.tag)
        self.add_field("category", "Category", self.category)
        self.add_field("make", "Make", self.make)
        self.add_field("model", "Model", self.model)
        self.add_field("serial", "Serial", self.serial)
        self.add_field("location", "Location", self.location)
        self.add_field("purchase_date", "Purchase date", self.purchase_date)
        self.add_field("purchase_value", "Purchase value", self.purchase_value)
        self.add_field("notes", "Notes", self.notes)

        self.details = QGroupBox()
        self.details_form = QFormLayout(self.details)
        self.details_form.setHorizontalSpacing(12)
        self.details.hide()
        self.body.addWidget(self.details)
        self.finish_layout()
        self._shown_category: CategoryView | None = None
        self.setMinimumWidth(480)
        self.name.setFocus()
        self.load(_loader(asset_id), self._loaded, "Reading the item")

    def _loaded(self, loaded: Loaded) -> None:
        """The categories, locations and the asset edited arrived: fill the form."""
        categories, locations, asset = loaded
        self.asset = asset
        self.categories = categories
        self._typed = {k: attribute_text(v) for k, v in (asset.attributes if asset else {}).items()}
        for cat in categories:
            self.category.addItem(cat.name, cat.id)
        for loc in locations:
            self.location.addItem(loc.name, loc.name)
        if asset is not None:
            self.tag.setText(asset.tag)
            self.name.setText(asset.name)
            self.make.setText(asset.make)
            self.model.setText(asset.model)
            self.serial.setText(asset.serial)
            if asset.purchase_date:
                self.purchase_date.setText(asset.purchase_date.isoformat())
            if asset.purchase_value is not None:
                self.purchase_value.setText(str(asset.purchase_value))
            self.notes.setPlainText(asset.notes)
            select_data(self.category, asset.category_id)
            select_data(self.location, asset.location or "")
        else:
            select_data(self.location, self.context.settings.default_location)
        self._show_category_fields()
        self.category.currentIndexChanged.connect(self._show_category_fields)

    def current_category(self) -> CategoryView | None:
        cat_id = self.category.currentData()
        return next((c for c in self.categories if c.id == cat_id), None)

    def attribute_input(self, key: str) -> QLineEdit | None:
        return self._attribute_inputs.get(key)

    def _show_category_fields(self) -> None:
        """Rebuild the category's extra inputs, keeping what was typed for the same keys."""
        for key, line in self._attribute_inputs.items():
            self._typed[key] = line.text()
            self.forget_field(key)
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        self._attribute_inputs = {}
        category = self.current_category()
        self._shown_category = category
        specs: tuple[FieldSpec, ...] = category.fields if category else ()
        self.details.setTitle(f"{category.name} details" if category else "")
        self.details.setVisible(bool(specs))
        for spec in specs:
            line = QLineEdit(self._typed.get(spec.key, ""))
            line.setObjectName(f"attr_{spec.key}")
            if spec.type == "int":
                line.setPlaceholderText("whole number")
            elif spec.type == "float":
                line.setPlaceholderText("number")
            label = f"{spec.label} ({spec.unit})" if spec.unit else spec.label
            self.add_field(spec.key, label, line, form=self.details_form)
            self._attribute_inputs[spec.key] = line

    def attributes(self) -> dict[str, str]:
        return {key: line.text() for key, line in self._attribute_inputs.items()}

    def save(self) -> int | None:
        category = self.current_category()
        category_name = category.name if category else ""
        location = str(self.location.currentData() or "") or None
        value_text = self.purchase_value.text().strip()
        if self.asset is None:
            draft = AssetDraft(
                name=self.name.text(),
                category=category_name,
                tag=self.tag.text().strip() or None,
                make=self.make.text(),
                model=self.model.text(),
                serial=self.serial.text(),
                location=location,
                purchase_date=self.purchase_date.text(),
                purchase_value=value_text or None,
                notes=self.notes.toPlainText(),
                attributes=self.attributes(),
            )

            def create(session: Session, actor: Actor) -> AssetView:
                return catalog.create_asset(session, actor, draft)

            self.write(create, "asset", lambda view: view.id)
            return None

        changes: dict[str, Any] = {
            "tag": self.tag.text(),
            "name": self.name.text(),
            "category": category_name,
            "make": self.make.text(),
            "model": self.model.text(),
            "serial": self.serial.text(),
            "location": location,
            "purchase_date": self.purchase_date.text(),
            "purchase_value": value_text,
            "notes": self.notes.toPlainText(),
            "attributes": self.attributes(),
        }
        tag = self.asset.tag

        def update(session: Session, actor: Actor) -> AssetView:
            return catalog.update_asset(session, actor, tag, changes)

        self.write(update, "asset", lambda view: view.id)
        return None
