"""The ``gearroom`` command (and ``python -m gearroom``): subcommands run headless, and with no
subcommand the app opens. Only this entry point knows the UI; :mod:`gearroom.cli` never imports it.
"""

from __future__ import annotations

from gearroom import cli


def open_app(url: str | None) -> int:
    """Open the desktop app on ``url`` (the configured database when None)."""
    from gearroom.ui.app import run_app

    return run_app(url)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``gearroom`` console script."""
    cli.main(argv, open_app=open_app)


if __name__ == "__main__":
    main()
