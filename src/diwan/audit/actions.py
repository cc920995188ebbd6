"""The write paths of the audit log: record an event, seal committed events into the chain, checkpoint.

Design (b) of ARCHITECTURE §6 (docs/decisions/0007-audit-chain-sealing.md): writers only INSERT, in
their own transaction and in parallel; one sealer at a time numbers committed events and chains them.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import weakref
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from psycopg import errors as pg_errors
from psycopg import pq

from diwan.audit import merkle
from diwan.audit.chain import GENESIS, canonical_body_parts, chain_hash, checkpoint_message, format_time
from diwan.audit.models import Checkpoint, Event, Seal
from diwan.core import clock, crypto
from diwan.core.middleware import current

EVENT_TYPE_SHAPE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
# pg_advisory_xact_lock keys: one sealer and one checkpointer at a time across every process.
SEAL_LOCK = 0x64697761_6E0A0001  # "diwan" + 1
CHECKPOINT_LOCK = 0x64697761_6E0A0002
DEFAULT_SEAL_BATCH = 5000
# `xid` is a column default; the CHECK constraint refuses columns that differ from the body.
_COLUMNS = "body, occurred_at, event_type, actor_id, office_id, data_subject_id, objects_ref, details"
_INSERT_SQL = f"INSERT INTO audit_event ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"  # noqa: S608 (constants)
# PostgreSQL: the same INSERT as one protocol-level prepared statement per connection (parsed and planned
# once), the body sent as binary bytea, the rest as text in the types of the columns.
_PG_STATEMENT = b"diwan_audit_event_insert"
_PG_INSERT = (
    f"INSERT INTO audit_event ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id".encode()  # noqa: S608
)
_PG_TYPES = [17, 1184, 25, 20, 20, 20, 3802, 3802]  # bytea, timestamptz, text, 3 x int8, 2 x jsonb
_PG_FORMATS = [1, 0, 0, 0, 0, 0, 0, 0]  # binary body, text for the others
_PG_PREPARED: weakref.WeakSet[Any] = weakref.WeakSet()  # psycopg connections that hold the statement
_PG_PIPELINE = pq.version() >= 140000  # libpq 14+: BEGIN and the INSERT in one round trip


# Event types already checked against EVENT_TYPE_SHAPE (a handful of StrEnum values per process).
_GOOD_TYPES: set[str] = set()
_PLAIN = (str, int, float, bool, type(None))


def _normalised(value: Mapping[str, Any] | None, canonical: str) -> dict[str, Any]:
    """What the `objects`/`details` column holds: the canonical JSON read back. Flat dicts of plain values
    (nearly every event) are just sorted; anything else is read back from its canonical JSON."""
    if not value:
        return {}
    if all(type(k) is str and type(v) in _PLAIN for k, v in value.items()):
        return dict(sorted(value.items()))
    result: dict[str, Any] = json.loads(canonical)
    return result


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
    type_name = str(event_type)
    if type_name not in _GOOD_TYPES:
        if not EVENT_TYPE_SHAPE.match(type_name):
            raise ValueError(f"event type {event_type!r} is not shaped area.subject.verb")
        _GOOD_TYPES.add(type_name)
    context = current.get()
    actor_pk = getattr(actor, "pk", None) if actor is not None else None
    subject = getattr(data_subject, "pk", data_subject) if data_subject is not None else None
    occurred_at = clock.now()
    actor_id = int(actor_pk) if actor_pk is not None else None
    office = int(office_id) if office_id is not None else None
    subject_id = int(subject) if subject is not None else None
    time_text = format_time(occurred_at)
    body, objects_json, details_json = canonical_body_parts(
        occurred_at=time_text,
        event_type=type_name,
        actor_id=actor_id,
        actor_label=(str(actor) if actor is not None else "")[:200],
        acting_for=acting_for[:200],
        office_id=office,
        ip=_ip(context.ip) if context else None,
        user_agent=context.user_agent[:300] if context else "",
        request_id=context.request_id[:32] if context else "",
        objects=objects or {},
        data_subject_id=subject_id,
        purpose=purpose[:300],
        details=details or {},
        salt=secrets.token_hex(16),
    )
    db = connections[DEFAULT_DB_ALIAS]
    row_id = _insert(db, body, time_text, type_name, actor_id, office, subject_id, objects_json, details_json)
    # The returned event says what the row holds (JSON values normalised). It is built like a row loaded
    # from the database, without Model.__init__ (this runs in every audited transaction); `doc` (the rest
    # of the body) is parsed only if someone reads it.
    event = Event.__new__(Event)
    state = event._state = ModelState()
    state.adding = False
    state.db = db.alias
    event.__dict__.update(
        id=row_id,
        body=body,
        xid=None,
        occurred_at=occurred_at,
        event_type=type_name,
        actor_id=actor_id,
        office_id=office,
        data_subject_id=subject_id,
        objects_ref=_normalised(objects, objects_json),
        details=_normalised(details, details_json),
    )
    return event


def _insert(db: BaseDatabaseWrapper, *values: bytes | str | int | None) -> int:
    """INSERT one event row; returns its id. One statement in the caller's transaction, no savepoint.

    On PostgreSQL, unless something watches the queries (debug cursor, execute wrappers) or the
    connection is set up differently (its own isolation level or read-only mode, psycopg's pipeline
    mode), the row goes through a prepared statement executed on libpq directly: this runs in every
    audited transaction, and psycopg's and Django's cursor layers cost more client time than the insert
    itself. What those layers would do around it is done here: start the transaction as psycopg would (a
    plain BEGIN when none is open and autocommit is off, sent with the INSERT in one round trip), turn an
    error result into psycopg's exception for it, inside Django's error wrapper. Poolers in transaction
    mode must support protocol-level prepared statements (PgBouncer >= 1.21)."""
    if db.vendor == "postgresql" and not (db.queries_logged or db.execute_wrappers):
        db.ensure_connection()
        raw = db.connection
        if (
            raw.isolation_level is None
            and raw.read_only is None
            and raw.deferrable is None
            and hasattr(raw, "_deallocate")  # see _watch_deallocate_all
            and (not _PG_PIPELINE or raw.pgconn.pipeline_status == pq.PipelineStatus.OFF)
        ):
            db.validate_thread_sharing()
            db.validate_no_broken_transaction()
            with db.wrap_database_errors, raw.lock:
                return _insert_prepared(raw, values)
    sql_values = list(values)
    if db.vendor == "sqlite":  # Django's naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'
        sql_values[1] = str(sql_values[1])[:26].replace("T", " ")
    with db.cursor() as cursor:
        cursor.execute(_INSERT_SQL, sql_values)
        return int(cursor.fetchone()[0])


def _insert_prepared(raw: Any, values: tuple[bytes | str | int | None, ...]) -> int:
    pgconn = raw.pgconn
    params = [v if v is None or type(v) is bytes else str(v).encode() for v in values]
    first = not raw.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE
    result = _send_insert(raw, params, first)
    if (
        result.status != pq.ExecStatus.TUPLES_OK
        and (first or raw.autocommit)
        and _statement_dropped(raw, result)
    ):
        # Deallocated behind psycopg's back (a pooler's DISCARD ALL / DEALLOCATE ALL, or a server session
        # a pooler hands over without it). When the event is the transaction's first statement (or there
        # is no transaction), the failed attempt holds nothing else: it is rolled back, the statement
        # prepared again and the insert retried once. Inside a transaction that had already done other
        # work the error stands (that transaction is aborted); the next event prepares it again.
        if first:
            _expect(raw, pgconn.exec_(b"ROLLBACK"), pq.ExecStatus.COMMAND_OK)
        result = _send_insert(raw, params, first)
    if result.status != pq.ExecStatus.TUPLES_OK:
        _statement_dropped(raw, result)
        raise pg_errors.error_from_result(result, encoding=raw.info.encoding)
    return int(result.get_value(0, 0))


def _send_insert(raw: Any, params: list[bytes | None], first: bool) -> Any:
    """Prepare the statement if this connection does not hold it, then run it (with BEGIN when the event
    is the transaction's first statement); returns the result to check."""
    pgconn = raw.pgconn
    if raw not in _PG_PREPARED:
        _expect(raw, pgconn.prepare(_PG_STATEMENT, _PG_INSERT, _PG_TYPES), pq.ExecStatus.COMMAND_OK)
        _watch_deallocate_all(raw)
        _PG_PREPARED.add(raw)
    if first:
        if _PG_PIPELINE:
            return _begin_and_insert(pgconn, params)
        _expect(raw, pgconn.exec_(b"BEGIN"), pq.ExecStatus.COMMAND_OK)
    return pgconn.exec_prepared(_PG_STATEMENT, params, _PG_FORMATS)


def _statement_dropped(raw: Any, result: Any) -> bool:
    """True (and the connection no longer counted as holding it) when the error says the prepared
    statement does not exist."""
    if result.error_field(pq.DiagnosticField.SQLSTATE) == b"26000":  # invalid_sql_statement_name
        _PG_PREPARED.discard(raw)
        return True
    return False


def _watch_deallocate_all(raw: Any) -> None:
    """psycopg prepares statements (core.db.prepared's hot statements; every repeated one if settings set
    prepare_threshold) and, after every rollback or DDL, forgets them with DEALLOCATE ALL — which drops
    this module's statement too. Every
    deallocation of a psycopg connection goes through its `_deallocate(name)` (None: all), so the
    connection is wrapped to forget that it holds the statement; the next event prepares it again."""
    if getattr(raw, "_diwan_watched", False):
        return
    deallocate = raw._deallocate

    def forgetting(name: bytes | None) -> Any:
        if name is None:
            _PG_PREPARED.discard(raw)
        return deallocate(name)

    raw._deallocate = forgetting
    raw._diwan_watched = True


def _begin_and_insert(pgconn: Any, params: list[bytes | None]) -> Any:
    """BEGIN and the INSERT in one round trip (libpq pipeline mode); returns the first failed result, or
    the INSERT's. Every result up to the pipeline's sync is read before leaving pipeline mode."""
    pgconn.enter_pipeline_mode()
    try:
        pgconn.send_query_params(b"BEGIN", None)
        pgconn.send_query_prepared(_PG_STATEMENT, params, _PG_FORMATS)
        pgconn.pipeline_sync()
        outcome = None
        ended = False
        while True:
            result = pgconn.get_result()
            if result is None:  # the end of one statement's results; twice: nothing more will come
                if ended:
                    break
                ended = True
                continue
            ended = False
            status = result.status
            if status == pq.ExecStatus.PIPELINE_SYNC:
                break
            if outcome is None and status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.PIPELINE_ABORTED):
                outcome = result  # the INSERT's rows, or the first error
    finally:
        pgconn.exit_pipeline_mode()
    if outcome is None:
        raise pg_errors.OperationalError("the audit event insert returned no result")
    return outcome


def _expect(raw: Any, result: Any, status: pq.ExecStatus) -> None:
    if result.status != status:
        raise pg_errors.error_from_result(result, encoding=raw.info.encoding)


def events_seal(*, limit: int = DEFAULT_SEAL_BATCH) -> int:
    """Seal up to `limit` committed unsealed events; return how many were sealed.

    One sealer at a time (PostgreSQL: a transaction-level advisory lock; SQLite: the IMMEDIATE
    transaction). The chain head and the cursor come from the last seal, read under that lock, so seq is
    contiguous and every hash gets exactly one successor (the unique index on prev_hash refuses a second).

    Which events are committed and not yet sealed, without an "unsealed" index or an anti-join:
    - PostgreSQL: every event stores its writer's transaction id. Every transaction with an id below
      the snapshot horizon pg_snapshot_xmin(pg_current_snapshot()) has ended, so the rows with
      (xid, id) after the last sealed event's and xid below the horizon are exactly the committed
      unsealed ones, and no row can appear behind the cursor later. A long-running transaction holds
      the horizon back and delays sealing (docs/audit.md, "Operating it").
    - SQLite: one writer at a time, so ids are in commit order: the cursor is the last sealed id.
    The seals of a batch are written with one COPY (PostgreSQL) or one multi-row INSERT (SQLite)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        cursor.execute(
            "SELECT s.seq, s.hash, e.xid, e.id FROM audit_seal s JOIN audit_event e ON e.id = s.event_id "
            "ORDER BY s.seq DESC LIMIT 1"
        )
        head = cursor.fetchone()
        if head:
            seq, prev, last_xid, last_id = int(head[0]), bytes(head[1]), head[2], int(head[3])
        else:
            seq, prev, last_xid, last_id = 0, GENESIS, -1, 0
        if postgres:
            cursor.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                "pg_current_xact_id_if_assigned()::text::bigint"
            )
            horizon, own = cursor.fetchone()
            if own is not None and own <= horizon:
                # Sealing inside a transaction that recorded events itself (tests, a command run in
                # a transaction): when it is the oldest running one, its own rows may be sealed too;
                # every transaction still running has a larger id and stays ahead of the cursor.
                horizon = own + 1
            # Binary rows: the bodies arrive as they are stored, not hex-encoded and decoded again.
            with psycopg.Cursor(connection.connection) as binary:
                binary.execute(
                    "SELECT id, body FROM audit_event WHERE (xid, id) > (%s, %s) AND xid < %s "
                    "ORDER BY xid, id LIMIT %s",
                    [last_xid if last_xid is not None else -1, last_id, horizon, limit],
                    binary=True,
                )
                rows = binary.fetchall()
        else:
            cursor.execute(
                "SELECT id, body FROM audit_event WHERE id > %s ORDER BY id LIMIT %s", [last_id, limit]
            )
            rows = cursor.fetchall()
        if not rows:
            return 0
        now = clock.now()
        if postgres:
            # COPY: no statement of 5 x batch parameters to build and parse; binary, so the hashes
            # and the time go as they are, with nothing for the server to parse.
            with cursor.cursor.copy(
                "COPY audit_seal (seq, event_id, prev_hash, hash, sealed_at) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "int8", "bytea", "bytea", "timestamptz"])
                write = copy.write_row
                for event_id, body in rows:
                    seq += 1
                    digest = chain_hash(prev, seq, body)
                    write((seq, event_id, prev, digest, now))
                    prev = digest
            return len(rows)
        sealed_at = connection.ops.adapt_datetimefield_value(now)
        params: list[Any] = []
        for event_id, body in rows:
            seq += 1
            digest = chain_hash(prev, seq, bytes(body))
            params += (seq, event_id, prev, digest, sealed_at)
            prev = digest
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        cursor.execute(
            f"INSERT INTO audit_seal (seq, event_id, prev_hash, hash, sealed_at) VALUES {values}",  # noqa: S608 (placeholders only)
            params,
        )
    return len(rows)


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
            Seal.objects.filter(seq__gt=tree.size)
            .order_by("seq")
            .values_list("seq", "hash")
            .iterator(chunk_size=10_000)
        )
        for seq, digest in hashes:
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
