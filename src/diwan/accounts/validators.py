"""Iraqi mobile numbers, national ID numbers and names: normalise what people type, refuse the rest.

People type numbers with Arabic-Indic digits (٠-٩), Eastern Arabic-Indic digits as on Persian and Kurdish
keyboards (۰-۹), spaces, dashes, a leading 0, or the +964 / 00964 country prefix. Everything is reduced to
one canonical form (E.164 for phones, 12 ASCII digits for national IDs) before it is stored or compared.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from diwan.core.errors import ValidationFailed

# Arabic-Indic (U+0660-0669) and Extended / Eastern Arabic-Indic (U+06F0-06F9) digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Separators people put in numbers: spaces (incl. no-break and thin), dashes, dots, brackets, and the
# invisible direction marks that copy-paste from right-to-left text adds.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.()/\u200e\u200f\u200b\u2066-\u2069\u202a-\u202e]")

# Mobile operator codes of Iraq's numbering plan (Communications and Media Commission): the digit after
# "07". National numbers are 07X + 8 digits (10 digits after the trunk 0 is dropped: 7X XXXX XXXX).
MOBILE_OPERATORS: dict[str, str] = {
    "3": "073x (new mobile range)",
    "4": "074x (new mobile range)",
    "5": "Korek Telecom",
    "6": "Alkafeel Omnnea",
    "7": "Asiacell",
    "8": "Zain Iraq",
    "9": "Zain Iraq",
}
PHONE_E164 = re.compile(r"^\+9647[3-9][0-9]{8}$")
NATIONAL_ID_SHAPE = re.compile(r"^[0-9]{12}$")
ARABIC_SCRIPT_NAME = re.compile(r"^[\u0621-\u0652\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF\u0640 ]+$")
# Latin transliteration: letters (with diacritics), spaces, apostrophes and hyphens.
LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ſḀ-ỿ' \-]+$")


def ascii_digits(value: str) -> str:
    """Arabic-Indic and Eastern Arabic-Indic digits to ASCII; everything else unchanged."""
    return value.translate(_DIGITS)


def normalise_phone(value: str) -> str:
    """An Iraqi mobile number as E.164 (+9647XXXXXXXXX), or ValidationFailed with a clear message."""
    raw = _SEPARATORS.sub("", ascii_digits(unicodedata.normalize("NFKC", value or "")))
    if not raw:
        raise ValidationFailed(_("Enter your mobile phone number."), field="phone", code="required")
    if raw.startswith("+"):
        digits = raw[1:]
        if not digits.startswith("964"):
            raise ValidationFailed(
                _("Enter an Iraqi mobile number, for example 0770 123 4567."),
                field="phone",
                code="not_iraqi",
            )
        national = digits[3:]
    elif raw.startswith("00964"):
        national = raw[5:]
    elif raw.startswith("964") and len(raw) == 13:
        national = raw[3:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        national = raw
    if national.startswith("0"):  # +964 07… : the trunk 0 written after the country code
        national = national[1:]
    if not national.isdigit():
        raise ValidationFailed(
            _("A phone number can only contain digits, spaces, dashes and a leading +."),
            field="phone",
            code="characters",
        )
    if len(national) != 10 or not national.startswith("7"):
        raise ValidationFailed(
            _("Enter an Iraqi mobile number with 11 digits, like 0770 123 4567."),
            field="phone",
            code="length",
        )
    if national[1] not in MOBILE_OPERATORS:
        raise ValidationFailed(
            _("This is not an Iraqi mobile number. Mobile numbers start with 073 to 079."),
            field="phone",
            code="operator",
        )
    e164 = f"+964{national}"
    if not PHONE_E164.match(e164):  # pragma: no cover - guaranteed by the checks above
        raise ValidationFailed(_("Enter a valid Iraqi mobile number."), field="phone")
    return e164


def display_phone(e164: str) -> str:
    """+9647701234567 as 0770 123 4567, the way Iraqis write it."""
    if PHONE_E164.match(e164):
        national = "0" + e164[4:]
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return e164


def normalise_national_id(value: str, *, required: bool = True) -> str:
    """The 12-digit national ID number (البطاقة الوطنية) as ASCII digits, or ValidationFailed."""
    raw = _SEPARATORS.sub("", ascii_digits(unicodedata.normalize("NFKC", value or "")))
    if not raw:
        if not required:
            return ""
        raise ValidationFailed(_("Enter your national ID number."), field="national_id", code="required")
    if not raw.isdigit():
        raise ValidationFailed(
            _("A national ID number contains digits only."), field="national_id", code="characters"
        )
    if not NATIONAL_ID_SHAPE.match(raw):
        raise ValidationFailed(
            _("A national ID number has exactly 12 digits. You entered %(count)s.") % {"count": len(raw)},
            field="national_id",
            code="length",
        )
    return raw


def _squash_spaces(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def clean_arabic_name(value: str, *, field: str = "full_name_ar") -> str:
    """A full name written in Arabic script (Arabic or Kurdish letters), at least two words."""
    name = _squash_spaces(value)
    if not name:
        raise ValidationFailed(_("Enter your full name in Arabic letters."), field=field, code="required")
    if len(name) > 200:
        raise ValidationFailed(_("The name is too long."), field=field, code="length")
    if not ARABIC_SCRIPT_NAME.match(name):
        raise ValidationFailed(
            _("Write the name in Arabic letters only, as on your national ID card."),
            field=field,
            code="script",
        )
    if len(name.split()) < 2:
        raise ValidationFailed(
            _("Enter your full name: your name, your father's name and your grandfather's name."),
            field=field,
            code="words",
        )
    return name


def clean_kurdish_name(value: str) -> str:
    """Optional: the name in Kurdish (Sorani, Arabic script)."""
    name = _squash_spaces(value)
    if not name:
        return ""
    if len(name) > 200 or not ARABIC_SCRIPT_NAME.match(name):
        raise ValidationFailed(
            _("Write the Kurdish name in Kurdish (Arabic-script) letters."),
            field="full_name_ckb",
            code="script",
        )
    return name


def clean_latin_name(value: str) -> str:
    """Optional: the name in Latin letters, as in a passport."""
    name = _squash_spaces(value)
    if not name:
        return ""
    if len(name) > 200 or not LATIN_NAME.match(name):
        raise ValidationFailed(
            _("Write the name in Latin letters only, as in your passport."),
            field="full_name_latin",
            code="script",
        )
    return name
