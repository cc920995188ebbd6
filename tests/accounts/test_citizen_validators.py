"""Phone numbers, national IDs and names: what people type, normalised or refused with a clear reason."""

from __future__ import annotations

import pytest
from django.utils import translation

from diwan.accounts.validators import (
    clean_arabic_name,
    clean_latin_name,
    display_phone,
    normalise_national_id,
    normalise_phone,
)
from diwan.core.errors import ValidationFailed


@pytest.mark.parametrize(
    "typed",
    [
        "07701234567",
        "7701234567",
        "0770 123 4567",
        "0770-123-4567",
        "+964 770 123 4567",
        "+9647701234567",
        "009647701234567",
        "9647701234567",
        "+964 0770 123 4567",
        "٠٧٧٠١٢٣٤٥٦٧",  # Arabic-Indic digits
        "۰۷۷۰۱۲۳۴۵۶۷",  # Eastern Arabic-Indic digits (Persian/Kurdish keyboards)
        "\u200f0770 123 4567\u200e",  # direction marks from copy-paste
        " (0770) 123.4567 ",
    ],
)
def test_phone_forms_normalise_to_e164(typed: str) -> None:
    assert normalise_phone(typed) == "+9647701234567"


@pytest.mark.parametrize("prefix", ["073", "074", "075", "076", "077", "078", "079"])
def test_every_mobile_operator_range_is_accepted(prefix: str) -> None:
    assert normalise_phone(f"{prefix}01234567") == f"+964{prefix[1:]}01234567"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("0770123456", "length"),  # one digit short
        ("077012345678", "length"),  # one digit too many
        ("0170123456", "length"),  # Baghdad landline
        ("07201234567", "operator"),  # no operator has 072
        ("07101234567", "operator"),
        ("+447700900123", "not_iraqi"),
        ("0770abc4567", "characters"),
        ("07701234567; DROP", "characters"),
    ],
)
def test_malformed_phones_are_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_phone(typed)
    assert refused.value.code == code
    assert refused.value.field == "phone"


def test_phone_error_is_translated() -> None:
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as refused:
            normalise_phone("12")
        assert "Iraqi mobile number" in str(refused.value.message)
    with translation.override("ar"):
        assert "رقم هاتف محمول عراقي" in str(refused.value.message)


def test_display_phone_is_the_local_form() -> None:
    assert display_phone("+9647701234567") == "0770 123 4567"


@pytest.mark.parametrize("typed", ["199001234567", "1990 0123 4567", "١٩٩٠٠١٢٣٤٥٦٧", "۱۹۹۰۰۱۲۳۴۵۶۷"])
def test_national_id_normalises_digits(typed: str) -> None:
    assert normalise_national_id(typed) == "199001234567"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("12345678901", "length"),
        ("1234567890123", "length"),
        ("12345678901X", "characters"),
    ],
)
def test_malformed_national_ids_are_refused(typed: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_national_id(typed)
    assert refused.value.code == code
    assert refused.value.field == "national_id"


def test_arabic_name_needs_arabic_script_and_several_words() -> None:
    assert clean_arabic_name("  زينب   علي حسين ") == "زينب علي حسين"
    assert clean_arabic_name("ئاسۆ کەریم ڕەشید") == "ئاسۆ کەریم ڕەشید"  # Sorani letters
    for bad, code in [("Zainab Ali", "script"), ("زينب", "words"), ("زينب 123", "script"), ("", "required")]:
        with pytest.raises(ValidationFailed) as refused:
            clean_arabic_name(bad)
        assert refused.value.code == code


def test_latin_name_is_optional_and_latin_only() -> None:
    assert clean_latin_name("") == ""
    assert clean_latin_name("Zainab Al-Sa'di") == "Zainab Al-Sa'di"
    with pytest.raises(ValidationFailed):
        clean_latin_name("زينب")
