"""Citizen home page throughput against a bare "ok" Django view, side by side on the same server.

Both URLs are served by the same gunicorn process (bench/server.py: production mode, the full middleware
stack, bench/ok_urls.py adds the bare view). The load generator is a bounded client in this file: a few
processes of threads speaking HTTP/1.1 over raw sockets to 127.0.0.1 only, each measurement bounded in time
and in request count. Measurements alternate (ok, home, ok, home…) so that drift on a shared machine hits
both; the promise is on the ratio home / ok (>= 0.35) and on the home page's p99 latency (<= 100 ms) at
32 concurrent clients.

Run alone: `python -m bench.web` (prints the results as JSON).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import socket
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from bench.common import BenchResult
from bench.server import Server, ServerConfig, prepared_site

HOME_PATH = "/ar/"
OK_PATH = "/ar/bench-ok/"
CLIENTS = 32
CLIENT_PROCESSES = 2  # the GIL limits one process; two share the client load without starving the server
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "4"))  # measured time per round, per URL
WARMUP = 1.0  # seconds not counted at the start of each round
ROUNDS = 2
MAX_REQUESTS_PER_CLIENT = 20_000  # hard bound on traffic, whatever the speed
RATIO_TARGET = 0.35
P99_TARGET_MS = 100.0
# Chosen by measurement on the 2-core reference machine (bench/README.md): two sync workers.
# BENCH_WEB_SERVERS="sync:2,gthread:2:4" compares others in the same run.
DEFAULT_SERVERS = "sync:2"


@dataclass
class Measurement:
    path: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, counted requests only

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies:
            return math.inf
        ordered = sorted(self.latencies)
        index = max(0, math.ceil(fraction * len(ordered)) - 1)
        return ordered[index] * 1000

    def merge(self, other: Measurement) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies.extend(other.latencies)


class _Connection:
    """One HTTP/1.1 client connection; keeps it open when the server allows, reconnects when not."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def get(self, request: bytes) -> int:
        for attempt in (1, 2):
            reused = self.sock is not None
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                return self._exchange(self.sock, request)
            except (ConnectionError, _ClosedEarly):
                self.close()
                if not reused or attempt == 2:  # a kept-alive connection may have been closed: retry once
                    raise
        raise AssertionError("unreachable")

    def _exchange(self, sock: socket.socket, request: bytes) -> int:
        sock.sendall(request)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise _ClosedEarly
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise _ClosedEarly
            body += chunk
        if close:
            self.close()
        return status


class _ClosedEarly(Exception):
    pass


def _request(port: int, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: diwan-bench\r\n"
        "Accept: text/html\r\nAccept-Language: ar\r\nX-Forwarded-Proto: https\r\n\r\n"
    ).encode()


def _client_process(
    port: int, path: str, threads: int, begin: float, measure_from: float, stop_at: float
) -> Measurement:
    """Runs `threads` clients from `begin` to `stop_at` (wall-clock times shared by all client processes);
    returns what started and finished inside the measured window [measure_from, stop_at]."""
    request = _request(port, path)
    time.sleep(max(0.0, begin - time.time()))
    results: list[Measurement] = []
    lock = threading.Lock()

    def client() -> None:
        mine = Measurement(path)
        connection = _Connection(port)
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                began = time.time()
                if began >= stop_at:
                    break
                try:
                    status = connection.get(request)
                except OSError:
                    status = 0
                ended = time.time()
                if began >= measure_from and ended <= stop_at:
                    if status == 200:
                        mine.requests += 1
                        mine.latencies.append(ended - began)
                    else:
                        mine.errors += 1
        finally:
            connection.close()
        with lock:
            results.append(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total = Measurement(path, seconds=stop_at - measure_from)
    for result in results:
        total.requests += result.requests
        total.errors += result.errors
        total.latencies.extend(result.latencies)
    return total


def measure(pool: ProcessPoolExecutor, port: int, path: str, seconds: float = SECONDS) -> Measurement:
    """`CLIENTS` concurrent clients on one URL, split over the pool's processes."""
    per_process = [
        CLIENTS // CLIENT_PROCESSES + (1 if i < CLIENTS % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    begin = time.time() + 0.3  # every client process starts at the same moment
    measure_from = begin + WARMUP
    stop_at = measure_from + seconds
    futures = [pool.submit(_client_process, port, path, n, begin, measure_from, stop_at) for n in per_process]
    total = Measurement(path)
    parts = [future.result(timeout=seconds + WARMUP + 120) for future in futures]
    for part in parts:
        total.requests += part.requests
        total.errors += part.errors
        total.latencies.extend(part.latencies)
    total.seconds = seconds  # the processes measured the same window side by side
    return total


def _parse_servers(spec: str) -> list[ServerConfig]:
    configs = []
    for item in spec.split(","):
        parts = item.strip().split(":")
        if parts[0] == "gthread":
            configs.append(ServerConfig(workers=int(parts[1]), worker_class="gthread", threads=int(parts[2])))
        else:
            configs.append(
                ServerConfig(workers=int(parts[1]) if len(parts) > 1 else 2, worker_class=parts[0])
            )
    return configs


def _check(port: int) -> None:
    """Both URLs answer 200 with the expected content before anything is timed."""
    connection = _Connection(port)
    try:
        for path in (HOME_PATH, OK_PATH):
            status = connection.get(_request(port, path))
            if status != 200:
                raise RuntimeError(
                    f"{path} answered {status}, not 200; the benchmark would measure an error page"
                )
    finally:
        connection.close()


def bench_server(env: dict[str, str], config: ServerConfig, pool: ProcessPoolExecutor) -> list[BenchResult]:
    home = Measurement(HOME_PATH)
    ok = Measurement(OK_PATH)
    with Server(env, config) as server:
        _check(server.port)
        for _ in range(ROUNDS):
            ok.merge(measure(pool, server.port, OK_PATH))
            home.merge(measure(pool, server.port, HOME_PATH))
    if home.errors or ok.errors:
        raise RuntimeError(f"non-200 answers under load: home {home.errors}, ok {ok.errors}")
    ratio = home.rate / ok.rate if ok.rate else 0.0
    p99 = home.percentile_ms(0.99)
    where = f"{config.label}, {CLIENTS} clients"
    extra = {
        "server": config.label,
        "clients": CLIENTS,
        "client_processes": CLIENT_PROCESSES,
        "seconds_per_url": home.seconds,
        "home_requests": home.requests,
        "ok_requests": ok.requests,
        "home_p50_ms": round(home.percentile_ms(0.5), 2),
        "home_p99_ms": round(p99, 2),
        "ok_p50_ms": round(ok.percentile_ms(0.5), 2),
        "ok_p99_ms": round(ok.percentile_ms(0.99), 2),
    }
    return [
        BenchResult(
            name=f"citizen home {HOME_PATH} throughput ({where})",
            value=round(home.rate, 1),
            unit="requests/s",
            baseline_name=f'bare "ok" view {OK_PATH}, same server',
            baseline_value=round(ok.rate, 1),
            ratio=round(ratio, 3),
            target=f"ratio >= {RATIO_TARGET}",
            passed=ratio >= RATIO_TARGET,
            extra=extra,
        ),
        BenchResult(
            name=f"citizen home {HOME_PATH} p99 latency ({where})",
            value=round(p99, 1),
            unit="ms",
            baseline_name='bare "ok" view p99',
            baseline_value=round(ok.percentile_ms(0.99), 1),
            target=f"<= {P99_TARGET_MS:.0f} ms",
            passed=p99 <= P99_TARGET_MS,
            extra={"home_p50_ms": extra["home_p50_ms"], "ok_p50_ms": extra["ok_p50_ms"]},
        ),
    ]


def run() -> list[BenchResult]:
    results: list[BenchResult] = []
    configs = _parse_servers(os.environ.get("BENCH_WEB_SERVERS", DEFAULT_SERVERS))
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    with prepared_site() as env, ProcessPoolExecutor(CLIENT_PROCESSES, mp_context=context) as pool:
        list(pool.map(time.sleep, [0.1] * CLIENT_PROCESSES))  # start the client processes before timing
        for config in configs:
            results.extend(bench_server(env, config, pool))
    return results


if __name__ == "__main__":
    print(json.dumps([result.as_dict() for result in run()], indent=2, ensure_ascii=False))
