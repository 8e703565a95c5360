"""The Kits tab: cases and packages, their contents (nested kits included) and history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.services import history, kits
from gearroom.services.history import EventView
from gearroom.services.kits import KitSummary, KitView
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.kit import KitDialog
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.models.status import status_icon, status_label
from gearroom.ui.widgets.history_view import HistoryView
from gearroom.ui.widgets.rate_card import RateCardBox
from gearroom.ui.widgets.record_panel import RecordPanel

KIT_COLUMNS: tuple[RecordColumn[KitSummary], ...] = (
    RecordColumn("Tag", lambda k: k.tag, 96),
    RecordColumn("Name", lambda k: k.name, 260, stretch=True),
    RecordColumn("Inside", lambda k: k.parent_tag or "", 96),
    RecordColumn("Items", lambda k: k.asset_count, 60, align_right=True),
)


@dataclass(frozen=True)
class KitDetails:
    kit: KitView
    events: list[EventView]


PLACEHOLDER = "Select a kit to see its contents and history."


def load_kit_details(session: Session, kit_id: int) -> KitDetails:
    return KitDetails(
        kits.get_kit_by_id(session, kit_id), history.events_for(session, "kit", kit_id)
    )


def fill_contents(parent: QTreeWidget | QTreeWidgetItem, kit: KitView) -> None:
    """Add a kit's members under ``parent``: nested kits (expanded), items, then stock."""

    def add(texts: list[str]) -> QTreeWidgetItem:
        if isinstance(parent, QTreeWidget):
            return QTreeWidgetItem(parent, texts)
        return QTreeWidgetItem(parent, texts)

    for child in kit.kits:
        node = add([child.tag, child.name, "Kit", ""])
        fill_contents(node, child)
        node.setExpanded(True)
    for asset in kit.assets:
        node = add([asset.tag, asset.name, status_label(asset.status), ""])
        node.setIcon(2, status_icon(asset.status))
    for item in kit.stock:
        node = add([item.tag, item.name, "Stock", str(item.quantity)])
        node.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class KitsPanel(RecordPanel[KitSummary]):
    noun = "kits"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, KIT_COLUMNS, lambda k: k.id, "New kit…", parent)
        self.details: KitDetails | None = None
        self.title = QLabel()
        self.title.setObjectName("kitTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #4a5261;")
        self.edit_button = QPushButton("Edit kit…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        self.contents = QTreeWidget()
        self.contents.setObjectName("kitContents")
        self.contents.setHeaderLabels(["Tag", "Name", "Status", "Qty"])
        tree_header = self.contents.header()
        tree_header.setStretchLastSection(False)
        tree_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.contents.setColumnWidth(0, 92)
        self.contents.setColumnWidth(2, 96)
        self.contents.setColumnWidth(3, 40)
        self.history = HistoryView()
        self._chosen: int | None = None
        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6b7280;")
        history_title = QLabel("History")
        history_title.setStyleSheet("font-weight: 600;")
        self._parts: list[QWidget] = [
            self.title,
            self.info,
            self.contents,
            history_title,
            self.history,
        ]
        self.detail_layout.addWidget(self.placeholder)
        self.detail_layout.addWidget(self.title)
        self.detail_layout.addWidget(self.info)
        self.detail_layout.addLayout(buttons)
        self.rates = RateCardBox(context)
        self.detail_layout.addWidget(self.rates)
        self.detail_layout.addWidget(self.contents, 3)
        self.detail_layout.addWidget(history_title)
        self.detail_layout.addWidget(self.history, 2)
        self.edit_button.clicked.connect(self.edit_item)
        self.show_record(None)

    def load(self, session: Session) -> Sequence[KitSummary]:
        return kits.list_kits(session)

    def show_record(self, record: KitSummary | None) -> None:
        """Show the kit chosen: its contents and history are read through the door."""
        self._chosen = record.id if record is not None else None
        if record is None:
            self._show_details(None)
            return
        kit_id = record.id
        self.context.operations.read(
            lambda s: load_kit_details(s, kit_id),
            on_done=lambda details: self._details_arrived(kit_id, details),
            on_error=lambda exc: self._show_details(None, str(exc)),
            description="Reading the kit",
        )

    def _details_arrived(self, kit_id: int, details: KitDetails) -> None:
        if self._chosen == kit_id:  # not another kit chosen meanwhile
            self._show_details(details)

    def _show_details(self, details: KitDetails | None, error: str = "") -> None:
        self.details = details
        self.placeholder.setText(error or PLACEHOLDER)
        shown = self.details is not None
        self.placeholder.setVisible(not shown)
        self.edit_button.setVisible(shown)
        for part in self._parts:
            part.setVisible(shown)
        self.contents.clear()
        self.rates.show_tag(self.details.kit.tag if self.details else None)
        if self.details is None:
            return
        kit = self.details.kit
        self.title.setText(f"{kit.tag} · {kit.name}")
        where = [f"Location: {kit.location or '—'}"]
        if kit.parent_tag:
            where.append(f"inside {kit.parent_tag}")
        count = len(kit.all_assets())
        where.append(f"{count} item{'s' if count != 1 else ''} in all")
        self.info.setText(" · ".join(where) + (f"\n{kit.notes}" if kit.notes else ""))
        self.contents.setRootIsDecorated(bool(kit.kits))
        fill_contents(self.contents, kit)
        self.history.set_events(self.details.events)

    def _open(self, dialog: KitDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, kit_id: int) -> None:
        self.refresh(select=kit_id)

    def new_item(self) -> None:
        self._open(KitDialog(self.context, parent=self))

    def edit_item(self) -> None:
        if self.details is not None:
            self._open(KitDialog(self.context, self.details.kit.tag, parent=self))
