"""Applications and casework over real HTTP on PostgreSQL, against the bare "ok" view of the same server.

One gunicorn server (bench/server.py: production mode, full middleware stack, 2 sync workers) on a
PostgreSQL database of its own, `diwan_bench_casework` (or BENCH_CASEWORK_DB), created and dropped here; the
audit sealer runs beside it as in production (`diwan audit seal --follow`). Seed data comes from
bench/casework_seed.py (drafts made through the actions, 100,000 inbox tasks copied with INSERT ... SELECT).
Measured side by side in the same run, rounds alternating so drift hits both:

1. Submit: 32 clients POST the portal's "check your answers" form (/ar/me/applications/<id>/check/) of
   complete passport drafts, one draft per request, each of a different citizen signed in with their own
   session cookie: validation of every answer, routing, tracking number, statutory clock, workflow start,
   assignment by rotation, audit events, the citizen's SMS queued. Counted when it answers 302 (to the
   "submitted" page) inside the measured window; afterwards the database must hold exactly that many
   more submitted files. Promise: >= 150 submissions/s, about 0.08 x the bare view.
2. My applications: 32 clients GET /ar/me/applications/ as a citizen with 10 applications.
   Promise: >= 0.35 x the bare view's requests/s.
3. Office inbox: 4 clients GET /ar/office/cases/?office=<id> as an official of two offices, one with 100
   open tasks and one with 100,000. Promise: p95 <= 150 ms with 100,000, and p95(100,000) / p95(100) <= 1.5.

Traffic goes to 127.0.0.1 only; every measurement is bounded in time and count. Without a PostgreSQL
server (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) the module reports itself skipped.
Bounded: about 2 minutes. Run alone: `python -m bench.casework` (prints the results as JSON).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BenchResult
from bench.server import BASE_DIR, Server, ServerConfig, _manage, production_environment
from bench.web import OK_PATH, Measurement, _Connection

DB_NAME = os.environ.get("BENCH_CASEWORK_DB", "diwan_bench_casework")
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DRAFTS = int(os.environ.get("BENCH_CASEWORK_DRAFTS", "2000"))
SECONDS = float(os.environ.get("BENCH_CASEWORK_SECONDS", "4"))  # measured seconds per round and URL
INBOX_SECONDS = float(os.environ.get("BENCH_CASEWORK_INBOX_SECONDS", "4"))
WARMUP = 1.0
ROUNDS = 2
CLIENTS = 32
CLIENT_PROCESSES = 2
# Gunicorn sync workers for both the pages and the bare view. These requests wait on PostgreSQL for part
# of their time, so more workers than cores keep both cores busy (gunicorn suggests 2 x cores + 1).
WORKERS = int(os.environ.get("BENCH_CASEWORK_WORKERS", "2"))
INBOX_CLIENTS = 4  # officials reading their queue: a few at a time, latency is the promise
MAX_REQUESTS_PER_CLIENT = 20_000
SUBMIT_RATE_TARGET = 150.0
SUBMIT_RATIO_TARGET = 0.08
MY_APPLICATIONS_RATIO_TARGET = 0.35
INBOX_P95_TARGET_MS = 150.0
INBOX_GROWTH_TARGET = 1.5
MY_APPLICATIONS_PATH = "/ar/me/applications/"
INBOX_PATH = "/ar/office/cases/?office={office}"
CSRF_PAGE = "/ar/account/sign-in/"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- the site on PostgreSQL -----------------------------------------------------------------------------


def _admin() -> Any:
    import psycopg

    return psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=3)


def _database() -> Any:
    import psycopg

    return psycopg.connect(f"{SERVER_URL}/{DB_NAME}", autocommit=True, connect_timeout=3)


def postgres_available() -> bool:
    try:
        with _admin():
            return True
    except Exception:
        return False


@contextmanager
def postgres_site() -> Iterator[dict[str, str]]:
    """The bench server's environment on a fresh database of our own; dropped with its folder afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="diwan-bench-casework-"))
    with _admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    try:
        env = production_environment(data_dir)
        env["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "createcachetable")
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        yield env
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        with _admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def seed(env: dict[str, str], drafts: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="diwan-bench-seed-") as folder:
        output = Path(folder) / "seed.json"
        done = subprocess.run(
            [sys.executable, "-m", "bench.casework_seed", str(output), str(drafts)],
            cwd=BASE_DIR,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
        )
        sys.stderr.write(done.stderr[-3000:])
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed (exit {done.returncode})")
        seeded: dict[str, Any] = json.loads(output.read_text())
        return seeded


@contextmanager
def sealer(env: dict[str, str]) -> Iterator[int]:
    """`diwan audit seal --follow`, as production runs it beside the web workers; yields its pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "diwan", "audit", "seal", "--follow", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _unsealed() -> int:
    with _database() as conn:
        row = conn.execute(
            "SELECT count(*) FROM audit_event e WHERE NOT EXISTS "
            "(SELECT 1 FROM audit_seal s WHERE s.event_id = e.id)"
        ).fetchone()
    return int(row[0]) if row else 0


def _wait_sealed(timeout: float = 90.0) -> int:
    deadline = time.monotonic() + timeout
    left = _unsealed()
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = _unsealed()
    return left


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


class CpuMeter:
    """CPU seconds spent by each part of the system between `start()` and `stop()`: the gunicorn workers,
    the PostgreSQL backends serving this benchmark's database, the audit sealer, the load generator."""

    def __init__(self, server_pid: int, sealer_pid: int, client_pids: list[int]) -> None:
        self.groups = {"web": server_pid, "sealer": sealer_pid}
        self.client_pids = client_pids
        self.before: dict[int, float] = {}
        self.parts: dict[int, str] = {}

    def _pids(self) -> dict[int, str]:
        pids: dict[int, str] = {}
        for name, pid in self.groups.items():
            for child in _children(pid):
                pids[child] = name
        for pid in self.client_pids:
            pids[pid] = "load generator"
        with _database() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB_NAME]
            ).fetchall()
        for (pid,) in rows:
            pids[int(pid)] = "postgresql"
        return pids

    def start(self) -> None:
        self.parts = self._pids()
        self.before = {pid: _proc_cpu(pid) for pid in self.parts}

    def stop(self) -> dict[str, float]:
        now = self._pids()
        spent: dict[str, float] = {}
        for pid, part in {**self.parts, **now}.items():
            spent[part] = spent.get(part, 0.0) + max(0.0, _proc_cpu(pid) - self.before.get(pid, 0.0))
        return spent


def _submitted_count() -> int:
    with _database() as conn:
        row = conn.execute(
            "SELECT count(*) FROM applications_application a JOIN directory_office o ON o.id = a.office_id "
            "WHERE o.code = 'PASS-BGD' AND a.status <> 'draft'"
        ).fetchone()
    return int(row[0]) if row else 0


# --- the HTTP clients -----------------------------------------------------------------------------------


def _get(port: int, path: str, cookie: str = "") -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "User-Agent: diwan-bench-casework",
        "Accept: text/html",
        "Accept-Language: ar",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _post(port: int, path: str, cookie: str, form: dict[str, str]) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    origin = f"https://127.0.0.1:{port}"
    head = "\r\n".join(
        [
            f"POST {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "User-Agent: diwan-bench-casework",
            "Accept: text/html",
            "Accept-Language: ar",
            "X-Forwarded-Proto: https",
            f"Origin: {origin}",
            f"Referer: {origin}{path}",
            f"Cookie: {cookie}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
    )
    return (head + "\r\n\r\n").encode() + body


def _csrf(port: int) -> tuple[str, str]:
    """A CSRF cookie and a matching form token from a real page (the pair stays valid for any session)."""
    import http.client
    from http.cookies import SimpleCookie

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", CSRF_PAGE, headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookie = ""
    for header in response.headers.get_all("Set-Cookie") or []:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if "csrftoken" in jar:
            cookie = jar["csrftoken"].value
    connection.close()
    match = _CSRF_INPUT.search(text)
    if response.status != 200 or match is None or not cookie:
        raise RuntimeError(f"{CSRF_PAGE} answered {response.status}; no CSRF token")
    return cookie, match.group(1)


def _client_process(
    port: int,
    requests: list[bytes],
    repeat: bool,
    expected: int,
    threads: int,
    begin: float,
    measure_from: float,
    stop_at: float,
) -> tuple[Measurement, float | None, int]:
    """`threads` clients sending `requests` (each once, or `repeat`-ing the first) from `begin` until
    `stop_at`; returns what started and finished in [measure_from, stop_at], when the requests ran out
    (None if they did not) and how many requests were answered in all (warm-up included)."""
    time.sleep(max(0.0, begin - time.time()))
    lock = threading.Lock()
    pending = iter(requests)
    ran_out: float | None = None
    results: list[Measurement] = []
    sent = 0

    def next_request() -> bytes | None:
        nonlocal ran_out
        if repeat:
            return requests[0]
        with lock:
            found = next(pending, None)
            if found is None and ran_out is None:
                ran_out = time.time()
            return found

    def client() -> None:
        nonlocal sent
        mine = Measurement("")
        answered = 0
        connection = _Connection(port)
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                began = time.time()
                if began >= stop_at:
                    break
                request = next_request()
                if request is None:
                    break
                try:
                    status = connection.get(request)
                except OSError:
                    status = 0
                ended = time.time()
                answered += 1
                if began >= measure_from and ended <= stop_at:
                    if status == expected:
                        mine.requests += 1
                        mine.latencies.append(ended - began)
                    else:
                        mine.errors += 1
        finally:
            connection.close()
        with lock:
            results.append(mine)
            sent += answered

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total = Measurement("", seconds=stop_at - measure_from)
    for result in results:
        total.requests += result.requests
        total.errors += result.errors
        total.latencies.extend(result.latencies)
    return total, ran_out, sent


@dataclass
class Load(Measurement):
    """A measurement with the CPU the system spent on it (seconds by part, all requests answered)."""

    sent: int = 0
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, other: Load) -> None:
        self.merge(other)
        self.sent += other.sent
        for part, seconds in other.cpu.items():
            self.cpu[part] = self.cpu.get(part, 0.0) + seconds

    def cpu_ms_per_request(self) -> dict[str, float]:
        return {
            part: round(1000 * seconds / max(self.sent, 1), 2) for part, seconds in sorted(self.cpu.items())
        }


def measure(
    pool: ProcessPoolExecutor,
    port: int,
    requests: list[bytes],
    *,
    repeat: bool = True,
    expected: int = 200,
    clients: int = CLIENTS,
    seconds: float = SECONDS,
    label: str = "",
    meter: CpuMeter | None = None,
) -> Load:
    """`clients` concurrent clients over the pool's processes (each process its own share of the
    requests when they are sent once each)."""
    shares = [
        clients // CLIENT_PROCESSES + (1 if i < clients % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    parts = (
        [requests] * CLIENT_PROCESSES
        if repeat
        else [requests[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    )
    begin = time.time() + 0.3
    measure_from = begin + WARMUP
    stop_at = measure_from + seconds
    if meter is not None:
        meter.start()
    futures = [
        pool.submit(_client_process, port, part, repeat, expected, n, begin, measure_from, stop_at)
        for part, n in zip(parts, shares, strict=True)
    ]
    total = Load(label, seconds=seconds)
    for future in futures:
        part, ran_out, sent = future.result(timeout=seconds + WARMUP + 120)
        if ran_out is not None:
            # Faster than the drafts prepared: the rate is over the time there was work to do.
            if ran_out - measure_from < 1.0:
                raise RuntimeError(f"{label}: ran out of prepared requests: raise BENCH_CASEWORK_DRAFTS")
            total.seconds = min(total.seconds, ran_out - measure_from)
        total.requests += part.requests
        total.errors += part.errors
        total.latencies.extend(part.latencies)
        total.sent += sent
    if meter is not None:
        total.cpu = meter.stop()
    return total


def _check(port: int, request: bytes, expected: int, what: str) -> None:
    connection = _Connection(port)
    try:
        status = connection.get(request)
    finally:
        connection.close()
    if status != expected:
        raise RuntimeError(f"{what} answered {status}, not {expected}; the benchmark would measure an error")


def _p(measurement: Measurement, fraction: float) -> float:
    value = measurement.percentile_ms(fraction)
    return round(value, 1) if math.isfinite(value) else value


# --- the benchmark --------------------------------------------------------------------------------------


def run() -> list[BenchResult]:
    if not postgres_available():
        return [
            BenchResult(
                name="casework benchmarks (PostgreSQL)",
                value=0,
                unit="",
                target="needs a PostgreSQL server (BENCH_PG_URL)",
                passed=None,
                extra={"skipped": f"no PostgreSQL at {SERVER_URL}"},
            )
        ]
    context = multiprocessing.get_context("spawn")
    with postgres_site() as env, ProcessPoolExecutor(CLIENT_PROCESSES, mp_context=context) as pool:
        list(pool.map(time.sleep, [0.1] * CLIENT_PROCESSES))  # start the client processes before timing
        started = time.monotonic()
        seeded = seed(env, DRAFTS)
        seed_seconds = time.monotonic() - started
        with sealer(env) as sealer_pid, Server(env, ServerConfig(workers=WORKERS)) as server:
            left = _wait_sealed()
            port = server.port
            assert server.process is not None
            clients = list(pool._processes)  # the worker pids, for CPU accounting
            meter = CpuMeter(server.process.pid, sealer_pid, clients)
            ok = [_get(port, OK_PATH)]
            csrf_cookie, token = _csrf(port)
            submits = [
                _post(
                    port,
                    f"/ar/me/applications/{application_id}/check/",
                    f"sessionid={session}; csrftoken={csrf_cookie}",
                    {"csrfmiddlewaretoken": token},
                )
                for application_id, session in seeded["drafts"]
            ]
            # A signed-in browser holds the CSRF cookie it was given with the sign-in form.
            mine = [
                _get(port, MY_APPLICATIONS_PATH, f"sessionid={seeded['my_session']}; csrftoken={csrf_cookie}")
            ]
            staff = f"sessionid={seeded['staff_session']}"
            small = [_get(port, INBOX_PATH.format(office=seeded["inbox"]["small"]), staff)]
            big = [_get(port, INBOX_PATH.format(office=seeded["inbox"]["big"]), staff)]
            for request, what in ((ok[0], "ok"), (mine[0], "my applications"), (small[0], "inbox 100")):
                _check(port, request, 200, what)
            _check(port, big[0], 200, "inbox 100,000")
            _check(port, submits.pop(), 302, "submit")  # warms the path; that draft is used
            before = _submitted_count()

            # 1. submit vs ok
            ok_submit = Load(OK_PATH)
            submit = Load("submit")
            per_round = len(submits) // ROUNDS
            for index in range(ROUNDS):
                ok_submit.add(measure(pool, port, ok, label="ok", meter=meter))
                chunk = submits[index * per_round : (index + 1) * per_round]
                submit.add(
                    measure(pool, port, chunk, repeat=False, expected=302, label="submit", meter=meter)
                )
            submitted = _submitted_count() - before
            unsealed_after = _wait_sealed(30)

            # 2. my applications vs ok
            ok_mine = Load(OK_PATH)
            my_page = Load(MY_APPLICATIONS_PATH)
            for _ in range(ROUNDS):
                ok_mine.add(measure(pool, port, ok, label="ok", meter=meter))
                my_page.add(measure(pool, port, mine, label="my applications", meter=meter))

            # 3. inbox, 100 vs 100,000 open tasks
            inbox_small = Load("inbox 100")
            inbox_big = Load("inbox 100,000")
            for _ in range(ROUNDS):
                for load, page in ((inbox_small, small), (inbox_big, big)):
                    load.add(
                        measure(
                            pool,
                            port,
                            page,
                            clients=INBOX_CLIENTS,
                            seconds=INBOX_SECONDS,
                            label="inbox",
                            meter=meter,
                        )
                    )
    for name, measured in (
        ("ok", ok_submit),
        ("submit", submit),
        ("ok", ok_mine),
        ("my applications", my_page),
        ("inbox 100", inbox_small),
        ("inbox 100,000", inbox_big),
    ):
        if measured.errors:
            raise RuntimeError(f"{name}: {measured.errors} unexpected answers under load")
    # Every counted submission is in the database (and the ones in the warm-ups and at the edges too).
    if submitted < submit.requests:
        raise RuntimeError(f"{submit.requests} submissions answered 302 but only {submitted} were stored")
    server_label = f"gunicorn sync x{WORKERS}, PostgreSQL, sealer running"
    submit_ratio = submit.rate / ok_submit.rate if ok_submit.rate else 0.0
    mine_ratio = my_page.rate / ok_mine.rate if ok_mine.rate else 0.0
    big_p95, small_p95 = inbox_big.percentile_ms(0.95), inbox_small.percentile_ms(0.95)
    growth = big_p95 / small_p95 if small_p95 else math.inf
    inbox_extra = {
        "big_p50_ms": _p(inbox_big, 0.5),
        "small_p50_ms": _p(inbox_small, 0.5),
        "big_requests_per_s": round(inbox_big.rate, 1),
        "small_requests_per_s": round(inbox_small.rate, 1),
        "cpu_ms_per_request_100000": inbox_big.cpu_ms_per_request(),
        "cpu_ms_per_request_100": inbox_small.cpu_ms_per_request(),
    }
    common = {
        "server": server_label,
        "seed_seconds": round(seed_seconds, 1),
        "drafts_prepared": len(seeded["drafts"]),
        "unsealed_events_before": left,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    return [
        BenchResult(
            name=f"application submit over HTTP, portal POST check/ ({CLIENTS} clients, {server_label})",
            value=round(submit.rate, 1),
            unit="submissions/s",
            baseline_name=f'bare "ok" view {OK_PATH}, same server',
            baseline_value=round(ok_submit.rate, 1),
            ratio=round(submit_ratio, 3),
            target=f">= {SUBMIT_RATE_TARGET:.0f}/s (about {SUBMIT_RATIO_TARGET} x bare)",
            passed=submit.rate >= SUBMIT_RATE_TARGET,
            extra={
                **common,
                "submissions_counted": submit.requests,
                "submitted_in_database": submitted,
                "unsealed_events_after": unsealed_after,
                "submit_p50_ms": _p(submit, 0.5),
                "submit_p95_ms": _p(submit, 0.95),
                "ok_p50_ms": _p(ok_submit, 0.5),
                "ratio_target": SUBMIT_RATIO_TARGET,
                # CPU milliseconds per request (every request of the rounds, warm-up included), by part
                # of the system: where the time goes, whatever else runs on the machine.
                "cpu_ms_per_submission": submit.cpu_ms_per_request(),
                "cpu_ms_per_ok_request": ok_submit.cpu_ms_per_request(),
            },
        ),
        BenchResult(
            name=f"citizen my applications {MY_APPLICATIONS_PATH}, 10 applications ({CLIENTS} clients)",
            value=round(my_page.rate, 1),
            unit="requests/s",
            baseline_name=f'bare "ok" view {OK_PATH}, same server',
            baseline_value=round(ok_mine.rate, 1),
            ratio=round(mine_ratio, 3),
            target=f"ratio >= {MY_APPLICATIONS_RATIO_TARGET}",
            passed=mine_ratio >= MY_APPLICATIONS_RATIO_TARGET,
            extra={
                "p50_ms": _p(my_page, 0.5),
                "p99_ms": _p(my_page, 0.99),
                "ok_p50_ms": _p(ok_mine, 0.5),
                "cpu_ms_per_request": my_page.cpu_ms_per_request(),
                "cpu_ms_per_ok_request": ok_mine.cpu_ms_per_request(),
            },
        ),
        BenchResult(
            name=f"office inbox p95 latency, 100,000 open tasks ({INBOX_CLIENTS} clients)",
            value=round(big_p95, 1),
            unit="ms",
            target=f"<= {INBOX_P95_TARGET_MS:.0f} ms",
            passed=big_p95 <= INBOX_P95_TARGET_MS,
            extra=inbox_extra,
        ),
        BenchResult(
            name="office inbox p95 growth, 100,000 vs 100 open tasks",
            value=round(big_p95, 1),
            unit="ms",
            baseline_name="same page, 100 open tasks, p95",
            baseline_value=round(small_p95, 1),
            ratio=round(growth, 3),
            target=f"ratio <= {INBOX_GROWTH_TARGET}",
            passed=growth <= INBOX_GROWTH_TARGET,
            extra=inbox_extra,
        ),
    ]


if __name__ == "__main__":
    print(json.dumps([result.as_dict() for result in run()], indent=2, ensure_ascii=False))
