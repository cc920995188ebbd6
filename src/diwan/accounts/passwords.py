"""Staff password rules after NIST SP 800-63B-4: length, not common or breached, no composition rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 15
MAX_LENGTH = 128


class Nist80063bValidator:
    def __init__(self) -> None:
        self._common = CommonPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
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
        try:
            self._common.validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                _("This password is on a list of common or breached passwords. Choose another."),
                code="password_too_common",
            ) from exc
        if len(set(password)) < 4:
            raise ValidationError(
                _("This password repeats too few characters. Choose another."), code="password_repetitive"
            )

    def get_help_text(self) -> str:
        return _("At least %(min)d characters; a passphrase of several words works well. No other rules.") % {
            "min": MIN_LENGTH
        }
