"""The one write path for notifications: queue a message; deliver it (called by the task)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q

from diwan.audit.actions import record_event
from diwan.core import clock
from diwan.core.i18n import LANGUAGES
from diwan.core.queries import insert_instance
from diwan.notifications import catalogue
from diwan.notifications.channels import (
    DeliveryError,
    Outgoing,
    channel_name_for,
    load_channel,
)
from diwan.notifications.events import NotificationEvent
from diwan.notifications.models import DeliveryStatus, Medium, Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait before attempt 2, 3, 4, 5: 30 s, 2 min, 10 min, 30 min (then the message is marked failed).
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
# A worker that died mid-delivery leaves the row "sending"; it may be claimed again after this.
STALE_CLAIM = timedelta(minutes=10)


def message_queue(
    *,
    actor: Any | None,
    medium: Medium | str,
    recipient: str,
    template: str,
    context: Mapping[str, object],
    language: str = "ar",
    user: Any | None = None,
) -> Message:
    """Put a message in the outbox, in the caller's transaction; it is delivered after commit."""
    medium = Medium(medium)
    language = language if language in LANGUAGES else "ar"
    found = catalogue.get(template)
    subject, body = found.render(language, context)
    # No savepoint inside a caller's transaction: a failure here fails the caller's change as a whole.
    with transaction.atomic(savepoint=False):
        message = Message(
            medium=medium,
            channel=channel_name_for(medium),
            template=found.key,
            language=language,
            recipient=recipient,
            user_id=getattr(user, "pk", None),
            subject=subject[:200],
            body=body,
            sensitive=found.sensitive,
        )
        insert_instance(message)  # Model.save() with the INSERT compiled once (core.queries)
        record_event(
            event_type=NotificationEvent.MESSAGE_QUEUED,
            actor=actor,
            data_subject=user,
            objects={"message": message.pk},
            details={"template": found.key, "medium": str(medium), "channel": message.channel},
        )
        message_id = message.pk
        if _tasks_live_in_this_database():
            # The task row commits or rolls back with the message (a transactional outbox): no second
            # transaction after commit, and no queued message without its delivery task if the process
            # dies between the two.
            enqueue_delivery(message_id)
        else:
            transaction.on_commit(lambda: enqueue_delivery(message_id))
    return message


def _tasks_live_in_this_database() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    from diwan.notifications.tasks import deliver_message

    return isinstance(deliver_message.get_backend(), DatabaseBackend)


def enqueue_delivery(message_id: int, *, when: datetime | None = None) -> None:
    from diwan.notifications.tasks import deliver_message

    task = deliver_message
    if when is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by `diwan outbox --send-due` (run it periodically) instead
        task = task.using(run_after=when)
    task.enqueue(message_id)


def _claim(message_id: int, now: datetime) -> bool:
    """Atomically take the message for one delivery attempt; False if someone else has it or it is done."""
    due = Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING], next_attempt_at__lte=now)
    stale = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    claimed = Message.objects.filter(Q(pk=message_id) & (due | stale)).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def message_deliver(*, message_id: int) -> str:
    """One delivery attempt. Safe to run twice: a message already sent, failed, in another worker's
    hands or not yet due is left alone. Returns the status afterwards."""
    now = clock.now()
    if not _claim(message_id, now):
        status = Message.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return str(status or "missing")
    message = Message.objects.get(pk=message_id)
    outgoing = Outgoing(
        message_id=message.pk,
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        language=message.language,
    )
    error: str
    temporary: bool
    try:
        channel = load_channel(message.channel, message.medium)
        delivered = channel.deliver(outgoing)
    except DeliveryError as exc:
        error, temporary = str(exc), exc.temporary
    except ImproperlyConfigured as exc:
        error, temporary = f"channel misconfigured: {exc}", False
    else:
        changes: dict[str, Any] = {
            "status": DeliveryStatus.SENT,
            "sent_at": clock.now(),
            "provider_reference": delivered.provider_reference[:200],
            "last_error": "",
        }
        if message.sensitive and channel.delivers_outside:
            changes["body"] = ""  # the code has reached the phone; do not keep it readable here
        Message.objects.filter(pk=message.pk).update(**changes)
        return DeliveryStatus.SENT
    logger.warning("delivery of message %s failed (attempt %s): %s", message.pk, message.attempts, error)
    if temporary and message.attempts < MAX_ATTEMPTS:
        when = clock.now() + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        Message.objects.filter(pk=message.pk).update(
            status=DeliveryStatus.RETRYING, next_attempt_at=when, last_error=error[:500]
        )
        enqueue_delivery(message.pk, when=when)
        return DeliveryStatus.RETRYING
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=DeliveryStatus.FAILED, last_error=error[:500])
        record_event(
            event_type=NotificationEvent.MESSAGE_FAILED,
            data_subject=message.user_id,
            objects={"message": message.pk},
            details={"channel": message.channel, "attempts": message.attempts, "error": error[:200]},
        )
    return DeliveryStatus.FAILED


def messages_send_due(*, limit: int = 500) -> dict[str, int]:
    """Deliver every message that is due (queued, waiting to retry, or stuck in a dead worker)."""
    now = clock.now()
    due = Message.objects.filter(
        Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.RETRYING], next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    ).order_by("next_attempt_at", "id")
    outcome: dict[str, int] = {}
    for message_id in list(due.values_list("id", flat=True)[:limit]):
        status = message_deliver(message_id=message_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
