"""The one write path into the audit log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.db import transaction

from diwan.audit.models import Event
from diwan.core.middleware import current

EVENT_TYPE_SHAPE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")


def record_event(
    *,
    event_type: StrEnum,
    actor: Any | None = None,
    acting_for: str = "",
    office_id: int | None = None,
    data_subject: Any | None = None,
    objects: Mapping[str, Any] | None = None,
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
) -> Event:
    """Record that something happened, inside the caller's transaction (so it commits or rolls back with
    the change). IP, user agent and request id come from the current request, if any."""
    if not EVENT_TYPE_SHAPE.match(str(event_type)):
        raise ValueError(f"event type {event_type!r} is not shaped area.subject.verb")
    context = current.get()
    actor_pk = getattr(actor, "pk", None) if actor is not None else None
    event = Event(
        event_type=str(event_type),
        actor_id=actor_pk,
        actor_label=(str(actor) if actor is not None else "")[:200],
        acting_for=acting_for[:200],
        office_id=office_id,
        ip=context.ip if context else None,
        user_agent=context.user_agent if context else "",
        request_id=context.request_id if context else "",
        objects_ref=dict(objects or {}),
        data_subject_id=getattr(data_subject, "pk", data_subject) if data_subject is not None else None,
        purpose=purpose[:300],
        details=dict(details or {}),
    )
    with transaction.atomic():
        event.save(force_insert=True)
    return event
