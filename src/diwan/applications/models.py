"""A citizen's application to a service: a draft, then a file the office works on (docs/applications.md).

The application pins the service version it was made with. Its answers are encrypted at rest (they hold
national ID numbers, addresses, family details); uploads are files in private storage, served only through
a checked view. `revision` grows with every change of state, so an action taken on a stale page is refused
instead of overwriting what happened meanwhile.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diwan.catalogue.models import Service, ServiceVersion
from diwan.core import clock
from diwan.core.fields import EncryptedJSONField
from diwan.core.governorates import Governorate
from diwan.directory.models import Office

ANSWERS_CONTEXT = "applications.answers"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Returned to you for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.RETURNED)
DECIDED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


class Application(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = EncryptedJSONField(default=dict, context=ANSWERS_CONTEXT)
    current_page = models.CharField(max_length=40, blank=True)  # where "resume" takes the citizen
    # Idempotency of "start" (the form's one-time token) and of "submit" (a draft is submitted once).
    start_token = models.UUIDField(null=True, blank=True, editable=False)
    tracking_number = models.CharField(max_length=12, unique=True, null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    # Routing and the people involved, fixed at submission.
    governorate = models.CharField(max_length=3, choices=Governorate.choices, blank=True)
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    applicant_name = models.CharField(max_length=200, blank=True)
    # Blind index of the applicant's national ID: conflict-of-interest checks without decrypting.
    applicant_nid_index = models.CharField(max_length=64, blank=True)
    # The statutory clock of the whole file (stage clocks are on the tasks).
    legal_due_date = models.DateField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    # Return for correction: the fields to fix and the office's message (cleared on resubmission).
    correction_fields = models.JSONField(default=list, blank=True)
    correction_message = models.TextField(blank=True)
    # The decision and its reasons, shown to the citizen.
    decision_reason_code = models.CharField(max_length=40, blank=True)
    decision_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=3, default="ar")  # the citizen's language, for messages
    is_test_data = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "-updated_at"], name="applications_by_applicant"),
            models.Index(fields=["office", "status"], name="applications_by_office"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "start_token"],
                name="applications_start_once",
                condition=models.Q(start_token__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(tracking_number__isnull=False),
                name="applications_submitted_has_tracking_number",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"draft {self.pk}"

    @property
    def definition(self) -> dict[str, Any]:
        definition: dict[str, Any] = self.service_version.definition
        return definition

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the citizen's file name (it may hold personal data or path tricks): a random name.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded file: a form field's document (`field_name`) or a case message's attachment."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    field_name = models.CharField(max_length=40, blank=True)  # blank: attached to a case message
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)  # detected from the content, not the browser's claim
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)
    # A replaced upload stays (the file's history is evidence) but no longer counts as the answer.
    replaced = models.BooleanField(default=False)

    class Meta:
        ordering = ["application_id", "id"]
        indexes = [models.Index(fields=["application", "field_name"], name="applications_attachment_field")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.field_name or 'message'}/{self.original_name}"
