"""bench/audit.py's append benchmark measures both sides in the same conditions: one discarded warm-up
round of each kind first, then pairs in ABBA order, so neither side is always measured first after the
warm-up or always later in a run whose speed drifts; the figure is the median of the pairs' ratios."""

from __future__ import annotations

import os

import pytest

from bench import audit as bench_audit


@pytest.mark.parametrize("pairs", [1, 2, 4, 5])
def test_warm_up_then_abba_pairs(monkeypatch: pytest.MonkeyPatch, pairs: int) -> None:
    monkeypatch.setattr(bench_audit, "PAIRS", pairs)
    kinds = bench_audit._schedule()
    assert kinds[:2] == ["bare", "audit"]  # the warm-ups, discarded
    measured = kinds[2:]
    assert len(measured) == 2 * pairs
    pair_list = [measured[i : i + 2] for i in range(0, len(measured), 2)]
    assert all(sorted(pair) == ["audit", "bare"] for pair in pair_list)
    firsts = [pair[0] for pair in pair_list]
    assert firsts == ["bare" if i % 2 == 0 else "audit" for i in range(pairs)]
    # A linear drift (the machine slowing down round after round) hits both sides equally: the mean
    # position of each side's rounds is the same whenever the number of pairs is even.
    if pairs % 2 == 0:
        positions = {kind: [i for i, k in enumerate(measured) if k == kind] for kind in ("bare", "audit")}
        assert sum(positions["bare"]) == sum(positions["audit"])


def test_median() -> None:
    assert bench_audit._median([0.5, 0.9, 0.7]) == 0.7
    assert bench_audit._median([0.9, 0.5, 0.7, 0.6]) == pytest.approx(0.65)


def test_cpu_of_a_process_only_when_it_is_the_expected_one() -> None:
    """A backend pid from a server in another host or pid namespace must not read some local process."""
    own = bench_audit._cpu_seconds(os.getpid())
    assert own is not None
    assert own >= 0
    assert bench_audit._cpu_seconds(os.getpid(), "postgres") is None
    assert bench_audit._cpu_seconds(2**22 + 1) is None  # above Linux's pid_max: no such process
