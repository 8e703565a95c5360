"""The kit report on paper: the PDF writer and the utilisation chart."""

from gearroom.render.pdf_file import PAGE_SIZES
from gearroom.render.reports.chart import paint_utilisation_chart
from gearroom.render.reports.pdf import write_pdf

__all__ = ["PAGE_SIZES", "paint_utilisation_chart", "write_pdf"]
