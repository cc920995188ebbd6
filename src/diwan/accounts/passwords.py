"""Staff password rules after NIST SP 800-63B-4 §3.1.1.2: length, not common or breached, not built
from the account's own names, and NO composition rules (no "one digit, one symbol") and no expiry.

- at least 15 characters (a passphrase of several words is the easy way there), at most 128 (> 64);
- every printable character and space is allowed; Unicode is NFKC-normalised before counting;
- refused when it is on the blocklist (Django's list of 20,000 common/breached passwords), also after
  removing spaces and separators and when it is just a common password repeated or with digits added;
- refused when it contains the username, a part of the person's name, or the email's local part;
- refused when it is one short unit repeated ("abcabcabcabcabc") or uses fewer than 4 distinct characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 15
MAX_LENGTH = 128
_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)
_TRAILING_DIGITS = re.compile(r"[0-9]+$")
_LEADING_DIGITS = re.compile(r"^[0-9]+")


def _repeated_unit(text: str) -> str | None:
    """'abcabcabc' -> 'abc'; None if `text` is not a repetition of a shorter string."""
    match = re.fullmatch(r"(.+?)\1+", text, re.DOTALL)
    return match.group(1) if match else None


class Nist80063bValidator:
    def __init__(self) -> None:
        self._common = CommonPasswordValidator().passwords

    def _is_common(self, password: str) -> bool:
        lowered = password.casefold()
        squeezed = _SEPARATORS.sub("", lowered)
        candidates = {lowered.strip(), squeezed}
        for text in list(candidates):
            candidates.add(_TRAILING_DIGITS.sub("", text))
            candidates.add(_LEADING_DIGITS.sub("", text))
            unit = _repeated_unit(text)
            if unit:
                candidates.add(unit)
        return any(c and c in self._common for c in candidates)

    def _personal_words(self, user: Any) -> set[str]:
        if user is None:
            return set()
        words: set[str] = set()
        for attribute in ("username", "full_name_ar", "full_name_ckb", "full_name_latin"):
            value = getattr(user, attribute, None) or ""
            value = unicodedata.normalize("NFKC", str(value)).casefold()
            if attribute == "username" and len(value) >= 3:
                words.add(value)
                words.add(_SEPARATORS.sub("", value))
            words.update(part for part in _SEPARATORS.split(value) if len(part) >= 3)
        email = (getattr(user, "email", "") or "").casefold()
        local = email.split("@", 1)[0]
        if len(local) >= 3:
            words.add(local)
        return {w for w in words if len(w) >= 3}

    def validate(self, password: str, user: Any = None) -> None:
        password = unicodedata.normalize("NFKC", password)
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                _(
                    "Use at least %(min)d characters. "
                    "A passphrase of four or more words is easiest to remember."
                )
                % {"min": MIN_LENGTH},
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("Use at most %(max)d characters.") % {"max": MAX_LENGTH}, code="password_too_long"
            )
        if self._is_common(password):
            raise ValidationError(
                _("This password is on a list of common or breached passwords. Choose another."),
                code="password_too_common",
            )
        folded = password.casefold()
        squeezed = _SEPARATORS.sub("", folded)
        if any(word in folded or word in squeezed for word in self._personal_words(user)):
            raise ValidationError(
                _("Do not use your username or your name in your password. Choose another."),
                code="password_too_similar",
            )
        unit = _repeated_unit(folded)
        if len(set(password)) < 4 or (unit is not None and len(unit) < 6):
            raise ValidationError(
                _("This password repeats too few characters. Choose another."), code="password_repetitive"
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(min)d characters; a passphrase of several words works well. "
            "Do not use your name or a common password. No other rules."
        ) % {"min": MIN_LENGTH}
