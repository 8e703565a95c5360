"""Printable sheets (PDF): the production sheet and the check-out sheet."""

from gearroom.ui.sheets.checkout import write_checkout_sheet
from gearroom.ui.sheets.production import (
    ProductionSheetData,
    production_sheet_data,
    write_production_sheet,
)

__all__ = [
    "ProductionSheetData",
    "production_sheet_data",
    "write_checkout_sheet",
    "write_production_sheet",
]
