"""The booking lifecycle on the productions page: release booked items, swap a unit, move the
dates (conflicts shown, an override needs a reason), cancel the production, close out at wrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QPushButton
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, GearroomError
from gearroom.models import ShootDayKind
from gearroom.services import lifecycle, model_bookings, reservations
from gearroom.services.actor import Actor
from gearroom.services.checkout_out import OutLine, out_lines
from gearroom.services.productions import ProductionView
from gearroom.ui.pages.production_booked import BookedRow, spec_of

if TYPE_CHECKING:
    from gearroom.ui.pages.productions import ProductionsPage

#: What "Move dates…" can move.
WHICH_DAYS = ("Every day", "The wrap day(s)", "The prep day(s)", "The shoot days")
KINDS: dict[str, tuple[ShootDayKind, ...]] = {
    WHICH_DAYS[0]: (ShootDayKind.PREP, ShootDayKind.SHOOT, ShootDayKind.WRAP),
    WHICH_DAYS[1]: (ShootDayKind.WRAP,),
    WHICH_DAYS[2]: (ShootDayKind.PREP,),
    WHICH_DAYS[3]: (ShootDayKind.SHOOT,),
}
SHOWN_LINES = 20
#: A model booking line to release: (line id, units; None for the whole line).
ModelPart = tuple[int, int | None]


def moved_days(p: ProductionView, which: str, shift: int) -> dict[str, list[date]]:
    """The ``prep``/``shoot``/``wrap`` day lists of ``p`` with ``which`` days moved."""
    out: dict[str, list[date]] = {}
    for kind in KINDS[which]:
        out[kind.value] = [d.day + timedelta(days=shift) for d in p.days if d.kind is kind]
    return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Released:
    bookings: int  # serial, kit and stock bookings
    model_units: int


def release_booked(
    session: Session, actor: Actor, production: str, specs: list[str], models: list[ModelPart]
) -> Released:
    """Release serial/stock bookings and model lines (whole or part) in one transaction."""
    bookings = reservations.cancel_reservations(session, actor, production, specs) if specs else 0
    units = sum(
        model_bookings.release_model_line(session, actor, production, line_id, qty)
        for line_id, qty in models
    )
    return Released(bookings, units)


def released_text(r: Released, production: str) -> str:
    parts = [f"{r.bookings} booking(s)"] if r.bookings else []
    if r.model_units:
        parts.append(f"{r.model_units} model unit(s)")
    return f"{' and '.join(parts) or 'Nothing'} released from {production}."


class LifecycleActions(QObject):
    """The buttons and what they do; questions go through replaceable hooks (tests)."""

    def __init__(self, page: ProductionsPage) -> None:
        super().__init__(page)
        self.page = page
        self.release_button = QPushButton("Release…")
        self.release_button.setToolTip("Release the selected booked items")
        self.swap_button = QPushButton("Swap unit…")
        self.move_button = QPushButton("Move dates…")
        self.cancel_button = QPushButton("Cancel production…")
        self.close_out_button = QPushButton("Close out…")
        self.close_out_button.setToolTip("At wrap: mark everything still out as missing")
        for button, slot in (
            (self.release_button, self.release),
            (self.swap_button, self.swap),
            (self.move_button, self.move_dates),
            (self.cancel_button, self.cancel),
            (self.close_out_button, self.close_out),
        ):
            button.clicked.connect(lambda _c=False, s=slot: s())
        self.confirm: Callable[[str, str, str], bool] = self._confirm
        self.ask_text: Callable[[str, str], str | None] = self._ask_text
        self.ask_move: Callable[[], tuple[str, int] | None] = self._ask_move
        self.ask_quantity: Callable[[str, str, int], int | None] = self._ask_quantity
        self.set_enabled(False)

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.release_button,
            self.swap_button,
            self.move_button,
            self.cancel_button,
            self.close_out_button,
        )

    def set_enabled(self, on: bool) -> None:
        for button in self.buttons:
            button.setEnabled(on)

    # ------------------------------------------------------------------ questions

    def _confirm(self, title: str, text: str, yes: str) -> bool:
        box = QMessageBox(self.page)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        return box.clickedButton() is confirm

    def _ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.page, title, label, QLineEdit.EchoMode.Normal)
        return text.strip() if ok and text.strip() else None

    def _ask_quantity(self, title: str, label: str, maximum: int) -> int | None:
        value, ok = QInputDialog.getInt(self.page, title, label, maximum, 1, maximum)
        return value if ok else None

    def _ask_move(self) -> tuple[str, int] | None:
        which, ok = QInputDialog.getItem(
            self.page, "Move dates", "Move", list(WHICH_DAYS), 0, False
        )
        if not ok:
            return None
        shift, ok = QInputDialog.getInt(
            self.page, "Move dates", f"{which}: by how many days (negative: earlier)", 1, -365, 365
        )
        return (which, shift) if ok and shift else None

    # ------------------------------------------------------------------ helpers

    def _production(self) -> ProductionView | None:
        detail = self.page.detail
        if detail is None:
            self.page.message.setText("Choose a production first.")
            return None
        return detail.production

    def _selected(self) -> list[BookedRow]:
        table = self.page.reserved
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        records = [r for row in rows if (r := table.records_model.record(row)) is not None]
        current = table.current_record()
        return records or ([current] if current is not None else [])

    def _write(
        self,
        fn: Callable[[Session, Actor], Any],
        done: Callable[[Any], str],
        description: str,
        on_conflict: Callable[[GearroomError], None] | None = None,
    ) -> None:
        def failed(exc: GearroomError) -> None:
            if on_conflict is not None and isinstance(exc, ConflictError):
                on_conflict(exc)
            else:
                self.page.message.setText(str(exc))

        self.page.context.operations.write(
            fn,
            "production,asset,stock",
            on_done=lambda value: self.page.message.setText(done(value)),
            on_error=failed,
            description=description,
        )

    def _override(self, exc: GearroomError, retry: Callable[[str], None]) -> None:
        self.page.message.setText(str(exc))
        reason = self.ask_text("Conflicts", f"{exc}\n\nSave anyway? Say why (kept in history):")
        if reason:
            retry(reason)

    # ------------------------------------------------------------------ actions

    def release(self) -> None:
        """Release the selected bookings; one model line alone asks how many of it."""
        p = self._production()
        chosen = self._selected()
        if p is None:
            return
        if not chosen:
            self.page.message.setText("Select the booked items to release.")
            return
        models: list[ModelPart] = [(r.line_id, None) for r in chosen if r.line_id is not None]
        lines = [r.label for r in chosen]
        if len(chosen) == 1 and chosen[0].is_model and chosen[0].quantity > 1:
            row = chosen[0]
            qty = self.ask_quantity(
                "Release booked units",
                f"Release how many of the {row.quantity} × {row.name} booked for {p.name}?",
                row.quantity,
            )
            if qty is None:
                return
            models = [(models[0][0], qty)]
            lines = [f"{qty} of {row.label}"]
        names = "\n".join(f"• {text}" for text in lines[:SHOWN_LINES])
        if not self.confirm(
            "Release booked items",
            f"Release {len(chosen)} booking(s) from {p.name}?\n\n{names}",
            "Release",
        ):
            return
        specs = [spec_of(r) for r in chosen if not r.is_model]
        tag, name = p.tag, p.name
        self._write(
            lambda s, a: release_booked(s, a, tag, specs, models),
            lambda r: released_text(r, name),
            "Releasing bookings",
        )

    def swap(
        self,
        override: str | None = None,
        new_tag: str | None = None,
        old_tag: str | None = None,
    ) -> None:
        """Book another unit in place of the selected one; on a model line, first ask which
        of its serials (a faulty body back from the shoot) is replaced."""
        p = self._production()
        chosen = [r for r in self._selected() if r.kind == "asset" or r.is_model]
        if p is None:
            return
        if len(chosen) != 1:
            self.page.message.setText("Select the one booked item to swap.")
            return
        row = chosen[0]
        old = old_tag or (
            self.ask_text("Swap unit", f"Which {row.name} is to be replaced? (its tag)")
            if row.is_model
            else row.tag
        )
        if not old:
            return
        new = new_tag or self.ask_text("Swap unit", f"Book which unit in place of {old}? (its tag)")
        if not new:
            return
        tag = p.tag
        self._write(
            lambda s, a: lifecycle.swap(s, a, tag, old, new, override_reason=override),
            lambda r: f"{r.new_tag} now booked in place of {r.old_tag}.",
            "Swapping a unit",
            # A model's serial is swapped only for a free one: no override to offer.
            on_conflict=None
            if override or row.is_model
            else lambda e: self._override(e, lambda why: self.swap(why, new, old)),
        )

    def move_dates(self, override: str | None = None, move: tuple[str, int] | None = None) -> None:
        p = self._production()
        if p is None:
            return
        move = move or self.ask_move()
        if move is None:
            return
        days, tag = moved_days(p, *move), p.tag
        if not days:
            self.page.message.setText(f"{p.name} has no such days to move.")
            return

        def done(r: lifecycle.MoveResult) -> str:
            text = (
                f"{r.production}: now {r.start.isoformat()} to {r.end.isoformat()}; "
                f"{r.reservations_moved} booking(s) moved, due-back of "
                f"{r.checkouts_due_back} check-out(s) follows."
            )
            if r.conflicts:
                text += f" {len(r.conflicts)} conflict(s) overridden: {r.override_reason}"
            return text

        self._write(
            lambda s, a: lifecycle.move_dates(
                s,
                a,
                tag,
                prep=days.get("prep"),
                shoot=days.get("shoot"),
                wrap=days.get("wrap"),
                override_reason=override,
            ),
            done,
            "Moving the dates",
            on_conflict=None
            if override
            else lambda e: self._override(e, lambda why: self.move_dates(why, move)),
        )

    def cancel(self) -> None:
        p = self._production()
        if p is None:
            return
        reason = self.ask_text(
            "Cancel production",
            f"Cancel {p.name}? Its bookings are released; it stays in history.\n\nWhy?",
        )
        if not reason:
            return
        tag = p.tag
        self._write(
            lambda s, a: lifecycle.cancel_production(s, a, tag, reason),
            lambda r: (
                f"{r.production} cancelled: {len(r.released)} booking(s) and "
                f"{r.models_released} model unit(s) released."
            ),
            "Cancelling the production",
        )

    def close_out(self) -> None:
        p = self._production()
        if p is None:
            return
        pid, tag, name = p.id, p.tag, p.name
        # What is still out is read through the door; the question follows when it comes back.
        self.page.context.operations.read(
            lambda s: [ln for ln in out_lines(s, production_id=pid) if not ln.missing],
            on_done=lambda still: self._close_out(tag, name, still),
            on_error=lambda exc: self.page.message.setText(str(exc)),
            description="Reading what is still out",
        )

    def _close_out(self, tag: str, name: str, still: list[OutLine]) -> None:
        if not still:
            self.page.message.setText(f"{name} has nothing out; there is nothing to close out.")
            return
        names = "\n".join(
            f"• {ln.tag}  {ln.name}" + (f" × {ln.quantity}" if ln.quantity > 1 else "")
            for ln in still[:SHOWN_LINES]
        )
        more = f"\n…and {len(still) - SHOWN_LINES} more" if len(still) > SHOWN_LINES else ""
        if not self.confirm(
            "Close out",
            f"{len(still)} line(s) of {name} are still out. Mark them all missing?\n\n"
            f"{names}{more}",
            "Mark missing",
        ):
            return
        self._write(
            lambda s, a: lifecycle.close_out(s, a, tag),
            lambda r: f"Closed out {r.production}: {len(r.missing)} line(s) marked missing.",
            "Closing out",
        )
