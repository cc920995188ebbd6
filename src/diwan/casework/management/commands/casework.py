"""`diwan casework tick [--follow]`: the periodic work of casework (docs/casework.md).

One tick gives waiting tasks to an official (offices that had nobody eligible when the task opened) and
escalates open stages past their due date to the office's supervisor, once each. Both are idempotent, so
a tick may run twice or on two machines. With `--follow` it ticks every `--interval` seconds (default 60)
until stopped (Ctrl-C or SIGTERM); `make demo` runs it beside the audit sealer and the task worker.
Output is for operators, in English.
"""

from __future__ import annotations

import signal
import threading
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from diwan.casework.actions import tasks_assign_waiting, tasks_escalate_overdue


class Command(BaseCommand):
    help = "Periodic casework: assign waiting tasks and escalate overdue ones (`tick`, `tick --follow`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="assign waiting tasks, escalate overdue stages")
        tick.add_argument("--follow", action="store_true", help="keep ticking until stopped")
        tick.add_argument("--interval", type=float, default=60.0, help="seconds between ticks (--follow)")
        tick.add_argument(
            "--iterations", type=int, default=0, help="with --follow: stop after N ticks (0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbose = int(options["verbosity"]) > 1
        interval = float(options["interval"])
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        if not options["follow"]:
            self.tick()
            return
        stop = threading.Event()

        def stop_on(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, stop_on)
        done = 0
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    self.tick()
                finally:
                    if connection.get_autocommit():  # not inside a caller's transaction (tests)
                        close_old_connections()  # a long-lived process: do not keep a broken connection
                done += 1
                if options["iterations"] and done >= options["iterations"]:
                    break
                stop.wait(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)

    def tick(self) -> None:
        assigned = tasks_assign_waiting()
        escalated = tasks_escalate_overdue()
        if assigned or escalated or self.verbose:
            self.stdout.write(f"casework tick: {assigned} assigned, {escalated} escalated")
