"""Start the desktop app."""

from __future__ import annotations


def run_app(url: str | None = None) -> int:
    """Open the main window on the database at ``url``; returns the exit code."""
    raise NotImplementedError


def main() -> None:
    raise SystemExit(run_app())
