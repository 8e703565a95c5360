"""Printed output drawn with QtGui only (QPainter, QPdfWriter): no QtWidgets, no ``ui``.

Each module draws from a frozen dataclass that a service builds.
"""
