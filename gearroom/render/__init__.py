"""Printouts drawn with QtGui alone (QPainter, QPdfWriter): no widgets, no ``gearroom.ui``.

They are fed by the frozen dataclasses the services build.
"""
