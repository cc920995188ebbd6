"""Audit log benchmarks, each against the machine's own limit measured side by side in the same run.

1. Append on PostgreSQL: 8 writer processes, one event per transaction (`record_event` inside
   `transaction.atomic()`, exactly what an action does), while the sealer runs as it does in production
   (`events_seal` every 0.2 s, in its own process). Baseline: the same 8 processes doing bare one-row
   INSERT transactions (raw SQL, same driver, same transaction handling) into a plain table. The writers
   are started once and keep their connections for every round; one warm-up round of each kind is
   discarded, then PAIRS pairs of rounds run in ABBA order (bare audit, audit bare, ...), so neither side
   is always measured first or later in a drifting machine. Ratio: the median over the pairs of audit
   rate / bare rate. Promise: ratio >= 0.7, zero forks, every event sealed within 2 s (seal lag =
   sealed_at - occurred_at, an upper bound on commit-to-seal time). Also reported: the CPU per
   transaction of each side (writers, their backends, the sealer), read from /proc.
2. Verification: `verify_log()` (chain + Merkle roots of the checkpoints + catalog check that the
   CHECK constraint keeping the readable columns equal to the bodies is in force) over
   the whole log, against a bare SHA-256 chain walk: the bodies streamed in seq order from the same
   tables through the same function, the chain recomputed (SHA-256 of the previous hash, seq and body,
   seq counted in Python) and nothing checked but that it ends at the newest seal's hash. The log is
   vacuumed first (autovacuum would otherwise come during the rounds). One warm-up pass of each is
   discarded, then BENCH_AUDIT_VERIFY_PAIRS (8) pairs
   run in ABBA order; the ratio is the median of the pairs' ratios, the rates the medians of the rounds.
   Promise: ratio >= 0.8 and >= 250,000 events/s. The rate of a walk over bytes already in memory is
   reported as well (extra), for reference.

The benchmark creates and drops its own database `diwan_bench_audit` (or BENCH_AUDIT_DB) on 127.0.0.1
(user postgres, or BENCH_PG_URL=postgres://user@host:port). Without a server it reports the PostgreSQL
part as skipped. BENCH_AUDIT_PARTS (default `append,verify`) chooses the parts to run, e.g. `verify`
alone (the verify log is then filled without the append rounds' events).
BENCH_AUDIT_SECONDS (2.5) is the length of a round, BENCH_AUDIT_PAIRS (4) the number of pairs.
Bounded: about 60-90 s. Run alone: `python -m bench.audit` (prints the results as JSON).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import BenchResult

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_AUDIT_DB", "diwan_bench_audit")  # own name when several run at once
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
WRITERS = 8
ROUND_SECONDS = float(os.environ.get("BENCH_AUDIT_SECONDS", "2.5"))
PAIRS = int(os.environ.get("BENCH_AUDIT_PAIRS", "4"))
WARMUP_SECONDS = 1.0
GAP_SECONDS = 0.4
VERIFY_EVENTS = int(os.environ.get("BENCH_AUDIT_VERIFY_EVENTS", "150000"))
VERIFY_PAIRS = int(os.environ.get("BENCH_AUDIT_VERIFY_PAIRS", "8"))
APPEND_TARGET = 0.7
VERIFY_TARGET = 0.8
VERIFY_ABSOLUTE = 250_000
SEAL_LAG_TARGET = 2.0
PARTS = frozenset(os.environ.get("BENCH_AUDIT_PARTS", "append,verify").replace(" ", "").split(","))
# The same bytes as the verifier reads (the bodies, in seq order), streamed by the same function.
BARE_SQL = (
    "SELECT coalesce(e.body, ''::bytea) FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id "
    "ORDER BY s.seq"
)


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=3)


def _recreate_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR / "src"))
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
    os.environ["DIWAN_MODE"] = "test"  # DEBUG off (no query log), demo keys allowed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id bigserial PRIMARY KEY, payload bytea NOT NULL)")
    connection.close()


def _schedule() -> list[str]:
    """The rounds, in order: one warm-up round of each kind (discarded), then PAIRS pairs in ABBA order
    (bare audit, audit bare, bare audit, ...), so neither side is always first after a warm-up and a
    linear drift of the machine's speed cancels out over two pairs."""
    kinds = ["bare", "audit"]
    for pair in range(PAIRS):
        kinds += ["bare", "audit"] if pair % 2 == 0 else ["audit", "bare"]
    return kinds


def _cpu_seconds(pid: int, command: str | None = None) -> float | None:
    """User + system CPU seconds of a process on this host; None when there is no such process, or when it
    is not `command` (a backend pid reported by a server elsewhere, or in another pid namespace)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            head, tail = stat.read().rsplit(")", 1)
    except OSError:
        return None
    if command is not None and head.partition("(")[2] != command:
        return None
    fields = tail.split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _writer(windows: list[tuple[str, float, float]], counts: Any, cpu: Any, index: int) -> None:
    """One writer process for the whole run: the same connection (and backend) for every round, bare or
    audit, as a worker of the application keeps its connection. Per round: transactions done, and the CPU
    seconds of this process and of its backend."""
    from django.db import connection, transaction

    from diwan.audit.actions import record_event
    from diwan.audit.events import AuditEventType

    payload = secrets.token_bytes(200)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    n = 0
    for number, (kind, start_at, stop_at) in enumerate(windows):
        while time.monotonic() < start_at:
            time.sleep(0.001)
        own, server = time.process_time(), _cpu_seconds(backend, "postgres")
        done = 0
        if kind == "bare":
            with connection.cursor() as cursor:
                while time.monotonic() < stop_at:
                    with transaction.atomic():
                        cursor.execute("INSERT INTO bench_bare (payload) VALUES (%s)", [payload])
                    done += 1
        else:
            while time.monotonic() < stop_at:
                with transaction.atomic():
                    record_event(
                        event_type=AuditEventType.EVENT_VIEWED,
                        actor=None,
                        data_subject=index,
                        objects={"case": n},
                        purpose="benchmark",
                        details={"writer": index, "n": n, "note": "معاملة تجريبية"},
                    )
                done += 1
                n += 1
        after = _cpu_seconds(backend, "postgres")
        slot = number * WRITERS + index
        counts[slot] = done
        cpu[2 * slot] = time.process_time() - own
        cpu[2 * slot + 1] = after - server if after is not None and server is not None else -1.0
    connection.close()


def _sealer(stop: Any, backend: Any) -> None:
    from django.db import connection

    from diwan.audit.actions import DEFAULT_SEAL_BATCH, events_seal

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend.value = int(cursor.fetchone()[0])
    while not stop.is_set():  # what `diwan audit seal --follow` does
        while events_seal(limit=DEFAULT_SEAL_BATCH) == DEFAULT_SEAL_BATCH:
            pass
        time.sleep(0.2)
    connection.close()


def _sealer_cpu(pid: int, backend: int) -> float | None:
    own, server = _cpu_seconds(pid), _cpu_seconds(backend, "postgres")
    return own + server if own is not None and server is not None else None


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _append() -> tuple[list[BenchResult], dict[str, Any]]:
    """Runs the schedule with WRITERS processes started once; the sealer runs throughout. Each round is
    ROUND_SECONDS (the warm-ups WARMUP_SECONDS), with GAP_SECONDS between rounds for the sealer to catch
    up, so no round pays for sealing the previous one's events. The ratio is the median over the pairs of
    audit rate / bare rate (the two rounds of a pair run back to back)."""
    from django.db import connection

    from diwan.audit.actions import events_seal_all
    from diwan.audit.models import Event

    kinds = _schedule()
    ctx = multiprocessing.get_context("fork")
    connection.close()
    stop = ctx.Event()
    sealer_backend = ctx.Value("q", 0)
    sealer = ctx.Process(target=_sealer, args=(stop, sealer_backend))
    sealer.start()
    began = time.monotonic() + 1.5  # the writers fork and connect meanwhile
    windows: list[tuple[str, float, float]] = []
    for number, kind in enumerate(kinds):
        seconds = WARMUP_SECONDS if number < 2 else ROUND_SECONDS
        windows.append((kind, began, began + seconds))
        began += seconds + GAP_SECONDS
    counts = ctx.Array("q", WRITERS * len(kinds))
    cpu = ctx.Array("d", 2 * WRITERS * len(kinds))
    writers = [ctx.Process(target=_writer, args=(windows, counts, cpu, i)) for i in range(WRITERS)]
    for proc in writers:
        proc.start()
    # The sealer's CPU (its process and its backend) over each round, read at the round's edges.
    sealer_cpu: list[float | None] = []
    for _, start_at, stop_at in windows:
        time.sleep(max(0.0, start_at - time.monotonic()))
        before = _sealer_cpu(sealer.pid or 0, int(sealer_backend.value))
        time.sleep(max(0.0, stop_at - time.monotonic()))
        after = _sealer_cpu(sealer.pid or 0, int(sealer_backend.value))
        sealer_cpu.append(after - before if after is not None and before is not None else None)
    for proc in writers:
        proc.join(timeout=60)
    time.sleep(1.0)  # the sealer's last poll
    stop.set()
    sealer.join(timeout=30)
    left_unsealed = Event.objects.filter(seal__isnull=True).count()
    events_seal_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT s.prev_hash), min(s.seq), max(s.seq), "
            "max(extract(epoch FROM s.sealed_at - e.occurred_at)), (SELECT count(*) FROM audit_event) "
            "FROM audit_seal s JOIN audit_event e ON e.id = s.event_id"
        )
        total, distinct_prev, min_seq, max_seq, max_lag, events = cursor.fetchone()
    contiguous_all = events == total
    forks = total - distinct_prev
    contiguous = contiguous_all and (total == 0 or (min_seq == 1 and max_seq == total))

    rounds = []  # (kind, transactions/s, CPU µs per transaction or None), warm-ups left out
    for number, (kind, start_at, stop_at) in enumerate(windows):
        slots = range(number * WRITERS, (number + 1) * WRITERS)
        done = sum(counts[slot] for slot in slots)
        spent = [cpu[2 * slot] + cpu[2 * slot + 1] for slot in slots]
        seal = sealer_cpu[number] if kind == "audit" else 0.0
        per_tx = None
        if done and seal is not None and all(cpu[2 * slot + 1] >= 0 for slot in slots):
            per_tx = (sum(spent) + seal) / done * 1e6
        if number >= 2:
            rounds.append((kind, done / (stop_at - start_at), per_tx))
    pairs = [rounds[i : i + 2] for i in range(0, len(rounds), 2)]
    pair_ratios = []
    for pair in pairs:
        rate = {kind: value for kind, value, _ in pair}
        pair_ratios.append(rate["audit"] / rate["bare"] if rate["bare"] else 0.0)
    ratio = _median(pair_ratios)
    bare_rates = [value for kind, value, _ in rounds if kind == "bare"]
    audit_rates = [value for kind, value, _ in rounds if kind == "audit"]
    bare = sum(bare_rates) / len(bare_rates)
    audit = sum(audit_rates) / len(audit_rates)
    bare_cpu = [c for kind, _, c in rounds if kind == "bare" and c is not None]
    audit_cpu = [c for kind, _, c in rounds if kind == "audit" and c is not None]
    lag = float(max_lag or 0.0)
    facts = {
        "events": total,
        "forks": forks,
        "seq_contiguous": contiguous,
        "max_seal_lag_s": round(lag, 3),
        "unsealed_when_sealer_stopped": left_unsealed,
        "pair_ratios": [round(r, 3) for r in pair_ratios],
        "ratio_of_mean_rates": round(audit / bare, 3) if bare else 0.0,
        "bare_rounds": [round(r) for r in bare_rates],
        "audit_rounds": [round(r) for r in audit_rates],
        "order": " ".join(kind[0] for kind, _, _ in rounds),
        "writers": WRITERS,
        "round_seconds": ROUND_SECONDS,
    }
    if len(bare_cpu) == len(bare_rates) and len(audit_cpu) == len(audit_rates):
        # CPU per transaction of the writers, their backends and (audit) the sealer with its backend:
        # what each side costs the machine, less moved by other work than the rates (not immune).
        facts["cpu_us_per_tx"] = {"bare": round(_median(bare_cpu), 1), "audit": round(_median(audit_cpu), 1)}
        facts["cpu_ratio"] = round(_median(bare_cpu) / _median(audit_cpu), 3)
    results = [
        BenchResult(
            name="audit append, 8 writers, one event per transaction, PostgreSQL",
            value=round(audit, 1),
            unit="events/s",
            baseline_name="bare one-row INSERT transactions, 8 writers",
            baseline_value=round(bare, 1),
            ratio=round(ratio, 3),
            target=f">= {APPEND_TARGET}, zero forks, sealed within {SEAL_LAG_TARGET:g} s",
            passed=ratio >= APPEND_TARGET and forks == 0 and contiguous and lag <= SEAL_LAG_TARGET,
            extra=facts,
        ),
        BenchResult(
            name="audit seal lag (max, occurred to sealed), PostgreSQL",
            value=round(lag * 1000, 1),
            unit="ms",
            target=f"<= {SEAL_LAG_TARGET * 1000:g}",
            passed=lag <= SEAL_LAG_TARGET,
            extra={"forks": forks, "seq_contiguous": contiguous},
        ),
    ]
    return results, facts


def _fill(n: int) -> None:
    """Top the log up to n events quickly: bulk INSERT of rows made like record_event's, then seal."""
    import datetime as dt

    from diwan.audit.actions import checkpoint_create, events_seal_all
    from diwan.audit.chain import canonical_body_parts, format_time
    from diwan.audit.models import Event, Seal

    have = Event.objects.count()
    now = dt.datetime.now(dt.UTC)
    batch: list[Event] = []
    for i in range(have, n):
        objects = {"case": i}
        details = {"n": i, "note": "معاملة تجريبية", "fee": 25000}
        body, _, _ = canonical_body_parts(
            occurred_at=format_time(now),
            event_type="bench.event.filled",
            actor_id=i % 977,
            actor_label=f"موظف {i % 977}",
            acting_for="",
            office_id=i % 31,
            ip="10.0.0.1",
            user_agent="bench",
            request_id=secrets.token_hex(16),
            objects=objects,
            data_subject_id=i % 5003,
            purpose="benchmark",
            details=details,
            salt=secrets.token_hex(16),
        )
        batch.append(  # the CHECK constraint compares every column with the body; xid is a default
            Event(
                body=body,
                occurred_at=now,
                event_type="bench.event.filled",
                actor_id=i % 977,
                office_id=i % 31,
                data_subject_id=i % 5003,
                objects_ref=objects,
                details=details,
            )
        )
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    if batch:
        Event.objects.bulk_create(batch)
    events_seal_all()
    sealed = Seal.objects.count()
    if sealed < n:
        raise RuntimeError(
            f"only {sealed} of {n} events sealed: a transaction elsewhere in the PostgreSQL cluster holds "
            "back the sealer's horizon (docs/audit.md); point BENCH_PG_URL at a cluster of its own"
        )
    checkpoint_create()


def _verify() -> list[BenchResult]:
    from django.db import connection, transaction

    from diwan.audit.chain import GENESIS
    from diwan.audit.models import Seal
    from diwan.audit.verify import FETCH, stream, verify_log

    _fill(VERIFY_EVENTS)
    # A log that has just been written has autovacuum still to come (the insert threshold), which would
    # take a core in the middle of the rounds; a log of any age has had it. Done here, before measuring.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) audit_event, audit_seal")

    head = bytes(Seal.objects.order_by("-seq").values_list("hash", flat=True)[0])

    def bare_walk() -> tuple[int, float]:
        """The chain itself, recomputed and nothing checked: hash = SHA-256(previous hash || seq || body)
        over the bodies in seq order (seq counted here, not read), ending at the newest seal's hash."""
        began = time.perf_counter()
        n = 0
        h = GENESIS
        sha = hashlib.sha256
        with transaction.atomic():
            for rows in stream(BARE_SQL, FETCH):
                for (body,) in rows:
                    n += 1
                    # diwan.audit.chain.chain_hash, inlined: the baseline pays no call per event.
                    h = sha(h + n.to_bytes(8, "big") + body).digest()
        elapsed = time.perf_counter() - began
        if h != head:
            raise RuntimeError("the bare walk did not end at the newest seal's hash: not the chain's bytes")
        return n, elapsed

    def full_verify() -> tuple[int, float]:
        began = time.perf_counter()
        report = verify_log()
        elapsed = time.perf_counter() - began
        if not report.ok:
            raise RuntimeError(f"benchmark log does not verify: {report.problems}")
        return report.events, elapsed

    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL)
        bodies = [bytes(row[0]) for row in cursor.fetchall()]
    began = time.perf_counter()
    h = GENESIS
    for n, body in enumerate(bodies, 1):  # the same chain as bare_walk, over bytes already here
        h = hashlib.sha256(h + n.to_bytes(8, "big") + body).digest()
    memory_rate = len(bodies) / (time.perf_counter() - began)
    body_bytes = sum(len(b) for b in bodies) / max(1, len(bodies))
    del bodies

    # One warm-up pass of each (discarded: the first pass reads the table into the cache), then
    # VERIFY_PAIRS pairs in ABBA order, as the append rounds run; the ratio is the median of the pairs'.
    bare_walk()
    full_verify()
    bare_rates, verify_rates, pair_ratios = [], [], []
    for pair in range(VERIFY_PAIRS):
        rates: dict[str, float] = {}
        for kind in ("bare", "verify") if pair % 2 == 0 else ("verify", "bare"):
            n, seconds = bare_walk() if kind == "bare" else full_verify()
            rates[kind] = n / seconds
        bare_rates.append(rates["bare"])
        verify_rates.append(rates["verify"])
        pair_ratios.append(rates["verify"] / rates["bare"])
    bare = _median(bare_rates)
    rate = _median(verify_rates)
    ratio = _median(pair_ratios)
    return [
        BenchResult(
            name="audit verify (chain + checkpoints + column-check catalog check), PostgreSQL, one core",
            value=round(rate),
            unit="events/s",
            baseline_name="bare SHA-256 chain walk (the chain recomputed, nothing checked), same stream",
            baseline_value=round(bare),
            ratio=round(ratio, 3),
            target=f">= {VERIFY_TARGET} and >= {VERIFY_ABSOLUTE:,} events/s",
            passed=ratio >= VERIFY_TARGET and rate >= VERIFY_ABSOLUTE,
            extra={
                "events": n,
                "mean_body_bytes": round(body_bytes),
                "in_memory_chain_walk_events_per_s": round(memory_rate),
                "ratio_to_in_memory_walk": round(rate / memory_rate, 3),
                "verify_rounds": [round(r) for r in verify_rates],
                "bare_rounds": [round(r) for r in bare_rates],
                "pair_ratios": [round(r, 3) for r in pair_ratios],
                "ratio_of_best_rounds": round(max(verify_rates) / max(bare_rates), 3),
            },
        )
    ]


def run() -> list[BenchResult]:
    unknown = PARTS - {"append", "verify"}
    if unknown:
        raise ValueError(f"BENCH_AUDIT_PARTS: unknown part(s) {sorted(unknown)}; known: append, verify")
    try:
        _recreate_database()
    except Exception as exc:  # no server: say so instead of failing the whole bench run
        return [
            BenchResult(
                name="audit benchmarks (PostgreSQL)",
                value=0.0,
                unit="skipped",
                target="needs PostgreSQL on 127.0.0.1",
                passed=None,
                extra={"skipped": f"no PostgreSQL server at {SERVER_URL}: {exc}"},
            )
        ]
    try:
        _setup_django()
        results = _append()[0] if "append" in PARTS else []
        if "verify" in PARTS:
            results += _verify()
        from django.db import connections

        connections.close_all()
        return results
    finally:
        _drop_database()


if __name__ == "__main__":
    print(json.dumps([r.as_dict() for r in run()], indent=2, ensure_ascii=False))
