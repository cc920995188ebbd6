"""The one clock. Code asks `clock.now()` so tests and benchmarks can move time without patching datetime."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
