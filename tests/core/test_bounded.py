"""core.bounded.remember: a store never holds more than its limit; when full it is emptied, then the new
entry is kept."""

from __future__ import annotations

from diwan.core.bounded import remember


def test_kept_until_full_then_emptied() -> None:
    store: dict[int, str] = {}
    for n in range(3):
        assert remember(store, n, f"v{n}", 3) == f"v{n}"
    assert store == {0: "v0", 1: "v1", 2: "v2"}
    assert remember(store, 3, "v3", 3) == "v3"
    assert store == {3: "v3"}


def test_a_key_already_there_is_replaced_within_the_limit() -> None:
    store = {1: "old"}
    remember(store, 1, "new", 5)
    assert store == {1: "new"}
