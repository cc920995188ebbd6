"""core.fragments: a fragment is kept by what it is made from. The same inputs in the same language reuse
it; inputs that differ in any way or another language render their own. Rows of one statement (tuples)
are the key themselves; other inputs are keyed on a digest that encodes types too (1, 1.0, True)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from diwan.core import fragments
from diwan.core.fragments import cached_fragment


@pytest.fixture(autouse=True)
def empty_store() -> None:
    fragments.clear()


def _made(inputs: object, language: str = "en", name: str = "test") -> tuple[str, int]:
    renders: list[object] = []

    def render() -> str:
        renders.append(inputs)
        return f"<p>{inputs!r}</p>"

    with translation.override(language):
        html = cached_fragment(name, inputs, render)
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


ROW = (7, "in_progress", "SWAV-HTSC-J", datetime(2026, 11, 27, 21, 3, tzinfo=UTC), '{"ar": "طلب جواز سفر"}')


def test_rows_of_a_statement_are_the_key() -> None:
    first, renders = _made([ROW, (*ROW[:1], "draft", *ROW[2:])])
    again, renders_again = _made([tuple(ROW), (*ROW[:1], "draft", *ROW[2:])])
    assert (renders, renders_again) == (1, 0)
    assert again == first


@pytest.mark.parametrize("column", range(len(ROW)))
def test_rows_that_differ_in_any_column_render_their_own(column: int) -> None:
    changed = list(ROW)
    changed[column] = {
        0: 8,
        1: "returned",
        2: "SWAV-HTSC-K",
        3: datetime(2026, 11, 27, 21, 4, tzinfo=UTC),
        4: '{"ar": "جواز"}',
    }[column]
    _made([ROW])
    _html, renders = _made([tuple(changed)])
    assert renders == 1


def test_another_statement_never_shares_rows() -> None:
    _made([ROW], name="one")
    _html, renders = _made([ROW], name="two")
    assert renders == 1
