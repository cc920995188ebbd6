"""`diwan demo-data`: load the demo organisation, staff and citizens (idempotent); never in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from diwan.accounts import mfa
from diwan.demo.loader import demo_accounts, load_demo_data


class Command(BaseCommand):
    help = "Load the demo directory, staff for every role and synthetic citizens (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-accounts",
            action="store_true",
            help="Also print the demo staff accounts: username, password, TOTP secret and current code.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DIWAN_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is refused in production mode (DIWAN_MODE=production): its passwords are public."
            )
        report = load_demo_data()
        if report.created:
            summary = ", ".join(f"{count} {what}" for what, count in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already present; nothing to do.")
        if options["print_accounts"]:
            self.print_accounts()

    def print_accounts(self) -> None:
        accounts = demo_accounts()
        header = ("username", "password", "TOTP secret", "code now", "role", "agency/office")
        rows = [
            (
                a.username,
                a.password,
                a.totp_secret,
                mfa.current_code(a.totp_secret),
                a.role,
                f"{a.agency}/{a.office}",
            )
            for a in accounts
        ]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write("")
        self.stdout.write("Demo staff accounts (public demo credentials; refused in production):")
        self.stdout.write(line.format(*header).rstrip())
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row).rstrip())
        self.stdout.write(
            "Sign in at /en/account/staff/sign-in/ with username and password, then the 6-digit code: "
            "add the TOTP secret to an authenticator app, or run `diwan demo-data --print-accounts` again "
            "for a fresh code (it changes every 30 seconds and each code works once)."
        )
