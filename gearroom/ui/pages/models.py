"""Models (products): "ARRI Alexa Mini LF" with its serials, their state, and how many are free
each day of the next two weeks."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QVBoxLayout, QWidget

from gearroom.errors import GearroomError
from gearroom.services import product_models
from gearroom.services.product_models import ModelDetail, ModelSummary, SerialView
from gearroom.ui.context import AppContext
from gearroom.ui.models.records import RecordColumn
from gearroom.ui.pages.base import Page
from gearroom.ui.widgets.desk_common import section_label
from gearroom.ui.widgets.desk_table import DeskTable
from gearroom.ui.widgets.empty_state import IMPORT, NEW_ITEM, EmptyState
from gearroom.ui.widgets.model_strip import ModelStrip

MODEL_COLUMNS: tuple[RecordColumn[ModelSummary], ...] = (
    RecordColumn("Model", lambda m: m.name, 200, stretch=True),
    RecordColumn("Category", lambda m: m.category, 90),
    RecordColumn("Serials", lambda m: m.serials, 54, align_right=True),
    RecordColumn("Bookable", lambda m: m.bookable, 64, align_right=True),
)
SERIAL_COLUMNS: tuple[RecordColumn[SerialView], ...] = (
    RecordColumn("Tag", lambda s: s.tag, 86),
    RecordColumn("Serial", lambda s: s.serial, 130),
    RecordColumn("State", lambda s: s.status.value.replace("_", " "), 90),
    RecordColumn("Location", lambda s: s.location or "—", 140, stretch=True),
)


class ModelsPage(Page):
    """Models on the left; the chosen one's serials and availability strip on the right."""

    page_id = "models"
    title = "Models"
    icon_name = "inventory"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("modelsPage")
        self.detail: ModelDetail | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter models…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list: DeskTable[ModelSummary] = DeskTable(
            MODEL_COLUMNS, lambda m: m.id, lambda m: self.show_model(m.name)
        )
        self.list.clicked.connect(lambda _i: self._chosen())
        EmptyState.over(
            self.list,
            "No models yet",
            "A model is a make and model, such as ARRI Alexa Mini LF; it appears here with "
            "its serials once items with a make and model are added on the Inventory page.",
            IMPORT,
            NEW_ITEM,
            when=lambda: not self.search.text().strip(),
        )
        self.heading = section_label("Choose a model")
        self.facts = QLabel()
        self.strip = ModelStrip()
        self.serials: DeskTable[SerialView] = DeskTable(
            SERIAL_COLUMNS,
            lambda s: s.asset_id,
            lambda s: self.open_item.emit("asset", s.asset_id),
        )
        self._all: list[ModelSummary] = []
        left = QWidget()
        lb = QVBoxLayout(left)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.search)
        lb.addWidget(self.list, 1)
        right = QWidget()
        rb = QVBoxLayout(right)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.addWidget(self.heading)
        rb.addWidget(self.facts)
        rb.addWidget(section_label("Free each day (two weeks from today)"))
        rb.addWidget(self.strip)
        rb.addWidget(section_label("Serials"))
        rb.addWidget(self.serials, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        self.context.operations.read(
            product_models.list_models,
            on_done=self._listed,
            on_error=lambda exc: self.facts.setText(str(exc)),
            description="Reading the models",
        )

    def _listed(self, rows: list[ModelSummary]) -> None:
        self._all = rows
        self._filter(self.search.text())
        if self.detail is not None:
            self.show_model(self.detail.summary.name)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.list.set_records(
            [m for m in self._all if all(w in f"{m.name} {m.category}".lower() for w in words)]
        )

    def _chosen(self) -> None:
        current = self.list.current_record()
        if current is not None:
            self.show_model(current.name)

    def show_model(self, name: str) -> None:
        self.context.operations.read(
            lambda s: product_models.show_model(s, name),
            on_done=self._show,
            on_error=self._failed,
            description="Reading the model",
        )

    def _failed(self, exc: GearroomError) -> None:
        self.facts.setText(str(exc))

    def _show(self, detail: ModelDetail) -> None:
        self.detail = detail
        m = detail.summary
        self.heading.setText(m.name)
        self.facts.setText(
            f"{m.category} · {m.make} {m.model} · {m.serials} serial(s), {m.bookable} bookable"
        )
        self.strip.show_strip(detail.strip)
        self.serials.set_records(detail.serials)
