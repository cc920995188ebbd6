"""Audit event types of applications (ARCHITECTURE §5.5): `area.subject.verb`."""

from __future__ import annotations

from enum import StrEnum


class ApplicationEvent(StrEnum):
    DRAFT_STARTED = "applications.draft.started"
    DRAFT_SAVED = "applications.draft.saved"
    DRAFT_DELETED = "applications.draft.deleted"
    FILE_UPLOADED = "applications.file.uploaded"
    FILE_REFUSED = "applications.file.refused"  # wrong type, too large, malware: evidence of attempts
    FILE_DOWNLOADED = "applications.file.downloaded"
    SUBMITTED = "applications.application.submitted"
    RESUBMITTED = "applications.application.resubmitted"
