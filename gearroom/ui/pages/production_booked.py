"""The productions page's booked-gear table: serial, kit and stock reservations beside the
model bookings (a quantity of a model, no serial chosen yet), one row each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from gearroom.services.model_bookings import ModelLine
from gearroom.services.reservations import ReservationView
from gearroom.ui.models.records import RecordColumn

#: What the tag column shows for a model booking: any free serial of the model will do.
ANY_SERIAL = "(any serial)"


@dataclass(frozen=True)
class BookedRow:
    """One row of the booked-gear table."""

    key: int  # unique in the table (serial reservations even, model lines odd)
    kind: str  # "asset", "stock" or "model"
    item_id: int  # the asset, stock item or model
    tag: str
    name: str
    quantity: int
    kit_tag: str | None
    start: date
    end: date
    override_reason: str
    #: The model booking line, for a model row.
    line_id: int | None = None

    @property
    def is_model(self) -> bool:
        return self.kind == "model"

    @property
    def label(self) -> str:
        """How the row is named in a question: ``CAM-0003  ARRI Alexa 35`` or
        ``2 × ARRI Alexa Mini LF (any serial)``."""
        if self.is_model:
            return f"{self.quantity} × {self.name} {ANY_SERIAL}"
        qty = f" × {self.quantity}" if self.kind == "stock" else ""
        return f"{self.tag}  {self.name}{qty}"


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


BOOKED_COLUMNS: tuple[RecordColumn[BookedRow], ...] = (
    RecordColumn("Tag", lambda r: ANY_SERIAL if r.is_model else r.tag, 86),
    RecordColumn("Item", lambda r: r.name, 200, stretch=True),
    RecordColumn("Qty", lambda r: r.quantity, 40, align_right=True),
    RecordColumn("Kit", lambda r: r.kit_tag or "", 80),
    RecordColumn("From", lambda r: _d(r.start), 86),
    RecordColumn("To", lambda r: _d(r.end), 86),
    RecordColumn("Override", lambda r: r.override_reason, 120),
)


def booked_rows(
    reservations: Sequence[ReservationView], models: Sequence[ModelLine]
) -> list[BookedRow]:
    """Model bookings first (by model), then the reservations in their own order."""
    rows = [
        BookedRow(
            key=ln.id * 2 + 1,
            kind="model",
            item_id=ln.model_id,
            tag="",
            name=ln.model,
            quantity=ln.quantity,
            kit_tag=None,
            start=ln.start,
            end=ln.end,
            override_reason=ln.override_reason,
            line_id=ln.id,
        )
        for ln in models
    ]
    rows += [
        BookedRow(
            key=r.id * 2,
            kind=r.item_kind,
            item_id=r.item_id,
            tag=r.tag,
            name=r.name,
            quantity=r.quantity,
            kit_tag=r.kit_tag,
            start=r.start,
            end=r.end,
            override_reason=r.override_reason,
        )
        for r in reservations
    ]
    return rows


def spec_of(row: BookedRow) -> str:
    """The item spec a serial or stock row is released by (``TAG`` or ``TAG:QTY``)."""
    return row.tag if row.kind == "asset" else f"{row.tag}:{row.quantity}"
