"""`diwan demo-data`: load the demo organisation, staff, citizens and their applications (idempotent);
never in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from diwan.accounts import mfa
from diwan.accounts.models import User
from diwan.accounts.validators import display_phone
from diwan.applications.models import Application, ApplicationStatus
from diwan.demo.loader import demo_accounts, load_demo_data, showcase_citizens


class Command(BaseCommand):
    help = (
        "Load the demo directory, staff for every role, synthetic citizens and months of their "
        "applications (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-accounts",
            action="store_true",
            help="Also print the demo accounts: staff (username, password, TOTP secret, current code) and "
            "citizens with applications (phone number).",
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
        self.stdout.write(
            "Casework: the busiest office is the Passports Directorate, Baghdad (MOI/PASS-BGD): "
            "pass.officer, pass.reviewer and pass.approver have files in their inbox; moi.integrity reviews "
            "break-glass openings by Ministry of Interior officials."
        )
        self.print_citizens()

    def print_citizens(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo citizens with applications in every state:")
        for person in showcase_citizens():
            user = User.objects.filter(phone=person["phone"]).first()
            if user is None:
                continue
            statuses = list(Application.objects.filter(applicant=user).values_list("status", flat=True))
            counted = ", ".join(
                f"{statuses.count(status)} {status.replace('_', ' ')}"
                for status in ApplicationStatus.values
                if status in statuses
            )
            self.stdout.write(
                f"  {display_phone(person['phone'])}  {person['full_name_latin']} ({person['governorate']}): "
                f"{len(statuses)} applications: {counted}"
            )
        self.stdout.write(
            "Citizens sign in at /en/account/sign-in/ with the phone number; in demo mode the one-time code "
            "appears on /en/demo/outbox/ (and in `diwan outbox`)."
        )
