"""The notifications outbox: every message Diwan sends is a row here first (ARCHITECTURE §5.4).

An action queues a message in the transaction of the change it belongs to; after commit a task hands it
to the channel plugin chosen by setting (demo, http_sms, smtp) and records the delivery status, retrying
temporary failures with back-off. The demo channel delivers nowhere: the row *is* the message, readable
with `diwan outbox` and on the development outbox page.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from diwan.core import clock
from diwan.core.fields import EncryptedTextField


class Medium(models.TextChoices):
    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    created_at = models.DateTimeField(default=clock.now)
    medium = models.CharField(max_length=10, choices=Medium.choices)
    channel = models.CharField(max_length=40, help_text="Plugin that delivers it: demo, http_sms, smtp…")
    template = models.CharField(max_length=80, help_text="Catalogue key, e.g. accounts.sign_in_code")
    language = models.CharField(max_length=5)
    recipient = models.CharField(max_length=254, help_text="E.164 phone number or e-mail address")
    # The user the message concerns (a plain value like the audit log: outbox rows outlive accounts).
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject = models.CharField(max_length=200, blank=True)
    # Encrypted: bodies carry sign-in codes and personal details.
    body = EncryptedTextField(context="notifications.Message.body")
    # Sensitive bodies (sign-in codes) are wiped once a real channel has delivered them.
    sensitive = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_msg_recipient_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="notif_msg_due"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.medium} {self.template} to {self.recipient} ({self.status})"
