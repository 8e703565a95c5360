"""How an asset's status reads and looks everywhere in the app."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QIcon

from gearroom.models import AssetStatus
from gearroom.ui.icons import dot_icon


@dataclass(frozen=True)
class StatusStyle:
    label: str
    #: The marker colour (a dot beside the label).
    color: str
    #: The text colour: a darker shade that stays readable on white and on a selection.
    text: str


STATUS_STYLES: dict[AssetStatus, StatusStyle] = {
    AssetStatus.AVAILABLE: StatusStyle("Available", "#2e9d57", "#1e6b3a"),
    AssetStatus.RESERVED: StatusStyle("Reserved", "#d99a1e", "#8a5a00"),
    AssetStatus.OUT: StatusStyle("Out", "#2f74d0", "#1d4f94"),
    AssetStatus.IN_SERVICE: StatusStyle("In service", "#8e5cc9", "#5f3b8f"),
    AssetStatus.LOST: StatusStyle("Lost", "#d64545", "#a12b2b"),
    AssetStatus.RETIRED: StatusStyle("Retired", "#9aa1ab", "#5f6670"),
}


def status_label(status: AssetStatus) -> str:
    return STATUS_STYLES[AssetStatus(status)].label


def status_text_color(status: AssetStatus) -> QColor:
    return QColor(STATUS_STYLES[AssetStatus(status)].text)


@cache
def status_icon(status: AssetStatus) -> QIcon:
    return dot_icon(QColor(STATUS_STYLES[AssetStatus(status)].color))
