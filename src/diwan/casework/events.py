"""Audit event types of casework (ARCHITECTURE §5.5): `area.subject.verb`."""

from __future__ import annotations

from enum import StrEnum


class CaseworkEvent(StrEnum):
    # The holiday calendar moves every statutory deadline, so each change to it is audited.
    HOLIDAY_ADDED = "casework.holiday.added"
    HOLIDAY_CHANGED = "casework.holiday.changed"  # e.g. the Council of Ministers announced the exact date
    HOLIDAY_REMOVED = "casework.holiday.removed"
    # The workflow.
    TASK_OPENED = "casework.task.opened"
    TASK_ASSIGNED = "casework.task.assigned"
    TASK_REASSIGNED = "casework.task.reassigned"
    TASK_ESCALATED = "casework.task.escalated"
    STAGE_APPROVED = "casework.stage.approved"
    CONSULTATION_ANSWERED = "casework.consultation.answered"
    CASE_RETURNED = "casework.case.returned"
    CASE_EXTENDED = "casework.case.extended"
    CASE_APPROVED = "casework.case.approved"
    CASE_REJECTED = "casework.case.rejected"
    # Reads of a citizen's file by staff (the citizen is the data subject).
    CASE_VIEWED = "casework.case.viewed"
    CASE_BREAK_GLASS = "casework.case.break_glass"
    BREAK_GLASS_REVIEWED = "casework.break_glass.reviewed"
    MESSAGE_POSTED = "casework.message.posted"
    RELATIVE_DECLARED = "casework.relative.declared"
    # Refusals worth an auditor's eye.
    ACTION_REFUSED = "casework.action.refused"
