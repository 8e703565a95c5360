"""New assets of an import written in batches: the same rows, tags, models and history events
as :func:`gearroom.services.catalog.create_asset` writes one at a time, in a few statements
per batch instead of some fifteen per row.

A row comes here only when everything about it is known without the database: a category and
a location that exist, no status and no custody to apply. Its values are checked as
``create_asset`` checks them (a row that does not pass goes the ordinary way, which reports
it), its tag is the next free one of its category, and its history event is chained in order.
The batch is written before any other write of the import (so events keep the order of the
rows) and in a savepoint: when the database refuses it, nothing of it stays and its rows are
run again one at a time, so the row at fault gets its own report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, event, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from gearroom.errors import GearroomError
from gearroom.models import (
    Asset,
    AssetStatus,
    Category,
    Event,
    Location,
    ProductModel,
    Tag,
    TagKind,
    utcnow,
)
from gearroom.services import history
from gearroom.services.actor import Actor
from gearroom.services.amounts import minor_digits, parse_amount
from gearroom.services.catalog import AssetDraft, validate_attributes
from gearroom.services.pricing import load_rules
from gearroom.services.product_models import model_name
from gearroom.services.tags import validate_tag
from gearroom.services.validation import clean_text, parse_date
from gearroom.text import name_key


def _table(entity: type[Any]) -> Table:
    """A mapped class's table, for Core inserts (no per-object flush)."""
    return cast(Table, entity.__table__)


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in as few statements as the driver allows: with RETURNING, SQLAlchemy
    sends many rows per statement on every engine (psycopg's own executemany would pipeline
    one statement per row)."""
    key = next(iter(table.primary_key.columns))
    session.execute(insert(table).returning(key), rows).all()


#: Rows written together (one statement per table for each batch). The driver binds a batch's
#: values holding the interpreter lock: at 500 rows the window's thread waited up to 100 ms
#: for it during a batch; at 100 rows some 30 ms (benchmarks/stall.py).
BATCH_ROWS = 100


@dataclass
class _Pending:
    """A checked asset waiting for its batch: its table row, event and what redoes it."""

    values: dict[str, Any]
    category: Category
    model_key: tuple[int, str]
    model: dict[str, Any]
    snapshot: dict[str, Any]
    at: datetime
    redo: Callable[[], None]


class AssetBatch:
    """The batch of new assets of one import, and what it knows about tags and models."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.pending: list[_Pending] = []
        #: Tags of the pending rows (the registry entry they will have).
        self.pending_tags: dict[str, Tag] = {}
        #: Tags in the database (per loaded prefix) and every tag this import wrote.
        self.taken: set[str] = set()
        self.loaded_prefixes: set[str] = set()
        #: Tags written by this import (ordinary writes included).
        self.written: set[str] = set()
        #: Models by (category id, name key): their id, once known.
        self.models: dict[tuple[int, str], int] = {}
        self.loaded_categories: set[int] = set()
        self.currency: str | None = None
        #: Each category's next tag number before the pending rows took theirs.
        self.numbers: dict[int, tuple[Category, int]] = {}
        event.listen(session, "after_flush", self._after_flush)

    def close(self) -> None:
        event.remove(self.session, "after_flush", self._after_flush)

    def _after_flush(self, session: Session, _context: Any) -> None:
        """What the ordinary writes of the import added (tags, models) or removed."""
        for obj in session.new:
            if isinstance(obj, Tag):
                self.taken.add(obj.tag)
                self.written.add(obj.tag)
            elif isinstance(obj, ProductModel) and obj.id is not None:
                self.models[(obj.category_id, name_key(obj.name))] = obj.id
        if any(isinstance(obj, Tag) for obj in session.deleted):
            self.forget()

    def forget(self) -> None:
        """Read tags and models from the database again (a write was undone)."""
        self.taken.clear()
        self.loaded_prefixes.clear()
        self.models.clear()
        self.loaded_categories.clear()

    # ------------------------------------------------------------------ one row

    def add(
        self,
        draft: AssetDraft,
        category: Category,
        location: Location | None,
        redo: Callable[[], None],
    ) -> tuple[str, str] | None:
        """Queue a new asset as ``create_asset`` would write it; its (tag, name), or None
        when the row must go the ordinary way (a value it refuses, a tag not free)."""
        try:
            values: dict[str, Any] = {
                "name": clean_text(draft.name, "name", max_length=200, required=True),
                "make": clean_text(draft.make, "make", max_length=120),
                "model": clean_text(draft.model, "model", max_length=120),
                "serial": clean_text(draft.serial, "serial", max_length=120),
                "category_id": category.id,
                "location_id": location.id if location is not None else None,
                "status": AssetStatus.AVAILABLE,
                "purchase_date": parse_date(draft.purchase_date, "purchase_date"),
                "purchase_value": self._purchase_value(draft.purchase_value),
                "notes": clean_text(draft.notes, "notes", max_length=10_000),
                "attributes": validate_attributes(category, draft.attributes),
            }
            tag = validate_tag(draft.tag) if draft.tag else None
        except GearroomError:
            return None
        if tag is not None and tag in self.taken:
            return None  # the caller found it free in the database; this import wrote it
        tag = tag or self.next_tag(category)
        values["tag"] = tag
        label = model_name(values["make"], values["model"], values["name"])[:200]
        if not label:
            return None
        snapshot = {
            "tag": tag,
            "name": values["name"],
            "make": values["make"],
            "model": values["model"],
            "serial": values["serial"],
            "category": category.name,
            "location": location.name if location is not None else None,
            "status": AssetStatus.AVAILABLE,
            "purchase_date": values["purchase_date"],
            "purchase_value": values["purchase_value"],
            "notes": values["notes"],
            "attributes": dict(values["attributes"]),
        }
        model = {
            "category_id": category.id,
            "name": label,
            "make": values["make"],
            "model": values["model"],
        }
        self.pending.append(
            _Pending(
                values, category, (category.id, name_key(label)), model, snapshot, utcnow(), redo
            )
        )
        self.pending_tags[tag] = Tag(tag=tag, kind=TagKind.ASSET, ref_id=0)
        self.taken.add(tag)
        return tag, values["name"]

    def _purchase_value(self, value: Decimal | str | float | None) -> Decimal | None:
        """As :func:`gearroom.services.catalog._purchase_value`, the currency read once."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.currency is None:
            currency = load_rules(self.session).currency
            self.currency = "EUR" if minor_digits(currency) > 2 else currency
        if isinstance(value, float):
            value = str(value)
        return parse_amount(
            value, self.currency, what="purchase value", grouped=True, field="purchase_value"
        )

    def _load_prefix(self, prefix: str) -> None:
        like = f"{prefix}-%"
        self.taken.update(self.session.scalars(select(Tag.tag).where(Tag.tag.like(like))))
        self.loaded_prefixes.add(prefix)

    def next_tag(self, category: Category) -> str:
        """The next free ``PREFIX-NNNN`` tag of a category (as ``next_tag_for_category``)."""
        if category.prefix not in self.loaded_prefixes:
            self._load_prefix(category.prefix)
        number = category.next_number
        self.numbers.setdefault(category.id, (category, number))
        while True:
            candidate = f"{category.prefix}-{number:04d}"
            number += 1
            if candidate not in self.taken:
                category.next_number = number
                return candidate

    # ------------------------------------------------------------------ the batch

    def write(self) -> None:
        """Write the pending rows; when the database refuses them, run each again the
        ordinary way (in its own savepoint, with its own report)."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        numbers, self.numbers = list(self.numbers.values()), {}
        self.pending_tags.clear()
        savepoint = self.session.begin_nested()
        try:
            tail = self._write(batch)
            self.session.flush()
        except (IntegrityError, DataError):
            savepoint.rollback()
            for category, number in numbers:
                category.next_number = number  # the batch's tags were not taken
            self.forget()
            for item in batch:
                item.redo()
            return
        savepoint.commit()
        # the savepoint's end made the history forget its tail: it is the batch's last event
        self.session.info[history._TAIL_KEY] = (self.session.get_transaction(), *tail)
        self.session.info[history.EVENTS_ADDED_KEY] = True

    def _write(self, batch: list[_Pending]) -> tuple[int, str]:
        self.session.flush()
        self._write_models(batch)
        assets = _table(Asset)
        rows = []
        for item in batch:
            rows.append({**item.values, "model_id": self.models[item.model_key]})
        # returned in any order (in one statement per page of rows): matched by their tags
        returned = self.session.execute(insert(assets).returning(assets.c.tag, assets.c.id), rows)
        id_of = {str(tag): int(asset_id) for tag, asset_id in returned}
        ids = [id_of[r["tag"]] for r in rows]
        tags = [
            {"tag": r["tag"], "kind": TagKind.ASSET, "ref_id": i}
            for r, i in zip(rows, ids, strict=True)
        ]
        _insert_many(self.session, _table(Tag), tags)
        self.written.update(r["tag"] for r in rows)
        return self._write_events(batch, ids)

    def _write_models(self, batch: Iterable[_Pending]) -> None:
        """Find the batch's models (each category's loaded once) and add the new ones."""
        for category_id in {item.model_key[0] for item in batch} - self.loaded_categories:
            found = self.session.execute(
                select(ProductModel.id, ProductModel.name_key).where(
                    ProductModel.category_id == category_id
                )
            )
            for model_id, found_key in found:
                self.models.setdefault((category_id, found_key), model_id)
            self.loaded_categories.add(category_id)
        new: dict[tuple[int, str], dict[str, Any]] = {}
        for item in batch:
            if item.model_key not in self.models:
                new.setdefault(item.model_key, item.model)
        if not new:
            return
        table = _table(ProductModel)
        returned = self.session.execute(
            insert(table).returning(table.c.id, table.c.category_id, table.c.name_key),
            list(new.values()),
        )
        for model_id, category_id, key in returned:
            self.models[(int(category_id), str(key))] = int(model_id)

    def _write_events(self, batch: list[_Pending], ids: list[int]) -> tuple[int, str]:
        """The batch's history events, chained as :func:`gearroom.services.history.record`
        chains them."""
        last_id, last_hash = history._tail(self.session)
        events = []
        operator = self.actor.name
        for item, asset_id in zip(batch, ids, strict=True):
            tag = item.values["tag"]
            event_id = last_id + 1
            summary = f"{tag} {item.values['name']} added"
            after = history.jsonable(item.snapshot)
            digest = history.content_hash(
                last_hash,
                event_id,
                item.at,
                operator,
                "create",
                "asset",
                asset_id,
                tag,
                summary,
                None,
                after,
            )
            events.append(
                {
                    "id": event_id,
                    "at": item.at,
                    "operator": operator,
                    "action": "create",
                    "entity_kind": "asset",
                    "entity_id": asset_id,
                    "entity_tag": tag,
                    "summary": summary,
                    "before": None,
                    "after": after,
                    "prev_hash": last_hash,
                    "hash": digest,
                }
            )
            last_id, last_hash = event_id, digest
        _insert_many(self.session, _table(Event), events)
        return last_id, last_hash
