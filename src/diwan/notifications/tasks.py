"""Background delivery (django.tasks). Thin and idempotent: takes an id, re-reads, may run twice."""

from __future__ import annotations

from django.tasks import task

from diwan.notifications.actions import message_deliver


@task()
def deliver_message(message_id: int) -> str:
    return message_deliver(message_id=message_id)
