"""Reserve gear for a production: items, kits (all their contents) and stock quantities.

The conflicts are checked as gear is added and shown before anything is saved; saving despite
them needs an explicit override with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, GearroomError
from gearroom.services import model_bookings, reservations, resolver
from gearroom.services.actor import Actor
from gearroom.services.gear_lists import ItemSpec
from gearroom.services.productions import ProductionView
from gearroom.services.reservations import ReservationCheck
from gearroom.services.resolver import Resolved
from gearroom.ui.context import AppContext
from gearroom.ui.dialogs.base import FormDialog
from gearroom.ui.widgets.desk_common import to_date
from gearroom.ui.widgets.model_strip import ModelPicker


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ReservationDialog(FormDialog):
    """Gear list + window + the conflicts they would cause; Save books it."""

    def __init__(
        self, context: AppContext, production: ProductionView, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Reserve gear for {production.name}", parent)
        self.production = production
        self.resize(680, 600)
        self.check: ReservationCheck | None = None
        self._checks = 0  # how many checks were asked for: only the newest one shows
        self._booking = False  # Save is waiting for its conflict check
        self.wanted: list[tuple[str, int, str]] = []  # tag, quantity, label
        start = production.window_start or date.today()
        end = production.window_end or start
        self.start = QDateEdit(_qdate(start))
        self.end = QDateEdit(_qdate(end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.run_check())
        window = QWidget()
        wl = QHBoxLayout(window)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.start)
        wl.addWidget(QLabel("to"))
        wl.addWidget(self.end)
        wl.addStretch(1)
        self.add_field("window", "Window", window)

        self.tag = QLineEdit()
        self.tag.setPlaceholderText("Tag of an item, kit or stock item (scan or type), Enter adds")
        self.tag.returnPressed.connect(self.add_from_field)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 9999)
        self.quantity.setToolTip("Quantity (stock)")
        add = QPushButton("Add")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_from_field)
        adder = QWidget()
        al = QHBoxLayout(adder)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.tag, 1)
        al.addWidget(self.quantity)
        al.addWidget(add)
        self.add_field("items", "Add", adder)
        self.models = ModelPicker(context, self._add_model)
        self.add_field("models", "Or a model", self.models)
        self.wanted_models: list[tuple[str, int]] = []  # model name, quantity
        self.gear = QListWidget()
        self.form.addRow("Gear", self.gear)
        remove = QPushButton("Remove selected")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_selected)
        self.form.addRow("", remove)
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("conflictList")
        self.status = QLabel("Add gear to see whether it is free.")
        self.status.setWordWrap(True)
        self.form.addRow("Conflicts", self.conflicts)
        self.form.addRow("", self.status)
        self.override = QCheckBox("Book it anyway despite the conflicts")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why (required to override)")
        self.reason.setEnabled(False)
        self.override.toggled.connect(self.reason.setEnabled)
        self.form.addRow("", self.override)
        self.add_field("override_reason", "Reason", self.reason)
        self.finish_layout(stretch=False)
        self.tag.setFocus()

    # ------------------------------------------------------------------ gear

    def add_tag(
        self, text: str, quantity: int = 1, then: Callable[[], object] | None = None
    ) -> bool:
        """Add a tag to the list (resolved for its name, through the door) and check the
        conflicts again; ``then`` runs once it is listed. True when it was listed before
        this returns (the door's synchronous mode); an unknown tag shows above the form."""
        added: list[bool] = []

        def found(resolved: Resolved) -> None:
            self._add_found(resolved, quantity)
            added.append(True)
            if then is not None:
                then()

        self.context.operations.read(
            lambda s: resolver.resolve(s, text),
            on_done=found,
            on_error=self.show_error,
            description="Looking the tag up",
        )
        return bool(added)

    def _add_found(self, found: Resolved, quantity: int) -> None:
        qty = quantity if found.kind.value == "stock" else 1
        for i, (tag, q, label) in enumerate(self.wanted):
            if tag == found.tag:
                self.wanted[i] = (tag, q + qty if found.kind.value == "stock" else q, label)
                break
        else:
            self.wanted.append((found.tag, qty, f"{found.kind.value}: {found.label}"))
        self.clear_errors()
        self._show_gear()
        self.run_check()

    def add_from_field(self) -> None:
        text = self.tag.text()
        if text.strip():
            self.add_tag(text, self.quantity.value(), then=self._clear_field)

    def _clear_field(self) -> None:
        self.tag.clear()
        self.quantity.setValue(1)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.gear.selectedIndexes()}, reverse=True)
        for row in rows:
            if row >= len(self.wanted):
                del self.wanted_models[row - len(self.wanted)]
            else:
                del self.wanted[row]
        self._show_gear()
        self.run_check()

    def _add_model(self, name: str, quantity: int) -> None:
        """Book ``quantity`` of a model: any of its free serials, chosen at check-out."""
        for i, (have, q) in enumerate(self.wanted_models):
            if have == name:
                self.wanted_models[i] = (name, q + quantity)
                break
        else:
            self.wanted_models.append((name, quantity))
        self.clear_errors()
        self._show_gear()

    def _show_gear(self) -> None:
        self.gear.clear()
        for tag, qty, label in self.wanted:
            amount = f" × {qty}" if qty > 1 else ""
            self.gear.addItem(f"{tag}{amount}  {label}")
        for name, qty in self.wanted_models:
            self.gear.addItem(f"{qty} × {name}  model: any free serial")

    def items(self) -> list[ItemSpec]:
        return [(tag, qty) for tag, qty, _ in self.wanted]

    # ------------------------------------------------------------------ conflicts

    def dates(self) -> tuple[date, date]:
        return to_date(self.start.date()), to_date(self.end.date())

    def run_check(
        self, then: Callable[[ReservationCheck | None], object] | None = None
    ) -> ReservationCheck | None:
        """What saving would run into (nothing is written), read through the door.

        The answer shows in the dialog and goes to ``then`` (None when there is no gear or
        the check failed); it is returned too when it came before this returns (the door's
        synchronous mode). An answer overtaken by a newer check is dropped."""
        self.conflicts.clear()
        self.check = None
        self._checks += 1
        generation = self._checks
        if not self.wanted:
            self.status.setText("Add gear to see whether it is free.")
            if then is not None:
                then(None)
            return None
        start, end = self.dates()
        tag, items = self.production.tag, self.items()
        self.status.setText("Checking…")

        def done(check: ReservationCheck) -> None:
            if generation == self._checks:
                self._show_check(check, start, end)
            if then is not None:
                then(check)

        def failed(exc: GearroomError) -> None:
            if generation == self._checks:
                self.status.setText(str(exc))
            if then is not None:
                then(None)

        self.context.operations.read(
            lambda s: reservations.check_reservation(s, tag, items, start=start, end=end),
            on_done=done,
            on_error=failed,
            description="Checking the reservation",
        )
        return self.check

    def _show_check(self, check: ReservationCheck, start: date, end: date) -> None:
        self.check = check
        for c in check.conflicts:
            item = QListWidgetItem(c.message)
            item.setForeground(QColor("#b3261e"))
            self.conflicts.addItem(item)
        pieces = f"{check.asset_count} item(s), {check.stock_count} stock line(s)"
        if check.already_reserved:
            pieces += f" ({len(check.already_reserved)} reserved for it already)"
        if check.ok:
            self.status.setText(f"All free {start.isoformat()}..{end.isoformat()}: {pieces}.")
        elif check.overridable:
            self.status.setText(
                f"{len(check.conflicts)} conflict(s) for {pieces}. Remove them, or book anyway "
                "with a reason."
            )
        else:
            self.status.setText(
                f"{len(check.conflicts)} conflict(s); retired gear cannot be booked at all."
            )

    def save(self) -> int | None:
        """Check the conflicts again (through the door), then book when they allow it."""
        if self._booking:
            return None
        self._booking = True
        self.run_check(then=self._book_checked)
        return None

    def _book_checked(self, check: ReservationCheck | None) -> None:
        self._booking = False
        try:
            self._book(check)
        except GearroomError as exc:
            self.show_error(exc)

    def _book(self, check: ReservationCheck | None) -> None:
        if check is not None and check.conflicts and not self.override.isChecked():
            raise ConflictError(
                f"{len(check.conflicts)} conflict(s), listed below. Remove that gear, or tick "
                "'Book it anyway' and say why."
            )
        start, end = self.dates()
        tag, items = self.production.tag, self.items()
        reason = self.reason.text() if self.override.isChecked() else None
        models = list(self.wanted_models)
        production_id = self.production.id
        if not items and not models:
            raise ConflictError("Add the gear to reserve first.")

        def book(s: Session, a: Actor) -> int:
            count = 0
            if items:
                count += len(
                    reservations.reserve(
                        s, a, tag, items, start=start, end=end, override_reason=reason
                    ).reserved
                )
            if models:
                # The service takes how many in all: add what the production holds already.
                held: dict[str, int] = {}
                for line in model_bookings.model_lines(s, production_id):
                    held[line.model] = held.get(line.model, 0) + line.quantity
                totals = [(name, held.get(name, 0) + q) for name, q in models]
                model_bookings.reserve_models(
                    s, a, tag, totals, start=start, end=end, override_reason=reason
                )
                count += sum(q for _n, q in models)
            return count

        self.write(book, "reservation", lambda count: count)
