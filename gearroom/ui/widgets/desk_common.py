"""Small shared pieces of the front-desk pages: the scan field, verdict mapping, paper size."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from gearroom.render.pdf_file import default_page_size as default_page_size
from gearroom.services.checkout_cart import ScanOutcome, ScanVerdict
from gearroom.ui.feedback import Verdict


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def verdict_of(verdict: ScanVerdict) -> Verdict:
    if verdict.outcome is ScanOutcome.ALREADY_IN_CART:
        return Verdict.NOTICE
    return Verdict.OK if verdict.ok else Verdict.REFUSED


def scan_field(placeholder: str, parent: QWidget | None = None) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName("scanField")
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    return field


def section_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label
