"""A live preview of a sheet (or roll label), drawn by the same painter as the PDF and printer."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gearroom.render.labels import paint_page
from gearroom.services.labels import LabelJob

_MARGIN_PX = 12


class SheetPreview(QWidget):
    """Shows one page of a :class:`LabelJob`, scaled to fit, with the outlines of every cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: LabelJob | None = None
        self._page = 0
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def job(self) -> LabelJob | None:
        return self._job

    @property
    def page_index(self) -> int:
        return self._page

    def page_count(self) -> int:
        return len(self._job.pages) if self._job else 0

    def set_job(self, job: LabelJob | None) -> None:
        self._job = job
        self._page = min(self._page, max(0, self.page_count() - 1))
        self.update()

    def set_page(self, index: int) -> None:
        self._page = max(0, min(index, self.page_count() - 1))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 560)

    def page_rect(self) -> QRectF:
        """Where the page sits in the widget (pixels)."""
        if self._job is None:
            return QRectF()
        template = self._job.template
        avail_w = max(1.0, self.width() - 2 * _MARGIN_PX)
        avail_h = max(1.0, self.height() - 2 * _MARGIN_PX)
        scale = min(avail_w / template.page_width, avail_h / template.page_height)
        w, h = template.page_width * scale, template.page_height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(96, 104, 116))
            if self._job is None or not self._job.pages:
                return
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            area = self.page_rect()
            painter.fillRect(area.translated(3, 3), QColor(40, 44, 52))
            painter.fillRect(area, QColor(Qt.GlobalColor.white))
            scale = area.width() / self._job.template.page_width
            painter.translate(area.topLeft())
            painter.scale(scale, scale)
            paint_page(painter, self._job.pages[self._page], outlines=True)
        finally:
            painter.end()
