"""What every benchmark module returns, and how results are written.

A benchmark module in bench/ exposes `run() -> list[BenchResult]`; bench/__main__.py runs them all and
writes bench/results/latest.json and bench/results/latest.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class BenchResult:
    name: str  # e.g. "audit append, 8 writers, PostgreSQL"
    value: float  # the measured figure (rate, ratio, bytes…)
    unit: str  # "events/s", "ratio", "bytes", "ms"
    baseline_name: str = ""  # what it is compared to, measured in the same run
    baseline_value: float | None = None
    ratio: float | None = None  # value / baseline_value where that is the promise
    target: str = ""  # the promise, e.g. ">= 0.7"
    passed: bool | None = None  # whether the promise holds in this run
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
