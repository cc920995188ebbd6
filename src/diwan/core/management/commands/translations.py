"""`diwan translations extract|compile|check`: the message catalogues for ar, ckb and en.

Extraction uses Django's makemessages (GNU gettext's xgettext). Compilation uses polib, so a machine
without gettext can still build the .mo files that are committed beside the .po files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

LOCALES = ("ar", "ckb", "en")
IGNORE = [".venv/*", "bench/*", "tests/*", "docs/*", "var/*", "staticfiles/*", "node_modules/*"]


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def catalogue_paths() -> dict[str, Path]:
    return {code: locale_dir() / code / "LC_MESSAGES" / "django.po" for code in LOCALES}


def problems_in(po: polib.POFile) -> list[str]:
    """Untranslated, fuzzy or placeholder-mismatched entries: each one is a string a user would see wrong."""
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"untranslated: {entry.msgid!r}")
    return found


class Command(BaseCommand):
    help = "Extract, compile or check the ar/ckb/en message catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "extract":
            src = Path(settings.SRC_DIR)
            cwd = Path.cwd()
            os.chdir(src)
            try:
                call_command(
                    "makemessages",
                    locale=list(LOCALES),
                    ignore_patterns=IGNORE,
                    no_obsolete=True,
                    add_location="file",
                    verbosity=0,
                )
            finally:
                os.chdir(cwd)
            self.stdout.write("extracted; translate the new entries, then: diwan translations compile")
        elif action == "compile":
            for code, path in catalogue_paths().items():
                po = polib.pofile(str(path))
                po.save_as_mofile(str(path.with_suffix(".mo")))
                self.stdout.write(f"{code}: {po.percent_translated()}% translated")
        else:
            failures = []
            for code, path in catalogue_paths().items():
                failures += [f"{code}: {problem}" for problem in problems_in(polib.pofile(str(path)))]
            if failures:
                raise CommandError("incomplete translations:\n" + "\n".join(failures[:50]))
            self.stdout.write("translations complete")
