"""Audit events recorded by the audit subsystem itself."""

from __future__ import annotations

from enum import StrEnum


class AuditEventType(StrEnum):
    EVENT_VIEWED = "audit.event.viewed"  # an auditor opened one event (it may concern a citizen)
    LOG_SEARCHED = "audit.log.searched"  # an auditor listed events with filters
