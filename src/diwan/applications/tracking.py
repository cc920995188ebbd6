"""Tracking numbers: short, easy to read aloud or type on a phone, with a check character.

Eight random characters from a 31-character alphabet (digits and capital letters without I, L, O, U
and Z: nothing to confuse with 1, 0, V or 2) and one check character from the same alphabet, shown as
`XXXX-XXXX-C`. The check is a weighted sum modulo 31 (a prime larger than any difference between two
characters), so every single mistyped character and every swap of two neighbours is caught before
anything is looked up. About 39.6 random bits: a number cannot be guessed, and access is checked anyway.
"""

from __future__ import annotations

import secrets

from diwan.accounts.validators import ascii_digits

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
DATA_LENGTH = 8
# What people type instead of the canonical character.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1", "Z": "2", "U": "V"})


def check_symbol(data: str) -> str:
    total = sum((position + 1) * ALPHABET.index(char) for position, char in enumerate(data))
    return ALPHABET[total % len(ALPHABET)]


def new_tracking_number() -> str:
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return f"{data[:4]}-{data[4:]}-{check_symbol(data)}"


def normalise_tracking_number(text: str) -> str | None:
    """The canonical form of a typed tracking number, or None when it is not one (wrong length,
    unknown character, wrong check character)."""
    typed = ascii_digits(text).upper()  # Arabic-Indic and Eastern digits from an Arabic keyboard
    compact = "".join(ch for ch in typed if ch.isascii() and ch.isalnum()).translate(_ALIASES)
    if len(compact) != DATA_LENGTH + 1 or any(ch not in ALPHABET for ch in compact):
        return None
    data, check = compact[:DATA_LENGTH], compact[DATA_LENGTH]
    if check_symbol(data) != check:
        return None
    return f"{data[:4]}-{data[4:]}-{check}"
