"""Start and stop a real Diwan web server for the HTTP benchmarks.

The server is gunicorn on 127.0.0.1 (a free port), in production mode with freshly generated secrets
(never the demo ones), behind a pretend TLS proxy (`DIWAN_BEHIND_TLS_PROXY=true`, clients send
`X-Forwarded-Proto: https`), on a SQLite database migrated into a temporary `DIWAN_DATA_DIR`. Static files are
collected into that folder too (bench/settings_bench.py), so nothing is written into the checkout.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_SETTINGS = "bench.settings_bench"
# Environment variables that must not leak from the caller into the bench server.
_SCRUBBED = ("DATABASE_URL", "DIWAN_REDIS_URL", "DIWAN_LOG_JSON", "DIWAN_CSRF_TRUSTED_ORIGINS")


@dataclass(frozen=True)
class ServerConfig:
    """How gunicorn runs. `label` names it in the results."""

    workers: int = 2
    worker_class: str = "sync"  # sync or gthread
    threads: int = 1

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"gunicorn gthread {self.workers}x{self.threads}"
        return f"gunicorn {self.worker_class} x{self.workers}"


def _b64(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode()


def production_environment(data_dir: Path) -> dict[str, str]:
    """An environment that starts Diwan in production mode with real (random, throw-away) secrets."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
            "DIWAN_MODE": "production",
            "DIWAN_SECRET_KEY": secrets.token_urlsafe(64),
            "DIWAN_FIELD_KEYS": f"bench1:{_b64(32)}",
            "DIWAN_BLIND_INDEX_KEY": _b64(32),
            "DIWAN_SIGNING_KEY": _b64(32),
            "DIWAN_DATA_DIR": str(data_dir),
            "DIWAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DIWAN_BEHIND_TLS_PROXY": "true",
            "DIWAN_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "diwan", *args]
    done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"`diwan {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def prepared_site() -> Iterator[dict[str, str]]:
    """A temporary data folder with a migrated database and collected static files; removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="diwan-bench-"))
    try:
        env = production_environment(data_dir)
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "createcachetable")
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        yield env
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A gunicorn process serving Diwan on 127.0.0.1; use as a context manager."""

    def __init__(self, env: dict[str, str], config: ServerConfig, port: int | None = None) -> None:
        self.env = env
        self.config = config
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(env["DIWAN_DATA_DIR"]) / f"gunicorn-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.config.workers),
            "--worker-class",
            self.config.worker_class,
            "--threads",
            str(self.config.threads),
            "--no-control-socket",  # several engineers share the machine; no fixed socket path
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:  # noqa: S310 (local http)
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:  # up but broken: no point in waiting
                self.stop()
                raise RuntimeError(f"/healthz answered {error.code}:\n{self.log()}") from error
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # gunicorn was started in its own session: signal only that process group (ours), not anyone else's.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
