"""`diwan audit verify`: recompute the chain and every checkpoint from the database.

One streaming pass in seq order (server-side cursor, binary rows) reads each seal's stored hash and the
bytes it must be the SHA-256 of (stored prev_hash, seq as 8 bytes, body; joined by the database),
recomputes the hash and compares; on the same bytes it checks the links (each stored prev_hash is the
stored hash before it, each seq its position), which makes the seals checked one by one a chain; and it
feeds the hashes into a Merkle compact range grown a block at a time, which yields the tree head at each
checkpoint size. When a hash or a link does not match, one SQL query over the narrow seal table finds
the first bad link and the row is looked at again to say why (deleted, reordered, fork or modified).

The readable columns of audit_event are kept equal to `body` by a CHECK constraint (diwan.audit.models,
ColumnsMatchBody), which PostgreSQL enforces on every inserted and updated row, always: so on PostgreSQL
verify checks in the catalog (O(1)) that the constraint is in force and validated, and that the function
it calls is exactly the one migration 0003 made. If the catalog is not exactly so (the constraint dropped
or not validated, the function replaced), on SQLite (whose CHECK constraints a connection can switch off
with PRAGMA ignore_check_constraints), or with `--columns`, it compares every column with its body, in
SQL, and names the first event whose columns differ.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Generator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import DatabaseError, connection, transaction
from psycopg import pq
from psycopg.adapt import Transformer

from diwan.audit import triggers
from diwan.audit.chain import GENESIS, checkpoint_message
from diwan.audit.merkle import EMPTY_ROOT, node_hash
from diwan.audit.models import Checkpoint
from diwan.core import crypto

FETCH = 20_000
STREAM_CURSOR = "audit_stream"
# Each seal's stored hash, and what it must be the SHA-256 of: its stored prev_hash, its seq (8 bytes
# big-endian) and its event's body, joined by the database (PostgreSQL) or here (SQLite). verify_log
# checks on these bytes that the stored prev_hash and seq are right (prev_hash = the previous seal's hash,
# seq = position); LINKS_SQL names the first one that is not. Every seal gives a row (LEFT JOIN): a seal
# whose event row is gone gives no body, so its hash cannot match and _why_not_matching says "deleted".
# An inner join would drop that row silently, and with it the evidence of the deletion.
CHAIN_SQL = (
    "SELECT s.hash, s.prev_hash || int8send(s.seq) || coalesce(e.body, ''::bytea) FROM audit_seal s "
    "LEFT JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq"
)
SQLITE_CHAIN_SQL = (
    "SELECT s.hash, s.prev_hash, s.seq, e.body FROM audit_seal s "
    "LEFT JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq"
)
MERKLE_BLOCK = 1 << 14  # leaves hashed into one subtree at a time, level by level
# Rows of a fetched batch checked at a time: the several passes over them (split, links, hashes, tree)
# then find them still in the CPU cache.
CHUNK = 1 << 11
# The first seal whose seq is not its position or whose prev_hash is not the previous seal's hash.
LINKS_SQL = (
    "SELECT seq, prev_hash, n FROM (SELECT seq, prev_hash, lag(hash) OVER w AS before, "
    "row_number() OVER w AS n FROM audit_seal WINDOW w AS (ORDER BY seq)) x "
    "WHERE seq <> n OR prev_hash <> coalesce(before, %s) ORDER BY seq LIMIT 1"
)

# What migration 0003 makes on PostgreSQL, as the catalog prints it back.
CONSTRAINT = "audit_event_columns_match_body"
PG_CHECK = (
    "CHECK (audit_event_matches_body(body, occurred_at, (event_type)::text, actor_id, office_id, "
    "data_subject_id, objects_ref, details))"
)
PG_MATCH_SIGNATURE = (
    "audit_event_matches_body(bytea, timestamptz, text, bigint, bigint, bigint, jsonb, jsonb)"
)

_PG_COLUMNS_DIFFER = """
SELECT min(s.seq) FROM audit_seal s JOIN (
  -- OFFSET 0 keeps the subquery whole, so each body is parsed once, not once per comparison.
  SELECT *, convert_from(body, 'SQL_ASCII')::jsonb AS b FROM audit_event OFFSET 0
) e ON e.id = s.event_id
WHERE (
  e.occurred_at IS DISTINCT FROM (e.b->>'occurred_at')::timestamptz
  OR e.event_type IS DISTINCT FROM e.b->>'event_type'
  OR e.actor_id IS DISTINCT FROM (e.b->>'actor_id')::bigint
  OR e.office_id IS DISTINCT FROM (e.b->>'office_id')::bigint
  OR e.objects_ref IS DISTINCT FROM e.b->'objects'
  OR e.data_subject_id IS DISTINCT FROM (e.b->>'data_subject_id')::bigint
  OR e.details IS DISTINCT FROM e.b->'details'
  OR (e.b->>'v') IS DISTINCT FROM '1'
)
"""

_SQLITE_COLUMNS_DIFFER = """
SELECT min(s.seq) FROM audit_seal s JOIN (
  SELECT *, CAST(body AS TEXT) AS b FROM audit_event
) e ON e.id = s.event_id
WHERE (CASE WHEN length(e.occurred_at) = 19 THEN e.occurred_at || '.000000' ELSE e.occurred_at END)
      IS NOT replace(substr(json_extract(e.b, '$.occurred_at'), 1, 26), 'T', ' ')
  OR substr(json_extract(e.b, '$.occurred_at'), 27) IS NOT '+00:00'
  OR e.event_type IS NOT json_extract(e.b, '$.event_type')
  OR e.actor_id IS NOT json_extract(e.b, '$.actor_id')
  OR e.office_id IS NOT json_extract(e.b, '$.office_id')
  OR json(e.objects_ref) IS NOT json_extract(e.b, '$.objects')
  OR e.data_subject_id IS NOT json_extract(e.b, '$.data_subject_id')
  OR json(e.details) IS NOT json_extract(e.b, '$.details')
  OR json_extract(e.b, '$.v') IS NOT 1
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
    # "checked": the catalog proves the readable columns equal the bodies; "compared": checked row by row.
    columns: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        with_seq = [p for p in self.problems if p.seq is not None]
        if with_seq:
            return min(with_seq, key=lambda p: p.seq or 0)
        return self.problems[0] if self.problems else None


def stream(sql: str, fetch: int = FETCH) -> Generator[list[tuple[Any, ...]]]:
    """Batches of rows of `sql`, through a server-side cursor with binary results on PostgreSQL (bytea
    arrives as raw bytes, no hex decoding). On PostgreSQL a helper thread fetches the next batches while
    the caller works on the current one; the rows are made into tuples here, in the caller's thread.
    Call inside a transaction. bench/audit.py streams its bare baseline through this same function."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor(name=STREAM_CURSOR, binary=True) as cursor:
            cursor.execute(sql)
            loader = Transformer(cursor)
            for result in _prefetched(_fetch_without_gil(cursor, fetch)):
                loader.set_pgresult(result)
                yield loader.load_rows(0, result.ntuples, tuple)
        return
    with connection.cursor() as plain:
        plain.execute(sql)
        while rows := plain.fetchmany(fetch):
            yield rows


def _fetch_without_gil(cursor: Any, fetch: int) -> Callable[[], Any]:
    """One FETCH of the declared cursor per call, through libpq's blocking PQexecParams, which waits for
    the server and reads the whole batch without the GIL: the raw result, None when the cursor is done.

    Why the helper thread does not make the rows into tuples itself (which takes the GIL): while the
    caller hashes, the helper would wait up to the interpreter's switch interval for the GIL, and the
    database for the helper's next FETCH. Loading in the caller's thread, the helper sends the next FETCH
    as soon as a batch is in (verify alternating with the previous form, 6-8 rounds each, twice: 255k
    -> 299k and 284k -> 313k events/s, and steadier from round to round).

    Why not the cursor's fetchmany: psycopg reads the socket about 16 KB at a time and takes the GIL
    back after each read; while the caller hashes (which holds the GIL: hashlib lets it go only for
    inputs of 2 KB and more), each of those waits up to the interpreter's switch interval, so the helper
    thread hardly read ahead and the database mostly waited for the hashing to finish."""
    conn = cursor.connection
    command = f'FETCH FORWARD {int(fetch)} FROM "{STREAM_CURSOR}"'.encode()

    def batch() -> Any:
        with conn.lock:  # the connection's own lock, as every psycopg call takes it
            result = conn.pgconn.exec_params(command, [], result_format=pq.Format.BINARY)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
        return result if result.ntuples else None

    return batch


def _prefetched[T](fetch: Callable[[], T | None], ahead: int = 2) -> Generator[T]:
    """Yield fetch() results until None, fetching up to `ahead` batches ahead in a thread."""
    ready: queue.Queue[T | BaseException | None] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                batch = fetch()
                ready.put(batch)
                if batch is None:
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            ready.put(exc)

    worker = threading.Thread(target=run, name="audit-verify-fetch", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if isinstance(item, BaseException):
                raise item
            if item is None:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let a blocked put() finish, then the thread sees `stop`
            with suppress(queue.Empty):
                ready.get(timeout=0.05)
        worker.join()


def _seq_with_hash(digest: bytes) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_seal WHERE hash = %s", [digest])
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


def _why_not_matching(position: int, prev: bytes) -> Problem:
    """The seal at `position` (1-based, in seq order) does not hash to its stored hash from `prev`, the
    verified hash before it: say why, the way a row-by-row check of seq and prev_hash would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.seq, s.prev_hash, e.id IS NOT NULL FROM audit_seal s "
            "LEFT JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq LIMIT 1 OFFSET %s",
            [position - 1],
        )
        seq, stored_prev, has_event = cursor.fetchone()
    return _link_problem(position, int(seq), bytes(stored_prev), prev, has_event=bool(has_event))


def _link_problem(
    position: int, seq: int, stored_prev: bytes, prev: bytes | None, *, has_event: bool = True
) -> Problem:
    if seq != position:
        return Problem(
            "deleted", position, f"deleted: event seq {position} is missing (the next event is seq {seq})"
        )
    if prev is None or stored_prev != prev:
        return _explain_wrong_predecessor(seq, stored_prev)
    if not has_event:
        return Problem("deleted", seq, f"deleted: event seq {seq} is missing (its seal is still there)")
    return Problem("modified", seq, f"modified: event seq {seq} does not match its hash")


def _seq_of(hashed: bytes) -> int:
    return int.from_bytes(hashed[32:40], "big", signed=True)


def _first_bad_link() -> Problem | None:
    """Every hash matched: check the stored seq and prev_hash columns in one query."""
    with connection.cursor() as cursor:
        cursor.execute(LINKS_SQL, [GENESIS])
        row = cursor.fetchone()
    if row is None:
        return None
    seq, stored_prev, position = int(row[0]), bytes(row[1]), int(row[2])
    return _link_problem(position, seq, stored_prev, None)


def columns_are_checked() -> bool:
    """True when the catalog proves that every row's readable columns equal its body: on PostgreSQL, the
    CHECK constraint is there, validated and enforced, exactly as migration 0003 made it, and the function
    it calls (the one the name resolves to, as the printed constraint shows) has the same source,
    language, argument types and result, is not STRICT (a NULL argument would skip it) and has no SET
    clause (its own search_path). Never on SQLite (PRAGMA ignore_check_constraints)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'audit_event'::regclass AND conname = %s",
            [CONSTRAINT],
        )
        if cursor.fetchall() != [("c", True, PG_CHECK)]:
            return False
        cursor.execute(
            "SELECT p.prosrc, l.lanname, pg_get_function_identity_arguments(p.oid), "
            "p.prorettype = 'boolean'::regtype, p.proisstrict, p.proconfig IS NULL, p.proretset "
            "FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.oid = to_regprocedure(%s)",
            [PG_MATCH_SIGNATURE],
        )
        found = cursor.fetchall()
    expected = (triggers.MATCH_SOURCE, "plpgsql", triggers.MATCH_ARGUMENTS, True, False, True, False)
    return bool(found == [expected])


def columns_differ() -> Problem | None:
    """The slow, row-by-row comparison of every readable column with its sealed body."""
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


def _chain_batches(fetch: int) -> Generator[list[tuple[Any, ...]]]:
    """Batches of (stored hash, the bytes it must be the SHA-256 of), in seq order."""
    if connection.vendor == "postgresql":
        yield from stream(CHAIN_SQL, fetch)
        return
    for rows in stream(SQLITE_CHAIN_SQL, fetch):
        yield [
            (bytes(h), bytes(prev) + int(seq).to_bytes(8, "big", signed=True) + bytes(body or b""))
            for h, prev, seq, body in rows
        ]


class _MerkleRange:
    """The Merkle compact range of the event hashes (merkle.CompactRange), grown a block at a time: each
    aligned block of leaves is hashed into its subtree root level by level (one list comprehension per
    level), then merged into the range. Blocks end at checkpoint sizes, where the root is compared."""

    def __init__(self, expected_roots: dict[int, bytes], report: Report) -> None:
        self.expected_roots = expected_roots
        self.sizes = sorted(expected_roots)
        self.until = self.sizes[-1] if self.sizes else 0
        self.report = report
        self.nodes: list[bytes] = []
        self.size = 0
        self.next = 0  # index in self.sizes of the next checkpoint size above self.size

    def extend(self, hashes: list[bytes]) -> None:
        leaves = _leaf_hashes(hashes)
        nodes, sizes = self.nodes, self.sizes
        done = 0
        while done < len(leaves):
            while self.next < len(sizes) and sizes[self.next] <= self.size:
                self.next += 1
            room = min(
                len(leaves) - done, (sizes[self.next] if self.next < len(sizes) else 1 << 62) - self.size
            )
            width = (self.size & -self.size) or MERKLE_BLOCK  # the largest block aligned at self.size
            width = min(width, MERKLE_BLOCK)
            while width > room:
                width >>= 1
            level = leaves[done : done + width]
            while len(level) > 1:
                level = _parent_hashes(level)
            node = level[0]
            n = self.size // width
            while n & 1:
                node = node_hash(nodes.pop(), node)
                n >>= 1
            nodes.append(node)
            self.size += width
            done += width
            if self.size in self.expected_roots:
                root = nodes[-1]
                for left in reversed(nodes[:-1]):
                    root = node_hash(left, root)
                if root != self.expected_roots[self.size]:
                    self.report.problems.append(
                        Problem("checkpoint", None, f"checkpoint {self.size}: root does not match the events")
                    )


# A copy of a hash object that has taken the one-byte prefix costs less than a new object plus the
# concatenation: the tree is two SHA-256 per event, and the per-call overhead is most of their cost.
_LEAF_PREFIX = hashlib.sha256(b"\x00")
_NODE_PREFIX = hashlib.sha256(b"\x01")


def _leaf_hashes(hashes: list[bytes]) -> list[bytes]:
    """merkle.leaf_hash of each event hash."""
    leaves: list[bytes] = []
    append, start = leaves.append, _LEAF_PREFIX.copy
    for event_hash in hashes:
        h = start()
        h.update(event_hash)
        append(h.digest())
    return leaves


def _parent_hashes(level: list[bytes]) -> list[bytes]:
    """merkle.node_hash of each pair of a level of even length."""
    parents: list[bytes] = []
    append, start = parents.append, _NODE_PREFIX.copy
    pairs = iter(level)
    for left, right in zip(pairs, pairs, strict=True):
        h = start()
        h.update(left)
        h.update(right)
        append(h.digest())
    return parents


def verify_log(*, fetch: int = FETCH, compare_columns: bool = False) -> Report:
    report = Report()
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
    expected = 0  # seals verified so far
    failed = False
    tree = _MerkleRange(expected_roots, report)
    links_broken = False
    with transaction.atomic(), closing(_chain_batches(fetch)) as batches:
        for batch in batches:
            for start in range(0, len(batch), CHUNK):
                rows = batch[start : start + CHUNK]
                stored = [h for h, _ in rows]
                hashed = [data for _, data in rows]
                # The links, from the bytes already here: each seal's prev_hash is the stored hash before
                # it, and its seq is its position (seq is the key and rows come in seq order, so the first
                # and the last seq of the rows being right means every seq between is). A broken link is
                # named by LINKS_SQL below, as a row-by-row check would name it.
                if not all(map(bytes.startswith, hashed, [prev, *stored[:-1]])) or not (
                    _seq_of(hashed[0]) == expected + 1 and _seq_of(hashed[-1]) == expected + len(hashed)
                ):
                    links_broken = True
                digests = [sha(data).digest() for data in hashed]
                if digests != stored:
                    bad = next(i for i, (d, h) in enumerate(zip(digests, stored, strict=True)) if d != h)
                    report.problems.append(
                        _why_not_matching(expected + bad + 1, digests[bad - 1] if bad else prev)
                    )
                    failed = True
                    digests = digests[:bad]
                # Merkle leaves only up to the largest checkpoint.
                tree.extend(digests[: max(0, min(len(digests), tree.until - expected))])
                expected += len(digests)
                if failed:
                    expected += 1  # the position of the bad seal
                    break
                prev = digests[-1]
            if failed or links_broken:
                break
    # Named by the database when something is wrong (also when a hash did not match: a bad link may come
    # before it); an intact chain needs no second pass over the table.
    links = _first_bad_link() if failed or links_broken else None
    if links is not None and (not failed or (links.seq or 0) < expected):
        report.problems.append(links)
        failed = True
        expected = links.seq or expected
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
    if not compare_columns and columns_are_checked():
        report.columns = "checked"
    else:
        report.columns = "compared"
        columns = columns_differ()
        if columns is not None:
            report.problems.append(columns)
    return report
