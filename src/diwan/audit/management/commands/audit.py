"""`diwan audit seal [--follow]`, `diwan audit checkpoint`, `diwan audit verify` (docs/audit.md)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from diwan.audit.actions import DEFAULT_SEAL_BATCH, checkpoint_create, events_seal, events_seal_all
from diwan.audit.verify import verify_log


class Command(BaseCommand):
    help = "Seal, checkpoint and verify the tamper-evident audit log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seal = sub.add_parser("seal", help="chain committed unsealed events")
        seal.add_argument("--follow", action="store_true", help="keep sealing until interrupted")
        seal.add_argument("--interval", type=float, default=0.2, help="seconds between polls (--follow)")
        seal.add_argument("--batch", type=int, default=DEFAULT_SEAL_BATCH, help="events per transaction")
        seal.add_argument(
            "--checkpoint-every",
            type=float,
            default=300.0,
            help="with --follow: sign a checkpoint this often, in seconds (0: never)",
        )
        seal.add_argument(
            "--iterations", type=int, default=0, help="with --follow: stop after N polls (0: never)"
        )
        sub.add_parser("checkpoint", help="sign a Merkle tree head over every sealed event")
        verify = sub.add_parser("verify", help="recompute the chain and check every checkpoint")
        verify.add_argument(
            "--columns",
            action="store_true",
            help="also compare every readable column with its sealed body row by row (slow; done "
            "anyway on SQLite, and when the catalog does not show the CHECK constraint that keeps them "
            "equal in force)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        match options["action"]:
            case "seal":
                self._seal(options)
            case "checkpoint":
                self._checkpoint()
            case "verify":
                self._verify(compare_columns=bool(options.get("columns")))

    def _seal(self, options: dict[str, Any]) -> None:
        batch = max(1, int(options["batch"]))
        if not options["follow"]:
            self.stdout.write(f"sealed {events_seal_all(limit=batch)} events")
            return
        interval = max(0.01, float(options["interval"]))
        every = float(options["checkpoint_every"])
        iterations = int(options["iterations"])
        next_checkpoint = time.monotonic() + every
        polls = 0
        try:
            while True:
                if not connection.in_atomic_block:
                    close_old_connections()  # drop a broken connection (database restart) between polls
                while events_seal(limit=batch) == batch:
                    pass  # a full batch: more is waiting, go on without sleeping
                if every > 0 and time.monotonic() >= next_checkpoint:
                    checkpoint_create()
                    next_checkpoint = time.monotonic() + every
                polls += 1
                if iterations and polls >= iterations:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return

    def _checkpoint(self) -> None:
        events_seal_all()
        checkpoint = checkpoint_create()
        if checkpoint is None:
            self.stdout.write("no new sealed events since the last checkpoint")
        else:
            self.stdout.write(f"checkpoint {checkpoint.size} root {checkpoint.root_hex}")

    def _verify(self, *, compare_columns: bool = False) -> None:
        report = verify_log(compare_columns=compare_columns)
        if report.ok:
            self.stdout.write(f"OK: {report.events} events, {report.checkpoints} checkpoints verified")
            return
        for problem in report.problems:
            self.stderr.write(problem.message)
        first = report.first_bad
        where = f"first bad event: seq {first.seq}" if first and first.seq is not None else "checkpoint"
        raise CommandError(f"audit log verification FAILED ({where}): {first.message if first else ''}")
