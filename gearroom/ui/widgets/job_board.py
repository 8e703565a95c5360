"""The dashboard by job: a row per production in each section (client, days, custodian, items,
picked / booked); its item rows are read only when the row is expanded."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from gearroom.errors import GearroomError
from gearroom.services.jobs import JobBoard, JobItems, JobRow, JobSection
from gearroom.text import format_day

SECTION_TITLES = {
    JobSection.GOING_OUT_TODAY: "Going out today",
    JobSection.DUE_BACK_TODAY: "Due back today",
    JobSection.OVERDUE: "Overdue",
    JobSection.THIS_WEEK: "This week",
}
COLUMNS = ("Production", "Client", "Days", "Custodian", "Items", "Picked / booked")
#: Where a section's row opens: the pick list (check-out) or the check-in.
OPENS_PICK_LIST = {JobSection.GOING_OUT_TODAY, JobSection.THIS_WEEK}
ROW = Qt.ItemDataRole.UserRole
PLACEHOLDER = "…"

#: Reads a job's item rows: (production tag, section, on done, on error).
ItemReader = Callable[
    [str, JobSection, Callable[[JobItems], object], Callable[[GearroomError], object]], object
]


def _days(row: JobRow) -> str:
    if row.start is None:
        return "—"
    if row.end is None or row.end == row.start:
        return format_day(row.start)
    return f"{format_day(row.start)} – {format_day(row.end)}"


class JobBoardView(QTreeWidget):
    """Sections as top rows, productions under them, item rows under a production on demand."""

    #: (section, production tag): the person asks to work on this job.
    open_job = Signal(str, str)

    def __init__(self, read_items: ItemReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobBoard")
        self.setHeaderLabels(list(COLUMNS))
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 150), (2, 170), (3, 150), (4, 60), (5, 110)):
            self.setColumnWidth(col, width)
        self._read_items = read_items
        self.itemExpanded.connect(self._expanded)
        self.itemActivated.connect(self._activated)
        self.board: JobBoard | None = None
        self._generation = 0

    def show_board(self, board: JobBoard) -> None:
        self.board = board
        self._generation += 1
        self.clear()
        for section, title in SECTION_TITLES.items():
            rows = board.sections.get(section, ())
            top = QTreeWidgetItem(self, [f"{title} ({len(rows)})"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFirstColumnSpanned(True)
            if section is JobSection.OVERDUE and rows:
                top.setForeground(0, Qt.GlobalColor.darkRed)
            for row in rows:
                item = QTreeWidgetItem(
                    top,
                    [
                        f"{row.production_tag}  {row.production}",
                        row.client,
                        _days(row),
                        ", ".join(row.custodians) or "—",
                        str(row.items),
                        f"{row.picked} / {row.booked}" if row.booked else "—",
                    ],
                )
                item.setData(0, ROW, row)
                item.setToolTip(
                    0,
                    "Enter or double-click: open its pick list"
                    if section in OPENS_PICK_LIST
                    else "Enter or double-click: open the check-in",
                )
                QTreeWidgetItem(item, [PLACEHOLDER])  # item rows come when expanded
            top.setExpanded(True)

    def job_rows(self, section: JobSection) -> list[QTreeWidgetItem]:
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None and i == list(SECTION_TITLES).index(section):
                return [c for j in range(top.childCount()) if (c := top.child(j)) is not None]
        return []

    def _expanded(self, item: QTreeWidgetItem) -> None:
        row = item.data(0, ROW)
        if not isinstance(row, JobRow):
            return
        first = item.child(0)
        if item.childCount() != 1 or first is None or first.text(0) != PLACEHOLDER:
            return
        first.setText(0, "Reading…")
        generation = self._generation
        self._read_items(
            row.production_tag,
            row.section,
            lambda found: self._fill(item, found, generation),
            lambda exc: self._failed(first, str(exc), generation),
        )

    def _failed(self, placeholder: QTreeWidgetItem, message: str, generation: int) -> None:
        if generation == self._generation:
            placeholder.setText(0, message)

    def _fill(self, item: QTreeWidgetItem, found: JobItems, generation: int) -> None:
        if generation != self._generation:
            return  # the board was read again meanwhile: that row is gone
        item.takeChildren()
        for ln in found.pick:
            QTreeWidgetItem(
                item,
                [
                    f"{ln.tag or '(any serial)'}  {ln.name}",
                    ln.location,
                    "",
                    "",
                    str(ln.wanted),
                    f"{ln.picked} / {ln.wanted}",
                ],
            )
        for out in found.out:
            QTreeWidgetItem(
                item,
                [
                    f"{out.tag}  {out.name}",
                    "",
                    f"due {format_day(out.due_back)}",
                    out.custodian,
                    str(out.quantity),
                    "",
                ],
            )
        if not found.pick and not found.out:
            QTreeWidgetItem(item, ["Nothing to show"])

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        row = item.data(0, ROW)
        if isinstance(row, JobRow):
            self.open_job.emit(row.section.value, row.production_tag)
