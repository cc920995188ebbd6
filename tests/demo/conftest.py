"""The demo at a test's scale: the same content and code paths, fewer citizens and applications."""

from __future__ import annotations

import pytest

from diwan.demo import case_content


@pytest.fixture(autouse=True)
def small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    # 12 hand-made showcase files + 18 generated ones; the applicants include the original 60 citizens.
    monkeypatch.setattr(case_content, "APPLICATIONS", 30)
    monkeypatch.setattr(case_content, "EXTRA_CITIZENS", 40)
