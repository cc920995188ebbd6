"""`diwan audit verify`: recompute the chain and every checkpoint from the database.

One streaming pass in seq order recomputes each event hash from (previous hash, seq, body), checks the
stored prev_hash and hash, and feeds the hashes into a Merkle compact range, which yields the tree head
at each checkpoint size. One SQL query checks that the readable columns of every sealed event still say
what its sealed `body` says. Per-row Python work is kept to a few bytes operations, so the rate stays
close to a bare SHA-256 chain walk (bench/audit.py measures both).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from diwan.audit.chain import GENESIS, checkpoint_message
from diwan.audit.merkle import EMPTY_ROOT, node_hash
from diwan.audit.models import Checkpoint
from diwan.core import crypto

FETCH = 20_000

_PG_COLUMNS_DIFFER = """
SELECT min(e.seq) FROM (
  -- OFFSET 0 keeps the subquery whole, so each body is parsed once, not once per comparison.
  SELECT *, convert_from(body, 'UTF8')::jsonb AS b FROM audit_event WHERE seq IS NOT NULL OFFSET 0
) e, LATERAL (SELECT e.b) j
WHERE (
  e.occurred_at IS DISTINCT FROM (j.b->>'occurred_at')::timestamptz
  OR e.event_type IS DISTINCT FROM j.b->>'event_type'
  OR e.actor_id IS DISTINCT FROM (j.b->>'actor_id')::bigint
  OR e.actor_label IS DISTINCT FROM j.b->>'actor_label'
  OR e.acting_for IS DISTINCT FROM j.b->>'acting_for'
  OR e.office_id IS DISTINCT FROM (j.b->>'office_id')::bigint
  OR e.ip IS DISTINCT FROM (j.b->>'ip')::inet
  OR e.user_agent IS DISTINCT FROM j.b->>'user_agent'
  OR e.request_id IS DISTINCT FROM j.b->>'request_id'
  OR e.objects_ref IS DISTINCT FROM j.b->'objects'
  OR e.data_subject_id IS DISTINCT FROM (j.b->>'data_subject_id')::bigint
  OR e.purpose IS DISTINCT FROM j.b->>'purpose'
  OR e.details IS DISTINCT FROM j.b->'details'
  OR (j.b->>'v') IS DISTINCT FROM '1'
)
"""

_SQLITE_COLUMNS_DIFFER = """
SELECT min(seq) FROM (SELECT *, CAST(body AS TEXT) AS b FROM audit_event WHERE seq IS NOT NULL)
WHERE (CASE WHEN length(occurred_at) = 19 THEN occurred_at || '.000000' ELSE occurred_at END)
      IS NOT replace(substr(json_extract(b, '$.occurred_at'), 1, 26), 'T', ' ')
  OR substr(json_extract(b, '$.occurred_at'), 27) IS NOT '+00:00'
  OR event_type IS NOT json_extract(b, '$.event_type')
  OR actor_id IS NOT json_extract(b, '$.actor_id')
  OR actor_label IS NOT json_extract(b, '$.actor_label')
  OR acting_for IS NOT json_extract(b, '$.acting_for')
  OR office_id IS NOT json_extract(b, '$.office_id')
  OR ip IS NOT json_extract(b, '$.ip')
  OR user_agent IS NOT json_extract(b, '$.user_agent')
  OR request_id IS NOT json_extract(b, '$.request_id')
  OR json(objects_ref) IS NOT json_extract(b, '$.objects')
  OR data_subject_id IS NOT json_extract(b, '$.data_subject_id')
  OR purpose IS NOT json_extract(b, '$.purpose')
  OR json(details) IS NOT json_extract(b, '$.details')
  OR json_extract(b, '$.v') IS NOT 1
"""


@dataclass(frozen=True)
class Problem:
    kind: str  # modified, deleted, reordered, fork, truncated, checkpoint
    seq: int | None
    message: str


@dataclass
class Report:
    events: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        with_seq = [p for p in self.problems if p.seq is not None]
        if with_seq:
            return min(with_seq, key=lambda p: p.seq or 0)
        return self.problems[0] if self.problems else None


def _seq_with_hash(digest: bytes) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_event WHERE hash = %s AND seq IS NOT NULL", [digest])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _explain_wrong_predecessor(seq: int, stored_prev: bytes) -> Problem:
    points_to = _seq_with_hash(stored_prev)
    if points_to is not None and points_to < seq - 1:
        return Problem(
            "fork",
            seq,
            f"fork: event seq {seq} claims event seq {points_to} as predecessor, which already has a "
            f"successor (seq {points_to + 1})",
        )
    if points_to is not None:
        return Problem(
            "reordered",
            seq,
            f"reordered: event seq {seq} was chained after event seq {points_to}, not after seq {seq - 1}",
        )
    return Problem("modified", seq, f"modified: prev_hash of event seq {seq} matches no event")


def _columns_differ() -> Problem | None:
    sql = _PG_COLUMNS_DIFFER if connection.vendor == "postgresql" else _SQLITE_COLUMNS_DIFFER
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    except DatabaseError:
        return Problem("modified", None, "modified: a sealed record is not readable JSON")
    if row and row[0] is not None:
        seq = int(row[0])
        return Problem(
            "modified", seq, f"modified: the columns of event seq {seq} differ from its sealed record"
        )
    return None


class _ColumnCheck(threading.Thread):
    """The column check on its own connection, so the database works on it while Python walks the chain
    (PostgreSQL, outside a transaction: a second connection would not see a caller's uncommitted rows)."""

    def __init__(self) -> None:
        super().__init__(name="audit-column-check", daemon=True)
        self.result: Problem | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = _columns_differ()
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        finally:
            connection.close()


def verify_log(*, fetch: int = FETCH) -> Report:
    report = Report()
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    column_check = _ColumnCheck() if parallel else None
    if column_check is not None:
        column_check.start()
    platform_key = crypto.platform_public_key_bytes()
    checkpoints = list(
        Checkpoint.objects.order_by("size").values_list(
            "size", "root_hash", "created_at", "public_key", "signature"
        )
    )
    report.checkpoints = len(checkpoints)
    expected_roots: dict[int, bytes] = {}
    for size, root, created_at, public_key, signature in checkpoints:
        message = checkpoint_message(size=size, root=bytes(root), created_at=created_at)
        if bytes(public_key) != platform_key:
            report.problems.append(
                Problem("checkpoint", None, f"checkpoint {size}: signed by an unknown key")
            )
        elif not crypto.verify_signature(bytes(public_key), bytes(signature), message):
            report.problems.append(Problem("checkpoint", None, f"checkpoint {size}: bad signature"))
        expected_roots[size] = bytes(root)

    sha = hashlib.sha256
    prev = GENESIS
    expected = 0
    nodes: list[bytes] = []
    failed = False
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT seq, prev_hash, hash, body FROM audit_event WHERE seq IS NOT NULL ORDER BY seq"
        )
        while not failed and (rows := cursor.fetchmany(fetch)):
            for seq, stored_prev, stored_hash, body in rows:
                expected += 1
                if seq != expected:
                    report.problems.append(
                        Problem(
                            "deleted",
                            expected,
                            f"deleted: event seq {expected} is missing (the next event is seq {seq})",
                        )
                    )
                    failed = True
                    break
                if stored_prev != prev:
                    report.problems.append(_explain_wrong_predecessor(seq, bytes(stored_prev)))
                    failed = True
                    break
                if sha(prev + seq.to_bytes(8, "big") + body).digest() != stored_hash:
                    report.problems.append(
                        Problem("modified", seq, f"modified: event seq {seq} does not match its hash")
                    )
                    failed = True
                    break
                prev = bytes(stored_hash)
                # Merkle compact range append (merkle.CompactRange.append, inlined for speed).
                leaf = sha(b"\x00" + prev).digest()
                n = seq - 1
                while n & 1:
                    leaf = sha(b"\x01" + nodes.pop() + leaf).digest()
                    n >>= 1
                nodes.append(leaf)
                if seq in expected_roots:
                    root = nodes[-1]
                    for left in reversed(nodes[:-1]):
                        root = node_hash(left, root)
                    if root != expected_roots[seq]:
                        report.problems.append(
                            Problem("checkpoint", None, f"checkpoint {seq}: root does not match the events")
                        )
    report.events = expected if not failed else expected - 1
    if not failed:
        for size in expected_roots:
            if size > report.events:
                report.problems.append(
                    Problem(
                        "truncated",
                        report.events + 1,
                        f"truncated: checkpoint {size} covers events up to seq {size}, but the chain ends "
                        f"at seq {report.events}; first missing event seq {report.events + 1}",
                    )
                )
                break
        if 0 in expected_roots and expected_roots[0] != EMPTY_ROOT:
            report.problems.append(Problem("checkpoint", None, "checkpoint 0: wrong empty root"))
    if column_check is not None:
        column_check.join()
        if column_check.error is not None:
            raise column_check.error
        columns = column_check.result
    else:
        columns = _columns_differ()
    if columns is not None:
        report.problems.append(columns)
    return report
