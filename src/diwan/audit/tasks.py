"""Background tasks (django.tasks). Thin and idempotent: both may run twice or concurrently."""

from __future__ import annotations

from django.tasks import task

from diwan.audit.actions import checkpoint_create, events_seal_all


@task()
def seal_events() -> int:
    return events_seal_all()


@task()
def create_checkpoint() -> int | None:
    events_seal_all()
    checkpoint = checkpoint_create()
    return checkpoint.size if checkpoint is not None else None
