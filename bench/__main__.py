"""`make bench` (`python -m bench`): runs every benchmark module and writes bench/results/latest.{json,md}.

A benchmark module is a file bench/<name>.py with a top-level `def run() -> list[BenchResult]`. The known
ones run first in a fixed order (audit, login, web, pageweight, casework); any other file in bench/ that
defines `run()` is discovered and runs after them; a known module whose file does not exist yet is reported as
skipped. Each module runs in its own Python process (each may configure Django its own way, and one
crash does not take the others down), one after the other (the machine has two cores; benchmarks running
side by side would measure each other). The whole run is bounded: each module gets what is left of
BENCH_BUDGET_SECONDS (default 570 s), and is stopped when it runs out.

Exit status: 0 when every present module ran, even if a target was missed (the table says so); 1 when a
module crashed, timed out or returned something that is not a list of BenchResult.

Options: `python -m bench web pageweight` runs only the named modules (results are still written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BenchResult

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
KNOWN = ["audit", "login", "web", "pageweight", "casework"]
NOT_BENCHMARKS = {"__init__", "__main__", "common", "server", "ok_urls", "settings_bench", "screenshots"}
_DEFINES_RUN = re.compile(r"^def run\(", re.MULTILINE)


@dataclass
class ModuleOutcome:
    name: str
    status: str  # ok, skipped, crashed, timeout
    seconds: float = 0.0
    error: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)


def discover(only: list[str] | None = None) -> list[str]:
    """The benchmark modules to run, known ones first; missing known ones stay in the list (skipped)."""
    found = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem in NOT_BENCHMARKS or path.stem in KNOWN:
            continue
        if _DEFINES_RUN.search(path.read_text(encoding="utf-8", errors="replace")):
            found.append(path.stem)
    names = KNOWN + found
    if only:
        unknown = [name for name in only if name not in names and not (BENCH_DIR / f"{name}.py").exists()]
        if unknown:
            raise SystemExit(f"no such benchmark module: {', '.join(unknown)} (known: {', '.join(names)})")
        names = only
    return names


def run_one(name: str, output: Path) -> None:
    """In the child process: import bench.<name>, call run(), write the results as JSON."""
    module = importlib.import_module(f"bench.{name}")
    results = module.run()
    if not isinstance(results, list) or not all(isinstance(item, BenchResult) for item in results):
        raise TypeError(f"bench.{name}.run() must return list[BenchResult], not {type(results).__name__}")
    output.write_text(json.dumps([item.as_dict() for item in results], ensure_ascii=False, default=str))


def _echo(process: subprocess.Popen[str], tail: deque[str]) -> None:
    """Passes the module's standard error through to ours, keeping the last lines for the report."""
    assert process.stderr is not None
    for line in process.stderr:
        sys.stderr.write(line)
        tail.append(line)


def run_module(name: str, timeout: float) -> ModuleOutcome:
    if not (BENCH_DIR / f"{name}.py").exists():
        return ModuleOutcome(name, "skipped", error=f"bench/{name}.py does not exist yet")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"diwan-bench-{name}-") as folder:
        output = Path(folder) / "results.json"
        command = [sys.executable, "-m", "bench", "--run-one", name, "--output", str(output)]
        process = subprocess.Popen(
            command, cwd=BASE_DIR, start_new_session=True, stderr=subprocess.PIPE, text=True, errors="replace"
        )
        tail: deque[str] = deque(maxlen=30)
        echo = threading.Thread(target=_echo, args=(process, tail), daemon=True)
        echo.start()
        try:
            returncode = process.wait(timeout=max(timeout, 1.0))
            echo.join(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)  # the module's own process group (its servers too)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            seconds = time.monotonic() - started
            return ModuleOutcome(name, "timeout", seconds, f"stopped after {seconds:.0f} s (budget)")
        seconds = time.monotonic() - started
        if returncode != 0 or not output.exists():
            last = next((line.strip() for line in reversed(tail) if line.strip()), "")
            return ModuleOutcome(name, "crashed", seconds, f"exit status {returncode}: {last}"[:300])
        try:
            results = json.loads(output.read_text())
        except ValueError as exc:
            return ModuleOutcome(name, "crashed", seconds, f"unreadable results: {exc}")
    return ModuleOutcome(name, "ok", seconds, results=results)


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def _verdict(passed: Any) -> str:
    return {True: "PASS", False: "MISS"}.get(passed, "")


def table_rows(outcomes: list[ModuleOutcome]) -> list[list[str]]:
    rows = []
    for outcome in outcomes:
        for item in outcome.results:
            baseline = item.get("baseline_name") or ""
            if item.get("baseline_value") is not None:
                baseline = f"{baseline}: {_number(item['baseline_value'])}"
            rows.append(
                [
                    item["name"],
                    _number(item["value"]),
                    item["unit"],
                    baseline,
                    _number(item.get("ratio")),
                    item.get("target", ""),
                    _verdict(item.get("passed")),
                ]
            )
        if outcome.status != "ok":
            rows.append(
                [f"bench/{outcome.name}.py", "", "", "", "", "", f"{outcome.status.upper()}: {outcome.error}"]
            )
    return rows


HEADER = ["benchmark", "value", "unit", "baseline (same run)", "ratio", "target", "pass"]


def markdown(outcomes: list[ModuleOutcome], meta: dict[str, Any]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    out = [
        "# Benchmark results",
        "",
        f"Run {meta['finished_at']} on {meta['machine']['cpus']} CPUs, Python {meta['machine']['python']}, "
        f"commit {meta['git_commit'] or 'unknown'}{' (uncommitted changes)' if meta['git_dirty'] else ''}; "
        f"{meta['seconds']:.0f} s in all; 1-minute load average {meta['load_average']['before']} before, "
        f"{meta['load_average']['after']} after (other work on the machine skews absolute rates and tail "
        "latency). Produced by `make bench`; see bench/README.md for what each "
        "figure means. MISS means the promise does not hold in this run.",
        "",
        line(HEADER),
        line(["---", "---:", "---", "---", "---:", "---", "---"]),
        *(line(row) for row in table_rows(outcomes)),
        "",
    ]
    return "\n".join(out)


def print_table(outcomes: list[ModuleOutcome]) -> None:
    rows = [HEADER, *table_rows(outcomes)]
    widths = [min(max(len(row[i]) for row in rows), 70) for i in range(len(HEADER))]
    for index, row in enumerate(rows):
        print("  ".join(cell[:70].ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="run only these modules (default: all)")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where latest.json/.md go")
    args = parser.parse_args(argv)
    if args.run_one:
        run_one(args.run_one, args.output)
        return 0

    budget = float(os.environ.get("BENCH_BUDGET_SECONDS", "570"))
    load_before = _load()
    started_at = dt.datetime.now(dt.UTC)
    started = time.monotonic()
    outcomes: list[ModuleOutcome] = []
    for name in discover(args.modules or None):
        left = budget - (time.monotonic() - started)
        print(f"\n== bench/{name}.py ({left:.0f} s left of the {budget:.0f} s budget)", flush=True)
        if left <= 5:
            outcome = ModuleOutcome(name, "timeout", error="no time left in the budget")
        else:
            outcome = run_module(name, left)
        print(f"== bench/{name}.py: {outcome.status} in {outcome.seconds:.1f} s {outcome.error}", flush=True)
        outcomes.append(outcome)

    meta = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        # Other work on the machine skews absolute rates and tail latency (ratios hold better).
        "load_average": {"before": load_before, "after": _load()},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    document = {
        **meta,
        "modules": [
            {"name": o.name, "status": o.status, "seconds": round(o.seconds, 1), "error": o.error}
            for o in outcomes
        ],
        "results": [{"module": o.name, **item} for o in outcomes for item in o.results],
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "latest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    (args.results_dir / "latest.md").write_text(markdown(outcomes, meta))
    print()
    print_table(outcomes)
    print(f"\nwritten: {args.results_dir / 'latest.json'}, {args.results_dir / 'latest.md'}")
    broken = [o.name for o in outcomes if o.status in {"crashed", "timeout"}]
    if broken:
        print(f"benchmark modules that did not finish: {', '.join(broken)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
