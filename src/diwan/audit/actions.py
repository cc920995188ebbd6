"""The write paths of the audit log: record an event, seal committed events into the chain, checkpoint.

Design (b) of ARCHITECTURE §6 (docs/decisions/0007-audit-chain-sealing.md): writers only INSERT, in
their own transaction and in parallel; one sealer at a time numbers committed events and chains them.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.db import connection, transaction

from diwan.audit import merkle
from diwan.audit.chain import GENESIS, canonical_body, chain_hash, checkpoint_message, normalise
from diwan.audit.models import Checkpoint, Event
from diwan.core import clock, crypto
from diwan.core.middleware import current

EVENT_TYPE_SHAPE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
# pg_advisory_xact_lock keys: one sealer and one checkpointer at a time across every process.
SEAL_LOCK = 0x64697761_6E0A0001  # "diwan" + 1
CHECKPOINT_LOCK = 0x64697761_6E0A0002
DEFAULT_SEAL_BATCH = 5000
_INSERT_SQL = {
    False: "INSERT INTO audit_event (occurred_at, event_type, actor_id, actor_label, acting_for, office_id, "
    "ip, user_agent, request_id, objects_ref, data_subject_id, purpose, details, body) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
    True: "INSERT INTO audit_event (occurred_at, event_type, actor_id, actor_label, acting_for, office_id, "
    "ip, user_agent, request_id, objects_ref, data_subject_id, purpose, details, body) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s::inet, %s, %s, %s::jsonb, %s, %s, %s::jsonb, %s) RETURNING id",
}


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_event(
    *,
    event_type: StrEnum,
    actor: Any | None = None,
    acting_for: str = "",
    office_id: int | None = None,
    data_subject: Any | None = None,
    objects: Mapping[str, Any] | None = None,
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
) -> Event:
    """Record that something happened, inside the caller's transaction (so it commits or rolls back with
    the change). IP, user agent and request id come from the current request, if any. The event is
    inserted unsealed; the sealer (`diwan audit seal --follow`) chains it within about a second of commit.
    `details` and `objects` may hold any JSON value, dates and decimals (stored as canonical JSON)."""
    if not EVENT_TYPE_SHAPE.match(str(event_type)):
        raise ValueError(f"event type {event_type!r} is not shaped area.subject.verb")
    context = current.get()
    actor_pk = getattr(actor, "pk", None) if actor is not None else None
    subject = getattr(data_subject, "pk", data_subject) if data_subject is not None else None
    fields: dict[str, Any] = {
        "occurred_at": clock.now(),
        "event_type": str(event_type),
        "actor_id": int(actor_pk) if actor_pk is not None else None,
        "actor_label": (str(actor) if actor is not None else "")[:200],
        "acting_for": acting_for[:200],
        "office_id": int(office_id) if office_id is not None else None,
        "ip": _ip(context.ip) if context else None,
        "user_agent": context.user_agent[:300] if context else "",
        "request_id": context.request_id[:32] if context else "",
        "objects_ref": normalise(objects or {}),
        "data_subject_id": int(subject) if subject is not None else None,
        "purpose": purpose[:300],
        "details": normalise(details or {}),
    }
    body = canonical_body(
        **{("objects" if k == "objects_ref" else k): v for k, v in fields.items()},
        salt=secrets.token_hex(16),
    )
    event = Event(**fields, body=body)
    # One raw INSERT (no ORM compilation, no savepoint): this runs in every audited transaction, so it
    # is kept as cheap as a bare insert. The values are adapted exactly as the ORM would adapt them.
    ops = connection.ops
    params = [
        ops.adapt_datetimefield_value(fields["occurred_at"]),
        fields["event_type"],
        fields["actor_id"],
        fields["actor_label"],
        fields["acting_for"],
        fields["office_id"],
        ops.adapt_ipaddressfield_value(fields["ip"]),
        fields["user_agent"],
        fields["request_id"],
        json.dumps(fields["objects_ref"]),
        fields["data_subject_id"],
        fields["purpose"],
        json.dumps(fields["details"]),
        body,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL[connection.vendor == "postgresql"], params)
        row = cursor.fetchone()
    event.pk = row[0]
    event._state.adding = False
    event._state.db = connection.alias
    return event


def events_seal(*, limit: int = DEFAULT_SEAL_BATCH) -> int:
    """Seal up to `limit` committed unsealed events, oldest id first; return how many were sealed.

    Safe to run from several processes at once: on PostgreSQL a transaction-level advisory lock admits
    one sealer at a time, and the rows are claimed with FOR UPDATE SKIP LOCKED; on SQLite the IMMEDIATE
    transaction is the lock. The chain head is read under that lock, so seq is contiguous and every hash
    gets exactly one successor (the partial unique index on prev_hash would refuse a second one)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        cursor.execute(
            "SELECT seq, hash FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
        )
        head = cursor.fetchone()
        seq, prev = (int(head[0]), bytes(head[1])) if head else (0, GENESIS)
        claim = "SELECT id, body FROM audit_event WHERE seq IS NULL ORDER BY id LIMIT %s"
        if postgres:
            claim += " FOR UPDATE SKIP LOCKED"
        cursor.execute(claim, [limit])
        rows = cursor.fetchall()
        if not rows:
            return 0
        sealed_at = clock.now()
        params = []
        for event_id, body in rows:
            seq += 1
            digest = chain_hash(prev, seq, bytes(body))
            params.append((seq, prev, digest, sealed_at, event_id))
            prev = digest
        if postgres:
            # One statement for the whole batch.
            cursor.execute(
                "UPDATE audit_event AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, "
                "sealed_at = %s FROM unnest(%s::bigint[], %s::bytea[], %s::bytea[], %s::bigint[]) "
                "AS v(seq, prev_hash, hash, id) WHERE e.id = v.id AND e.seq IS NULL",
                [
                    sealed_at,
                    [p[0] for p in params],
                    [p[1] for p in params],
                    [p[2] for p in params],
                    [p[4] for p in params],
                ],
            )
        else:
            cursor.executemany(
                "UPDATE audit_event SET seq = %s, prev_hash = %s, hash = %s, sealed_at = %s "
                "WHERE id = %s AND seq IS NULL",
                params,
            )
        if cursor.rowcount != len(params) and postgres:
            raise RuntimeError("audit sealer: a claimed event changed under the lock")
    return len(params)


def events_seal_all(*, limit: int = DEFAULT_SEAL_BATCH) -> int:
    """Seal until nothing committed is left unsealed (tests, commands)."""
    total = 0
    while sealed := events_seal(limit=limit):
        total += sealed
    return total


def checkpoint_create() -> Checkpoint | None:
    """Sign a Merkle tree head over every sealed event. Returns the new checkpoint, or None when nothing
    was sealed since the last one. Reads only the events after the previous checkpoint (its frontier)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHECKPOINT_LOCK])
        previous = Checkpoint.objects.order_by("-size").first()
        if previous is not None and len(bytes(previous.frontier)) == 32 * previous.size.bit_count():
            tree = merkle.CompactRange.from_bytes(previous.size, bytes(previous.frontier))
        else:
            tree = merkle.CompactRange()
        expected = tree.size
        hashes = (
            Event.objects.filter(seq__gt=tree.size)
            .order_by("seq")
            .values_list("seq", "hash")
            .iterator(chunk_size=10_000)
        )
        for seq, digest in hashes:
            if seq is None or digest is None:  # excluded by the query; narrows the type
                continue
            expected += 1
            if seq != expected:
                raise RuntimeError(f"audit chain has a gap before seq {seq}; run `diwan audit verify`")
            tree.append(bytes(digest))
        if tree.size == 0 or (previous is not None and tree.size == previous.size):
            return None
        root = tree.root()
        created_at = clock.now()
        message = checkpoint_message(size=tree.size, root=root, created_at=created_at)
        return Checkpoint.objects.create(
            size=tree.size,
            root_hash=root,
            created_at=created_at,
            public_key=crypto.platform_public_key_bytes(),
            signature=crypto.sign(message),
            frontier=tree.to_bytes(),
        )
