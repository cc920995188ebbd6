"""Audit event types for notifications (ARCHITECTURE §5.5): `area.subject.verb`."""

from __future__ import annotations

from enum import StrEnum


class NotificationEvent(StrEnum):
    MESSAGE_QUEUED = "notifications.message.queued"
    MESSAGE_FAILED = "notifications.message.failed"
