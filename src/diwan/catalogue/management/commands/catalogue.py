"""`diwan catalogue sync [--check]`: validate services/*.yaml, publish the changed ones."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from diwan.catalogue.actions import catalogue_sync
from diwan.catalogue.schema import ServiceFileError


class Command(BaseCommand):
    help = "Validate the service definitions in services/*.yaml and publish the changed ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="validate and publish a new version of each changed service")
        sync.add_argument("--check", action="store_true", help="validate and report only; publish nothing")
        sync.add_argument(
            "--dir", type=Path, default=None, help="folder of service files (default: services/)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check = bool(options["check"])
        try:
            result = catalogue_sync(actor=None, directory=options["dir"], check=check)
        except ServiceFileError as error:
            raise CommandError(f"invalid service definitions, nothing published:\n{error}") from error
        verb = "would publish" if check else "published"
        for code, number in result.published:
            self.stdout.write(f"{verb} {code} version {number}")
        for code in result.without_file:
            self.stdout.write(self.style.WARNING(f"{code}: in the database but no file in services/ (kept)"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.published)} {verb}, {len(result.unchanged)} unchanged"
                + (" (check only)" if check else "")
            )
        )
