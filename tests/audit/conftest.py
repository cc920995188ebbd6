"""Audit test helpers: events are recorded through the action and sealed the way the sealer does it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum

import pytest
from django.db import connection, transaction

from diwan.audit import triggers
from diwan.audit.actions import events_seal_all, record_event
from diwan.audit.models import Event


class SampleEvent(StrEnum):
    THING_DONE = "tests.thing.done"
    THING_READ = "tests.thing.read"


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """What an attacker with database rights does: drop the triggers (and the fork-refusing index)."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


@pytest.fixture
def make_events() -> Callable[..., list[Event]]:
    def make(n: int, *, seal: bool = True, **extra: object) -> list[Event]:
        events = []
        for i in range(n):
            with transaction.atomic():
                events.append(
                    record_event(
                        event_type=SampleEvent.THING_DONE,
                        details={"i": i, "name": "أحمد", "nested": {"b": 1, "a": [1.5, None, True]}},
                        data_subject=1000 + i,
                        purpose="testing",
                        **extra,  # type: ignore[arg-type]
                    )
                )
        if seal:
            events_seal_all()
        return events

    return make
