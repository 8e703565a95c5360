"""The kit report on paper and on screen: the PDF writer and the utilisation chart."""

from gearroom.ui.pdf_file import PAGE_SIZES
from gearroom.ui.reports.chart import paint_utilisation_chart, utilisation_chart
from gearroom.ui.reports.pdf import write_pdf

__all__ = ["PAGE_SIZES", "paint_utilisation_chart", "utilisation_chart", "write_pdf"]
