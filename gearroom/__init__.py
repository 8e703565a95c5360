"""Gearroom: gear and equipment inventory for film and TV rental houses."""

__version__ = "0.1.0"
