"""The `diwan` console command: Django's management commands with Diwan's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # Django command names cannot contain dashes; the documented `diwan demo-data` maps to demo_data.
    args = ["demo_data", *args[1:]] if args[:1] == ["demo-data"] else args
    execute_from_command_line(["diwan", *args])


if __name__ == "__main__":
    main()
