"""core.fragments: a fragment is kept by what it is made from. The same inputs in the same language reuse
it; inputs that differ in any way (even values that compare or print alike) or another language render
their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.utils import translation

from diwan.core.fragments import FRAGMENT_CACHE, cached_fragment


@pytest.fixture(autouse=True)
def empty_store() -> None:
    caches[FRAGMENT_CACHE].clear()


def _made(inputs: object, language: str = "en") -> tuple[str, int]:
    renders: list[object] = []

    def render() -> str:
        renders.append(inputs)
        return f"<p>{inputs!r}</p>"

    with translation.override(language):
        html = cached_fragment("test", inputs, render)
    return str(html), len(renders)


def test_the_same_inputs_reuse_the_fragment() -> None:
    rows = [{"id": 1, "changed": datetime(2026, 11, 27, 9, 30, tzinfo=UTC), "title": {"ar": "جواز"}}]
    first, renders = _made(rows)
    again, renders_again = _made([dict(row) for row in rows])  # equal, not the same objects
    assert (renders, renders_again) == (1, 0)
    assert again == first


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ([{"id": 1}], [{"id": "1"}]),
        ([{"id": 1}], [{"id": 1.0}]),
        ([{"id": 1}], [{"id": True}]),
        ([{"id": 1, "n": 2}], [{"id": 1, "n": 3}]),
        ([datetime(2026, 1, 1, tzinfo=UTC)], [datetime(2026, 1, 1)]),  # noqa: DTZ001 (naive on purpose)
    ],
)
def test_inputs_that_differ_never_share_a_fragment(one: object, other: object) -> None:
    first, _ = _made(one)
    second, renders = _made(other)
    assert renders == 1
    assert second != first


def test_another_language_renders_its_own() -> None:
    _made([{"id": 1}], "en")
    _html, renders = _made([{"id": 1}], "ar")
    assert renders == 1
