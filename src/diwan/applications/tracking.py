"""Tracking numbers: short, easy to read aloud or type on a phone, with a check character.

Eight random Crockford base-32 characters (no I, L, O, U: nothing to confuse with 1, 0 or V) and one
check symbol, shown as `XXXX-XXXX-C`. The check symbol is Crockford's mod-37 check, so a mistyped
character or two swapped neighbours is caught before anything is looked up. 40 random bits: a number
cannot be guessed, and access is checked anyway.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
DATA_LENGTH = 8
# What people type instead of the canonical character.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _value(data: str) -> int:
    value = 0
    for char in data:
        value = value * 32 + ALPHABET.index(char)
    return value


def check_symbol(data: str) -> str:
    return CHECK_ALPHABET[_value(data) % 37]


def new_tracking_number() -> str:
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return f"{data[:4]}-{data[4:]}-{check_symbol(data)}"


def normalise_tracking_number(text: str) -> str | None:
    """The canonical form of a typed tracking number, or None when it is not one (wrong length,
    unknown character, wrong check symbol)."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum() or ch in "*~$=")
    compact = compact.translate(_ALIASES) if len(compact) == DATA_LENGTH + 1 else compact
    if len(compact) != DATA_LENGTH + 1:
        return None
    data, check = compact[:DATA_LENGTH], compact[DATA_LENGTH]
    if any(ch not in ALPHABET for ch in data):
        return None
    if check_symbol(data) != check:
        return None
    return f"{data[:4]}-{data[4:]}-{check}"
