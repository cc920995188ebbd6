"""Reads of the organisation directory."""

from __future__ import annotations

from typing import Any


def active_role_codes(user: Any) -> set[str]:
    # Replaced by the membership query once the directory models land (docs/directory.md).
    return set()
