"""The detail panel of the inventory: every field of one asset, its kit and its history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.models import AssetStatus
from gearroom.services import catalog, history
from gearroom.services.catalog import AssetView, FieldSpec
from gearroom.services.history import EventView
from gearroom.ui.models.status import STATUS_STYLES, status_label
from gearroom.ui.widgets.history_view import HistoryView

EMPTY = "—"
#: Statuses a person may set by hand from the detail panel (the others have their own action).
MANUAL_STATUSES = (AssetStatus.AVAILABLE, AssetStatus.IN_SERVICE, AssetStatus.LOST)


@dataclass(frozen=True)
class AssetDetails:
    asset: AssetView
    fields: tuple[FieldSpec, ...]
    events: list[EventView]


def load_asset_details(session: Session, asset_id: int) -> AssetDetails:
    """Everything the detail panel shows, read in one session."""
    asset = catalog.get_asset_by_id(session, asset_id)
    category = catalog.get_category(session, asset.category)
    return AssetDetails(asset, category.fields, history.events_for(session, "asset", asset_id))


def format_money(value: Decimal | None) -> str:
    return EMPTY if value is None else f"{value:,.2f}"


def format_attribute(spec: FieldSpec, value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value} {spec.unit}".strip()


def status_badge_style(status: AssetStatus) -> str:
    style = STATUS_STYLES[status]
    return (
        f"QLabel {{ color: white; background: {style.text}; border-radius: 9px;"
        " padding: 2px 10px; font-weight: 600; }"
    )


class AssetDetailPanel(QWidget):
    """Shows one asset; asks the page to edit, retire or change its status."""

    edit_requested = Signal()
    retire_requested = Signal()
    status_requested = Signal(AssetStatus)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assetDetail")
        self.details: AssetDetails | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 8, 8)
        outer.setSpacing(8)

        self.placeholder = QLabel("Select an item to see its details and history.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6b7280;")
        outer.addWidget(self.placeholder, 1)

        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        #: Where the page adds boxes of its own (the rate card).
        self.content_layout = layout
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        outer.addWidget(self.content, 1)

        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("detailStatus")
        head.addWidget(self.title, 1)
        head.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)

        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Edit this item (Ctrl+E, F2 or Enter)")
        self.retire_button = QPushButton("Retire…")
        self.status_button = QPushButton("Set status")
        menu = QMenu(self.status_button)
        self.status_actions: dict[AssetStatus, QAction] = {}
        for status in MANUAL_STATUSES:
            action = menu.addAction(f"Mark {status_label(status).lower()}")
            action.triggered.connect(lambda _=False, s=status: self.status_requested.emit(s))
            self.status_actions[status] = action
        self.status_button.setMenu(menu)
        for button in (self.edit_button, self.retire_button, self.status_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.edit_button.clicked.connect(self.edit_requested)
        self.retire_button.clicked.connect(self.retire_requested)

        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(4)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addLayout(self.form)

        history_title = QLabel("History")
        history_title.setStyleSheet("font-weight: 600; margin-top: 6px;")
        layout.addWidget(history_title)
        self.history = HistoryView()
        layout.addWidget(self.history, 1)
        self.clear()

    def clear(self) -> None:
        self.details = None
        self.content.hide()
        self.placeholder.show()

    def values(self) -> dict[str, str]:
        """The shown fields by label (what a person reads)."""
        out: dict[str, str] = {}
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            label_widget, field_widget = label.widget(), field.widget()
            if isinstance(label_widget, QLabel) and isinstance(field_widget, QLabel):
                out[label_widget.text()] = field_widget.text()
        return out

    def show_details(self, details: AssetDetails) -> None:
        self.details = details
        asset = details.asset
        self.title.setText(f"{asset.tag} · {asset.name}")
        self.status.setText(status_label(asset.status))
        self.status.setStyleSheet(status_badge_style(asset.status))
        retired = asset.status is AssetStatus.RETIRED
        self.edit_button.setEnabled(not retired)
        self.retire_button.setEnabled(asset.status not in (AssetStatus.RETIRED, AssetStatus.OUT))
        self.status_button.setEnabled(asset.status not in (AssetStatus.RETIRED, AssetStatus.OUT))
        for status, action in self.status_actions.items():
            action.setEnabled(status is not asset.status)

        while self.form.rowCount():
            self.form.removeRow(0)
        kit = f"{asset.kit_tag} · {asset.kit_name}" if asset.kit_tag else EMPTY
        rows: list[tuple[str, str]] = [
            ("Category", asset.category),
            ("Make", asset.make or EMPTY),
            ("Model", asset.model or EMPTY),
            ("Serial", asset.serial or EMPTY),
            ("Location", asset.location or EMPTY),
            ("Kit", kit),
        ]
        rows += [
            (spec.label, format_attribute(spec, asset.attributes.get(spec.key)))
            for spec in details.fields
        ]
        rows += [
            ("Purchased", asset.purchase_date.isoformat() if asset.purchase_date else EMPTY),
            ("Value", format_money(asset.purchase_value)),
            ("Notes", asset.notes or EMPTY),
        ]
        for label, value in rows:
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(label)
            caption.setStyleSheet("color: #6b7280;")
            self.form.addRow(caption, value_label)
        self.history.set_events(details.events)
        self.placeholder.hide()
        self.content.show()
