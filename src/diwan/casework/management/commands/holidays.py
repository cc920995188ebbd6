"""`diwan holidays load calendars/iraq-2026.yaml` and `diwan holidays list --year 2026`
(docs/statutory-clock.md). Output is for operators, in English."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from diwan.casework.calendar import CalendarFileError, holidays_load
from diwan.casework.models import Holiday, HolidayScope


class Command(BaseCommand):
    help = "Load a year's public holidays from a calendar file, or list them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="make the holidays of the file's year exactly what it says")
        load.add_argument("paths", nargs="+", type=Path, help="calendars/iraq-YYYY.yaml")
        listing = sub.add_parser("list", help="list the holidays of one year")
        listing.add_argument("--year", type=int, required=True)
        listing.add_argument("--scope", choices=HolidayScope.values, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            for path in options["paths"]:
                try:
                    result = holidays_load(actor=None, path=path)
                except CalendarFileError as error:
                    raise CommandError(str(error)) from None
                self.stdout.write(
                    f"{path}: {result.year}: {result.added} added, {result.changed} changed, "
                    f"{result.removed} removed, {result.unchanged} unchanged"
                )
            return
        holidays = Holiday.objects.filter(year=options["year"])
        if options["scope"]:
            holidays = holidays.filter(scope=options["scope"])
        for holiday in holidays:
            flag = " (provisional)" if holiday.provisional else ""
            self.stdout.write(
                f"{holiday.date.isoformat()} {holiday.date:%a} {holiday.scope:<16} {holiday.key:<24} "
                f"{holiday.name.get('en', '')} | {holiday.name.get('ar', '')} | "
                f"{holiday.name.get('ckb', '')}{flag}"
            )
