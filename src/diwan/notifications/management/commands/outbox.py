"""`diwan outbox`: the latest messages in the notifications outbox (how a demo user reads their code)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from diwan.accounts.validators import normalise_phone
from diwan.core.errors import ValidationFailed
from diwan.notifications.actions import messages_send_due
from diwan.notifications.selectors import recent_messages


class Command(BaseCommand):
    help = "List the latest messages in the notifications outbox; --send-due delivers what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-n", "--limit", type=int, default=10, help="how many messages (default 10)")
        parser.add_argument("--to", default="", help="only messages to this phone number or e-mail")
        parser.add_argument(
            "--send-due",
            action="store_true",
            help="first deliver queued messages and due retries (run it periodically without a worker)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["send_due"]:
            outcome = messages_send_due()
            self.stdout.write(f"delivered due messages: {outcome or 'none due'}")
        recipient = options["to"].strip()
        if recipient and "@" not in recipient:
            try:
                recipient = normalise_phone(recipient)
            except ValidationFailed as exc:
                self.stderr.write(str(exc.message))
                raise SystemExit(2) from exc
        messages = list(recent_messages(limit=max(1, min(options["limit"], 500)), recipient=recipient))
        if not messages:
            self.stdout.write("The outbox is empty.")
            return
        for message in messages:
            when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(
                f"#{message.pk} {when} {message.medium}/{message.channel} to {message.recipient} "
                f"[{message.status}, {message.attempts} attempt(s)] {message.template}"
            )
            if message.subject:
                self.stdout.write(f"    {message.subject}")
            self.stdout.write(f"    {message.body or '(delivered; body wiped)'}")
            if message.last_error:
                self.stdout.write(f"    last error: {message.last_error}")
