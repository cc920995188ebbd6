"""Reads of the outbox. Only demo/development helpers and the `diwan outbox` command list messages."""

from __future__ import annotations

from django.db.models import QuerySet

from diwan.notifications.models import Message


def recent_messages(*, limit: int = 20, recipient: str | None = None) -> QuerySet[Message]:
    messages = Message.objects.all()
    if recipient:
        messages = messages.filter(recipient=recipient)
    return messages.order_by("-created_at", "-id")[:limit]
