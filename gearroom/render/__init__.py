"""Printed output: labels, sheets and report PDFs, PNGs and ZPL (QtGui only, no widgets).

Everything here draws data that the services built (frozen dataclasses) with QPainter into a
QPdfWriter or a QImage; it never reads the database and never imports QtWidgets or the UI, so
the command line writes a PDF without loading a widget toolkit.
"""
