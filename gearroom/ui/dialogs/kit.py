"""Add or edit a kit: its name, where it sits (a location or a parent kit) and its members.

Members are added by tag (scan or type) and removed from the list; nothing is written until
Save, and then everything is written in one transaction or, on any error, not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, GearroomError, ValidationError
from gearroom.models import TagKind
from gearroom.services import catalog, kits, resolver
from gearroom.services.actor import Actor
from gearroom.services.catalog import LocationView
from gearroom.services.kits import KitSummary, KitView
from gearroom.services.resolver import Resolved
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.asset import NO_LOCATION
from gearroom.ui.dialogs.base import ERROR_STYLE, FormDialog, select_data

NO_PARENT = "— not inside another kit —"
KIND_LABELS = {TagKind.ASSET: "Item", TagKind.STOCK: "Stock", TagKind.KIT: "Kit"}

Loaded = tuple[list[KitSummary], list[LocationView], KitView | None]


@dataclass(frozen=True)
class Member:
    """A line of the member list: an item, a stock quantity or a kit inside this kit."""

    tag: str
    name: str
    kind: TagKind
    quantity: int = 1


def members_of(kit: KitView) -> list[Member]:
    """The direct members of ``kit`` (nested kits are one line each)."""
    return [
        *(Member(a.tag, a.name, TagKind.ASSET) for a in kit.assets),
        *(Member(k.tag, k.name, TagKind.KIT) for k in kit.kits),
        *(Member(s.tag, s.name, TagKind.STOCK, s.quantity) for s in kit.stock),
    ]


class KitDialog(FormDialog):
    """New kit when ``tag`` is None, else edit the kit with that tag."""

    def __init__(
        self, context: AppContext, tag: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "New kit" if tag is None else "Edit kit", parent)
        self.setObjectName("kitDialog")

        def load(session: Session) -> Loaded:
            kit = kits.get_kit(session, tag) if tag else None
            return kits.list_kits(session), catalog.list_locations(session), kit

        self.kit: KitView | None = None
        self._saved_members: list[Member] = []
        self._members: list[Member] = []

        self.tag = QLineEdit(tag or "")
        self.tag.setPlaceholderText("Automatic (KIT-0001…)")
        self.tag.setReadOnly(tag is not None)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Alexa Mini LF camera package")
        self.parent_kit = QComboBox()
        self.parent_kit.addItem(NO_PARENT, "")
        self.location = QComboBox()
        self.location.addItem(NO_LOCATION, "")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(56)

        self.add_field("name", "Name", self.name)
        self.add_field("tag", "Tag", self.tag)
        self.add_field("parent", "Inside kit", self.parent_kit)
        self.add_field("location", "Location", self.location)
        self.add_field("notes", "Notes", self.notes)

        box = QGroupBox("Contents")
        box_layout = QVBoxLayout(box)
        self.member_table = QTableWidget(0, 4)
        self.member_table.setObjectName("kitMembers")
        self.member_table.setHorizontalHeaderLabels(["Tag", "Name", "Kind", "Qty"])
        self.member_table.verticalHeader().hide()
        self.member_table.verticalHeader().setDefaultSectionSize(24)
        self.member_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.member_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.member_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.member_table.setColumnWidth(0, 96)
        self.member_table.setColumnWidth(2, 60)
        self.member_table.setColumnWidth(3, 48)
        self.member_table.setMinimumHeight(180)
        box_layout.addWidget(self.member_table)

        add_row = QHBoxLayout()
        self.member_tag = QLineEdit()
        self.member_tag.setObjectName("memberTag")
        self.member_tag.setPlaceholderText("Scan or type a tag to add (item, stock or kit)")
        self.member_quantity = QSpinBox()
        self.member_quantity.setRange(1, 10_000)
        self.member_quantity.setToolTip("Quantity, for stock items")
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        add_row.addWidget(self.member_tag, 1)
        add_row.addWidget(self.member_quantity)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.remove_button)
        box_layout.addLayout(add_row)
        self._member_error = QLabel()
        self._member_error.setObjectName("error_member")
        self._member_error.setWordWrap(True)
        self._member_error.setStyleSheet(ERROR_STYLE)
        self._member_error.hide()
        box_layout.addWidget(self._member_error)
        self.body.addWidget(box, 1)
        self.finish_layout(stretch=False)

        self.add_button.clicked.connect(self.add_member_from_input)
        self.remove_button.clicked.connect(self.remove_selected_member)
        self.member_tag.returnPressed.connect(self.add_member_from_input)
        self._show_members()
        self.resize(560, 600)
        self.name.setFocus()
        self.load(load, self._loaded, "Reading the kit")

    def _loaded(self, loaded: Loaded) -> None:
        """The kits, locations and the kit edited arrived: fill the form and the contents."""
        all_kits, locations, kit = loaded
        self.kit = kit
        self._saved_members = members_of(kit) if kit else []
        self._members = list(self._saved_members)
        for other in all_kits:
            if kit is None or other.id != kit.id:
                self.parent_kit.addItem(f"{other.tag} · {other.name}", other.tag)
        for loc in locations:
            self.location.addItem(loc.name, loc.name)
        if kit is not None:
            self.tag.setText(kit.tag)
            self.name.setText(kit.name)
            self.notes.setPlainText(kit.notes)
        select_data(self.parent_kit, kit.parent_tag if kit and kit.parent_tag else "")
        select_data(
            self.location,
            (kit.location if kit else self.context.settings.default_location) or "",
        )
        self._show_members()

    # ------------------------------------------------------------------ members

    def members(self) -> list[Member]:
        return list(self._members)

    def member_error_text(self) -> str:
        return "" if self._member_error.isHidden() else self._member_error.text()

    def _show_members(self) -> None:
        self.member_table.setRowCount(len(self._members))
        for row, member in enumerate(self._members):
            cells = (member.tag, member.name, KIND_LABELS[member.kind], str(member.quantity))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.member_table.setItem(row, col, item)

    def add_member_from_input(self) -> None:
        """Look the typed tag up through the door and list it; nothing is saved until Save."""
        self._member_error.hide()
        text = self.member_tag.text()
        if not text.strip():
            return
        quantity = self.member_quantity.value()
        self.context.operations.read(
            lambda s: resolver.resolve(s, text),
            on_done=lambda found: self._add_found(found, quantity),
            on_error=self._refuse_member,
            description="Looking the tag up",
        )

    def _refuse_member(self, exc: GearroomError) -> None:
        self._member_error.setText(str(exc))
        self._member_error.show()

    def _add_found(self, found: Resolved, quantity: int) -> None:
        try:
            member = self._member(found, quantity)
        except GearroomError as exc:
            self._refuse_member(exc)
            return
        existing = next((i for i, m in enumerate(self._members) if m.tag == member.tag), None)
        if existing is not None and member.kind is TagKind.STOCK:
            old = self._members[existing]
            self._members[existing] = Member(
                old.tag, old.name, old.kind, old.quantity + member.quantity
            )
        elif existing is not None:
            self._refuse_member(ConflictError(f"{member.tag} is in this kit already."))
            return
        else:
            self._members.append(member)
        self._show_members()
        self.member_tag.clear()
        self.member_quantity.setValue(1)

    def _member(self, found: Resolved, quantity: int) -> Member:
        if found.kind not in KIND_LABELS:
            raise ValidationError(
                f"{found.tag} is a {found.kind.value} ({found.label}); only items, stock and "
                "kits go in a kit."
            )
        if self.kit is not None and found.kind is TagKind.KIT and found.id == self.kit.id:
            raise ConflictError(f"{found.tag} cannot go inside itself.")
        qty = quantity if found.kind is TagKind.STOCK else 1
        return Member(found.tag, found.label, found.kind, qty)

    def remove_selected_member(self) -> None:
        rows = sorted({i.row() for i in self.member_table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self._members[row]
        self._show_members()

    # ------------------------------------------------------------------ saving

    def _member_changes(self) -> tuple[list[str], list[Member]]:
        """(tags to take out, members to put in) turning the saved contents into the list."""
        saved = {m.tag: m for m in self._saved_members}
        wanted = {m.tag: m for m in self._members}
        removals = [tag for tag in saved if tag not in wanted]
        additions: list[Member] = []
        for tag, member in wanted.items():
            before = saved.get(tag)
            if before is None:
                additions.append(member)
            elif member.quantity != before.quantity:
                # A changed stock quantity: take the line out and put the new count back.
                removals.append(tag)
                additions.append(member)
        return removals, additions

    def save(self) -> int | None:
        name = self.name.text()
        parent = str(self.parent_kit.currentData() or "") or None
        location = str(self.location.currentData() or "") or None
        notes = self.notes.toPlainText()
        new_tag = self.tag.text().strip() or None
        removals, additions = self._member_changes()
        kit = self.kit

        def write(session: Session, actor: Actor) -> int:
            if kit is None:
                view = kits.create_kit(
                    session, actor, name, tag=new_tag, parent=parent, location=location, notes=notes
                )
            else:
                view = kits.update_kit(
                    session,
                    actor,
                    kit.tag,
                    {"name": name, "parent": parent, "location": location, "notes": notes},
                )
            for tag in removals:
                kits.remove_from_kit(session, actor, view.tag, tag)
            for member in additions:
                kits.add_to_kit(session, actor, view.tag, member.tag, member.quantity)
            return view.id

        self.write(write, "kit", lambda kit_id: kit_id)
        return None
