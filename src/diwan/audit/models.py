"""The append-only, tamper-evident event log (docs/audit.md).

Writers insert events *unsealed* (seq, prev_hash and hash empty) inside the transaction of the change
they record. A sealer gives committed events a sequence number and chains their hashes. References are
plain values, not foreign keys: the log must outlive and never cascade with the rows it talks about.
"""

from __future__ import annotations

from django.db import models

from diwan.core import clock


class Event(models.Model):
    occurred_at = models.DateTimeField(default=clock.now)
    event_type = models.CharField(max_length=80)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    acting_for = models.CharField(max_length=200, blank=True, help_text="Delegation: the position acted for")
    office_id = models.BigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    objects_ref = models.JSONField(default=dict, blank=True, help_text='e.g. {"case": 12, "user": 4}')
    data_subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Set once by the sealer, never changed (database triggers refuse it).
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_type_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_event_actor_time"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.seq or '-'}"
