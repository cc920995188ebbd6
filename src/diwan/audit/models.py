"""The append-only, tamper-evident event log (docs/audit.md).

Writers insert events *unsealed* inside the transaction of the change they record: the readable columns
plus `body`, the canonical JSON bytes of those same columns (diwan.audit.chain.canonical_body). A single
sealer later gives committed events a sequence number and chains them:

    hash = SHA-256(prev_hash || seq as 8 bytes big-endian || body)

Database triggers (diwan.audit.triggers) refuse DELETE and refuse UPDATE except setting the four seal
columns once, from NULL. References are plain values, not foreign keys: the log must outlive and never
cascade with the rows it talks about.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

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
    # Canonical JSON (ASCII) of every column above: what the chain hashes. `diwan audit verify` also
    # checks, in SQL, that the readable columns still say what `body` says.
    body = models.BinaryField(editable=False)
    # Set once by the sealer, never changed (the database triggers refuse it).
    seq = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.BinaryField(max_length=32, null=True, blank=True, editable=False)
    hash = models.BinaryField(max_length=32, null=True, blank=True, editable=False)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_type_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_event_actor_time"),
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_event_unsealed"),
        ]
        constraints = [
            # Partial, so that unsealed inserts (the hot path) pay for none of these indexes.
            models.UniqueConstraint(fields=["seq"], condition=Q(seq__isnull=False), name="audit_event_seq"),
            # One successor per hash: the database itself refuses a fork.
            models.UniqueConstraint(
                fields=["prev_hash"], condition=Q(seq__isnull=False), name="audit_event_one_successor"
            ),
            models.CheckConstraint(
                condition=(
                    Q(seq__isnull=True, prev_hash__isnull=True, hash__isnull=True, sealed_at__isnull=True)
                    | Q(seq__gte=1, prev_hash__isnull=False, hash__isnull=False, sealed_at__isnull=False)
                ),
                name="audit_event_sealed_all_or_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.seq or '-'}"

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex() if self.hash is not None else ""

    @property
    def prev_hash_hex(self) -> str:
        return bytes(self.prev_hash).hex() if self.prev_hash is not None else ""


class Checkpoint(models.Model):
    """A signed Merkle tree head over the first `size` sealed events (RFC 9162 style). Append-only."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    created_at = models.DateTimeField()
    public_key = models.BinaryField(max_length=32, help_text="Raw Ed25519 public key that signed it")
    signature = models.BinaryField(max_length=64)
    # The compact range at `size` (concatenated subtree roots): lets the next checkpoint read only the new
    # events. A cache, not signed; `diwan audit verify` recomputes every root from the events.
    frontier = models.BinaryField(blank=True, default=b"", editable=False)

    class Meta:
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"

    @property
    def root_hex(self) -> str:
        return bytes(self.root_hash).hex()

    def signed_message(self) -> bytes:
        from diwan.audit.chain import checkpoint_message

        return checkpoint_message(size=self.size, root=bytes(self.root_hash), created_at=self.created_at)
