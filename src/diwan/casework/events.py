"""Audit event types of casework (ARCHITECTURE §5.5): `area.subject.verb`."""

from __future__ import annotations

from enum import StrEnum


class CaseworkEvent(StrEnum):
    # The holiday calendar moves every statutory deadline, so each change to it is audited.
    HOLIDAY_ADDED = "casework.holiday.added"
    HOLIDAY_CHANGED = "casework.holiday.changed"  # e.g. the Council of Ministers announced the exact date
    HOLIDAY_REMOVED = "casework.holiday.removed"
