"""The append-only, tamper-evident event log (docs/audit.md, ADR 0007).

Two insert-only tables:

- `audit_event`: what writers insert inside the transaction of the change they record: `body`, the
  canonical JSON bytes of the event (diwan.audit.chain.canonical_body), the readable columns the
  application queries (time, type, actor, office, data subject, objects, details) and, on PostgreSQL, the
  writer's transaction id (`xid`, a column default). A CHECK constraint (`audit_event_columns_match_body`,
  ColumnsMatchBody below) makes the database refuse any row, inserted or updated, whose readable columns
  say anything else than its sealed body; the rest of the body is read through properties.
- `audit_seal`: written only by the sealer, one row per event, in batches:

      hash = SHA-256(prev_hash || seq as 8 bytes big-endian || body),  prev_hash = hash of seq - 1

Database triggers (diwan.audit.triggers) refuse UPDATE, DELETE and TRUNCATE on both tables. References
are plain values, not foreign keys: the log must outlive and never cascade with the rows it talks about.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.expressions import Expression
from django.db.models.sql.compiler import SQLCompiler

_KINDS: dict[str, type[models.Field[Any, Any]]] = {
    "text": models.TextField,
    "int": models.BigIntegerField,
    "json": models.JSONField,
    "time": models.DateTimeField,
}


class BodyValue(Expression):
    """One value of the sealed canonical body, extracted by the database: how migration 0001 generated the
    readable columns (kept for migrations 0001 and 0003; migration 0003 made them plain, checked columns).

    `kind`: "text", "int", "json" or "time". PostgreSQL uses the immutable functions audit_text,
    audit_json and audit_time created by migration 0001 (diwan.audit.triggers.FUNCTIONS_SQL); SQLite uses
    json_extract. Keys are fixed identifiers from the model, never user input."""

    def __init__(self, key: str, kind: str) -> None:
        if not key.isidentifier() or kind not in _KINDS:
            raise ValueError("body key must be an identifier and kind one of text, int, json, time")
        super().__init__(output_field=_KINDS[kind]())
        self.key = key
        self.kind = kind

    def __repr__(self) -> str:
        return f"BodyValue({self.key!r}, {self.kind!r})"

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("diwan.audit.models.BodyValue", (self.key, self.kind), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BodyValue) and (self.key, self.kind) == (other.key, other.kind)

    def __hash__(self) -> int:
        return hash((BodyValue, self.key, self.kind))

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        raise NotImplementedError(f"audit body columns are not available on {connection.vendor}")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        body = '"body"'
        match self.kind:
            case "time":
                return f"audit_time({body})", []
            case "json":
                return f"audit_json({body}, '{self.key}')", []
            case "int":
                return f"(audit_text({body}, '{self.key}'))::bigint", []
            case _:
                return f"audit_text({body}, '{self.key}')", []

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        value = f"json_extract(CAST(\"body\" AS TEXT), '$.{self.key}')"
        if self.kind == "time":
            # Django keeps SQLite datetimes as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; the body
            # always holds 'YYYY-MM-DDTHH:MM:SS.ffffff+00:00' (chain.format_time).
            return f"replace(substr({value}, 1, 26), 'T', ' ')", []
        return value, []


class TransactionId(Expression):
    """Column default of audit_event.xid: the writer's transaction id on PostgreSQL, NULL on SQLite."""

    output_field = models.BigIntegerField()
    allowed_default = True

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("diwan.audit.models.TransactionId", (), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TransactionId)

    def __hash__(self) -> int:
        return hash(TransactionId)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        return "NULL", ()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return "(pg_current_xact_id()::text::bigint)", []


class ColumnsMatchBody(Expression):
    """The CHECK condition of audit_event: every readable column equals what the sealed body says.

    PostgreSQL: the immutable PL/pgSQL function audit_event_matches_body (migration 0003,
    diwan.audit.triggers.MATCH_FUNCTION_SQL), which parses the body once. SQLite: json_extract per column
    (SQLite keeps datetimes as naive UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'). On PostgreSQL `diwan audit
    verify` checks in the catalog that this constraint is in force."""

    output_field = models.BooleanField()
    conditional = True

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("diwan.audit.models.ColumnsMatchBody", (), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColumnsMatchBody)

    def __hash__(self) -> int:
        return hash(ColumnsMatchBody)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        raise NotImplementedError(f"audit body columns are not available on {connection.vendor}")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return (
            "audit_event_matches_body(body, occurred_at, event_type, actor_id, office_id, data_subject_id, "
            "objects_ref, details)"
        ), []

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        def value(key: str) -> str:
            return f"json_extract(CAST(body AS TEXT), '$.{key}')"

        return (
            f"({value('v')} IS 1"
            # Django writes a datetime without microseconds as 19 characters.
            " AND (CASE WHEN length(occurred_at) = 19 THEN occurred_at || '.000000' ELSE occurred_at END)"
            f" IS replace(substr({value('occurred_at')}, 1, 26), 'T', ' ')"
            f" AND substr({value('occurred_at')}, 27) IS '+00:00'"
            f" AND event_type IS {value('event_type')}"
            f" AND actor_id IS {value('actor_id')}"
            f" AND office_id IS {value('office_id')}"
            f" AND data_subject_id IS {value('data_subject_id')}"
            f" AND json(objects_ref) IS {value('objects')}"
            f" AND json(details) IS {value('details')})"
        ), []


class Event(models.Model):
    # Canonical JSON (ASCII) of the event: what the chain hashes.
    body = models.BinaryField(editable=False)
    # PostgreSQL: the id of the transaction that inserted the row (the sealer's cursor, see actions).
    xid = models.BigIntegerField(null=True, blank=True, editable=False, db_default=TransactionId())
    # Readable copies of parts of the body, for queries; the CHECK constraint below keeps them equal to it.
    occurred_at = models.DateTimeField(editable=False)
    event_type = models.CharField(max_length=80, editable=False)
    actor_id = models.BigIntegerField(null=True, editable=False)
    office_id = models.BigIntegerField(null=True, editable=False)
    data_subject_id = models.BigIntegerField(null=True, editable=False)
    objects_ref = models.JSONField(editable=False, help_text='e.g. {"case": 12, "user": 4}')
    details = models.JSONField(editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_event_type_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_event_actor_time"),
            models.Index(fields=["data_subject_id"], name="audit_event_subject"),
            # The sealer's cursor on PostgreSQL: (xid, id) > last sealed and xid < the snapshot horizon.
            models.Index(fields=["xid", "id"], name="audit_event_xid"),
        ]
        constraints = [
            models.CheckConstraint(condition=ColumnsMatchBody(), name="audit_event_columns_match_body"),
        ]

    def __str__(self) -> str:
        seal = self.seal_or_none
        return f"{self.event_type} #{seal.seq if seal else '-'}"

    # The rest of the sealed body, read from it (never stored twice).
    @cached_property
    def doc(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(bytes(self.body))
        return value

    @property
    def actor_label(self) -> str:
        return str(self.doc.get("actor_label") or "")

    @property
    def acting_for(self) -> str:
        return str(self.doc.get("acting_for") or "")

    @property
    def ip(self) -> str | None:
        value = self.doc.get("ip")
        return str(value) if value else None

    @property
    def user_agent(self) -> str:
        return str(self.doc.get("user_agent") or "")

    @property
    def request_id(self) -> str:
        return str(self.doc.get("request_id") or "")

    @property
    def purpose(self) -> str:
        return str(self.doc.get("purpose") or "")

    # The seal, if the sealer has reached this event.
    @property
    def seal_or_none(self) -> Seal | None:
        try:
            return self.seal
        except Seal.DoesNotExist:
            return None

    @property
    def seq(self) -> int | None:
        seal = self.seal_or_none
        return seal.seq if seal else None

    @property
    def sealed_at(self) -> dt.datetime | None:
        seal = self.seal_or_none
        return seal.sealed_at if seal else None

    @property
    def hash_hex(self) -> str:
        seal = self.seal_or_none
        return bytes(seal.hash).hex() if seal else ""

    @property
    def prev_hash_hex(self) -> str:
        seal = self.seal_or_none
        return bytes(seal.prev_hash).hex() if seal else ""


class Seal(models.Model):
    """The place of one event in the chain. Insert-only, written by the sealer alone."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        Event, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal", editable=False
    )
    prev_hash = models.BinaryField(max_length=32, editable=False)
    hash = models.BinaryField(max_length=32, editable=False)
    sealed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One successor per hash: the database itself refuses a fork. (The condition always holds;
            # it makes this a separate index on both databases.)
            models.UniqueConstraint(
                fields=["prev_hash"], condition=Q(seq__gte=1), name="audit_seal_one_successor"
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="audit_seal_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"seal {self.seq}"


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
