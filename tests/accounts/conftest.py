"""Fixtures shared by the staff sign-in and session tests."""

from __future__ import annotations

import pytest

from diwan.core import clock as clock_module
from tests.accounts.staff_support import FakeClock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The one clock (diwan.core.clock.now), moved by hand: TOTP steps, idle and absolute session limits."""
    fake = FakeClock()
    monkeypatch.setattr(clock_module, "now", fake.now)
    return fake
