"""Tracking numbers: short, readable aloud, and a mistyped one is caught by its check symbol."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from diwan.applications.tracking import (
    ALPHABET,
    DATA_LENGTH,
    check_symbol,
    new_tracking_number,
    normalise_tracking_number,
)

data = st.text(alphabet=ALPHABET, min_size=DATA_LENGTH, max_size=DATA_LENGTH)


def test_shape() -> None:
    number = new_tracking_number()
    assert len(number) == 11
    assert number[4] == number[9] == "-"
    assert normalise_tracking_number(number) == number


def test_typing_variants_are_accepted() -> None:
    number = new_tracking_number()
    typed = number.replace("-", " ").lower()
    assert normalise_tracking_number(typed) == number
    arabic_digits = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert normalise_tracking_number(arabic_digits) == number
    assert normalise_tracking_number("") is None
    assert normalise_tracking_number("ABCD-EFGH") is None


@given(data, st.integers(min_value=0, max_value=DATA_LENGTH - 1), st.sampled_from(ALPHABET))
def test_one_wrong_character_is_caught(chars: str, position: int, wrong: str) -> None:
    number = f"{chars}{check_symbol(chars)}"
    if wrong == chars[position]:
        return
    typo = number[:position] + wrong + number[position + 1 :]
    assert normalise_tracking_number(typo) is None


@given(data, st.integers(min_value=0, max_value=DATA_LENGTH - 2))
def test_swapped_neighbours_are_caught(chars: str, position: int) -> None:
    if chars[position] == chars[position + 1]:
        return
    swapped = chars[:position] + chars[position + 1] + chars[position] + chars[position + 2 :]
    assert normalise_tracking_number(f"{swapped}{check_symbol(chars)}") is None
