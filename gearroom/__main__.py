"""``python -m gearroom``: the same as the ``gearroom`` command."""

from gearroom.cli import main

if __name__ == "__main__":
    main()
