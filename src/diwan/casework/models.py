"""Casework: the tasks a workflow opens, the timeline a citizen reads, case messages, suspensions,
declared relatives (conflict of interest) and break-glass openings; plus the public holidays that the
statutory clock skips (docs/casework.md, docs/statutory-clock.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diwan.applications.models import Application, Attachment
from diwan.core import clock
from diwan.core.fields import TranslatedTextField
from diwan.directory.models import Office


class HolidayScope(models.TextChoices):
    FEDERAL = "federal"  # every office in Iraq
    KURDISTAN_REGION = "kurdistan_region"  # offices of the Kurdistan Region only (in addition to federal)


class Holiday(models.Model):
    """One public holiday on one day. A multi-day holiday (Eid) is one row per day.

    `key` names the holiday within its year (e.g. `eid-al-fitr-1`) and stays the same when the date is
    announced or moved, so loading a new calendar file updates the row instead of adding a second one.
    """

    year = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    date = models.DateField(db_index=True)
    scope = models.CharField(max_length=20, choices=HolidayScope.choices)
    name = TranslatedTextField()
    provisional = models.BooleanField(default=False)  # expected (Hijri) date, not yet confirmed
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="casework_holiday_year_key_unique"),
            models.CheckConstraint(
                condition=models.Q(scope__in=["federal", "kurdistan_region"]),
                name="casework_holiday_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.key} ({self.scope})"


class TaskKind(models.TextChoices):
    STAGE = "stage", _("Stage")
    CONSULTATION = "consultation", _("Consultation")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WITH_CITIZEN = "with_citizen", _("With the citizen for correction")
    WAITING = "waiting", _("Waiting for consultations")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.WITH_CITIZEN, TaskStatus.WAITING)


class TaskOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """One stage of one application's workflow (or a consultation under it) in one office's queue."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=12, choices=TaskKind.choices, default=TaskKind.STAGE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    stage_key = models.CharField(max_length=40)
    stage_index = models.PositiveSmallIntegerField()
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="tasks")
    role = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    assignment_reason = models.TextField(blank=True)
    limit_days = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=clock.now)
    # The stage's statutory due date (clock in working days, suspensions and extension applied); kept
    # here so the inbox sorts and marks overdue files with one indexed query.
    due_date = models.DateField()
    extended = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = TranslatedTextField(default=dict, blank=True)  # consultations: what the office is asked
    answer = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=TaskOutcome.choices, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # The office inbox: open tasks of one office by deadline (the page must not grow with the queue).
            # "With the citizen" is one status: equality on (office, status) keeps the deadline order.
            models.Index(fields=["office", "status", "due_date", "id"], name="casework_task_inbox"),
            # "Open" is two statuses (open, waiting): `status IN (...)` cannot use the order of the index
            # above, so without this one the database sorts every open task of the office for each page.
            models.Index(
                fields=["office", "due_date", "id"],
                name="casework_task_inbox_open",
                condition=models.Q(status__in=["open", "waiting"]),
            ),
            models.Index(fields=["assignee", "status"], name="casework_task_assignee"),
            models.Index(fields=["status", "due_date"], name="casework_task_due"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.stage_key}:{self.kind}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES


class EntryKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application submitted")
    STAGE_STARTED = "stage_started", _("Stage started")
    STAGE_COMPLETED = "stage_completed", _("Stage completed")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Reassigned")
    CONSULTATION_SENT = "consultation_sent", _("Another office consulted")
    CONSULTATION_ANSWERED = "consultation_answered", _("Consultation answered")
    RETURNED = "returned", _("Returned for correction")
    RESUBMITTED = "resubmitted", _("Corrected and resubmitted")
    EXTENDED = "extended", _("Time limit extended")
    ESCALATED = "escalated", _("Escalated to the supervisor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CaseEntry(models.Model):
    """One line of a file's timeline. Entries the citizen may read are `public`; assignment details
    (who holds the file inside the office) stay internal."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(default=clock.now)
    kind = models.CharField(max_length=24, choices=EntryKind.choices)
    stage_key = models.CharField(max_length=40, blank=True)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(default=True)
    text = models.TextField(blank=True)  # a reason or message written by a person, shown as written
    details = models.JSONField(default=dict, blank=True)  # e.g. {"reason_code": ..., "days": 5}

    class Meta:
        ordering = ["application_id", "at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="casework_entry_timeline")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class Suspension(models.Model):
    """The file was with the citizen (returned for correction): the statutory clock stood still."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="suspensions")
    started_at = models.DateTimeField(default=clock.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["application_id", "started_at"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.started_at:%Y-%m-%d}"


class CaseMessage(models.Model):
    """A message in the thread between the citizen and the office, inside the case."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_citizen = models.BooleanField()
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="messages")
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["application_id", "sent_at", "id"]
        indexes = [models.Index(fields=["application", "sent_at"], name="casework_message_thread")]

    def __str__(self) -> str:
        return f"{self.application_id} message {self.pk}"


class DeclaredRelative(models.Model):
    """An official's declared relative: the official may not act on this person's applications."""

    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="relatives")
    national_id_index = models.CharField(max_length=64)  # blind index of the relative's national ID
    relation = models.CharField(max_length=40)
    declared_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["official", "national_id_index"], name="casework_relative_once"),
        ]
        indexes = [models.Index(fields=["national_id_index"], name="casework_relative_index")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.relation}"


class BreakGlassAccess(models.Model):
    """An official opened a case outside their office's queue, with a typed reason. Flagged to the
    integrity officers of the official's agency until one of them reviews it."""

    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="break_glass")
    agency_code = models.CharField(max_length=40)  # the official's agency: whose integrity office is told
    reason = models.TextField()
    opened_at = models.DateTimeField(default=clock.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["official", "application", "opened_at"], name="casework_breakglass")]

    def __str__(self) -> str:
        return f"{self.official_id} opened {self.application_id}"
