"""Printable sheets (PDF): the production sheet and the check-out sheet."""

from gearroom.render.sheets.checkout import write_checkout_sheet
from gearroom.render.sheets.production import write_production_sheet

__all__ = [
    "write_checkout_sheet",
    "write_production_sheet",
]
