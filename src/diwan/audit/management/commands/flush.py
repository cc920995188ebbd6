"""Django's `flush`, made possible with an append-only audit log: the audit triggers are removed for the
flush and installed again afterwards. Development and tests only (the test runner flushes between
transactional tests); production refuses, because flushing would erase the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from diwan.audit import triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) or settings.DIWAN_MODE == "production":
            raise CommandError("flush would erase the tamper-evident audit log; refused in production.")
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection)
