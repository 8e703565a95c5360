"""Dialogs that add and edit things; each validates and calls one service per OK."""
