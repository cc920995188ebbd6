"""Process-local memory for hot paths: a plain dict bounded by emptying it when full.

Several hot paths keep what they worked out once per worker (decoded sessions, rendered layout sections and
fragments, service definitions, built form fields). Their entries are cheap to make again and few in
steady state, so the bound is a whole clear when the dict is full: no least-recently-used bookkeeping on
every read, and a dict read stays a dict read.
"""

from __future__ import annotations


def remember[K, V](store: dict[K, V], key: K, value: V, limit: int) -> V:
    """Put `value` under `key` in `store`, first emptying `store` if it holds `limit` entries; returns
    `value`."""
    if len(store) >= limit:
        store.clear()
    store[key] = value
    return value
