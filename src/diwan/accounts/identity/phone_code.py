"""One-time sign-in codes sent to a phone: 6 digits from `secrets`, stored as a keyed hash, valid for
5 minutes, used once, at most 5 tries each. Only the latest code of a phone counts."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from diwan.accounts.identity import IdentityRefused, VerifiedIdentity
from diwan.accounts.models import OneTimeCode, VerificationLevel
from diwan.accounts.validators import ascii_digits
from diwan.core import clock
from diwan.core.errors import ValidationFailed
from diwan.notifications.actions import message_queue
from diwan.notifications.models import Medium

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def hash_code(phone: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table does not let anyone try the million codes offline.
    return salted_hmac("diwan.accounts.OneTimeCode", f"{phone}\x00{code}", algorithm="sha256").hexdigest()


def clean_code(value: str) -> str:
    code = "".join(ascii_digits(value or "").split()).replace("-", "")
    if not code:
        raise ValidationFailed(_("Enter the code from the text message."), field="code", code="required")
    if not code.isdigit() or len(code) != CODE_DIGITS:
        raise ValidationFailed(
            _("The code has 6 digits. Check the text message and try again."), field="code", code="shape"
        )
    return code


class PhoneCodeProvider:
    name = "phone_code"

    def issue(self, *, phone: str, ip: str | None, language: str, user: Any | None) -> OneTimeCode:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        now = clock.now()
        with transaction.atomic():
            issued = OneTimeCode.objects.create(
                phone=phone,
                code_hash=hash_code(phone, code),
                created_at=now,
                expires_at=now + CODE_LIFETIME,
                ip=ip,
            )
            message_queue(
                actor=user,
                medium=Medium.SMS,
                recipient=phone,
                template="accounts.sign_in_code",
                context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
                language=language,
                user=user,
            )
        return issued

    def check(self, *, phone: str, code: str) -> VerifiedIdentity:
        code = clean_code(code)
        now = clock.now()
        refusal: IdentityRefused | None = None
        with transaction.atomic():
            latest = (
                OneTimeCode.objects.select_for_update()
                .filter(phone=phone)
                .order_by("-created_at", "-id")
                .first()
            )
            if latest is None or latest.used_at is not None or latest.expires_at <= now:
                refusal = IdentityRefused(
                    _("This code has expired or has already been used. Ask for a new code."),
                    field="code",
                    code="expired",
                )
            elif latest.attempts >= MAX_ATTEMPTS:
                refusal = IdentityRefused(
                    _("Too many wrong codes. Ask for a new code."), field="code", code="too_many"
                )
            elif not constant_time_compare(hash_code(phone, code), latest.code_hash):
                OneTimeCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
                left = MAX_ATTEMPTS - latest.attempts - 1
                refusal = IdentityRefused(
                    _("The code is not correct. Check the text message and try again.")
                    if left > 0
                    else _("Too many wrong codes. Ask for a new code."),
                    field="code",
                    code="wrong" if left > 0 else "too_many",
                )
            else:
                # Conditional update: of two simultaneous correct submissions only one wins.
                won = OneTimeCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now)
                if won != 1:
                    refusal = IdentityRefused(
                        _("This code has expired or has already been used. Ask for a new code."),
                        field="code",
                        code="expired",
                    )
        if refusal is not None:
            raise refusal
        return VerifiedIdentity(
            provider=self.name, subject=phone, phone=phone, verification_level=VerificationLevel.PHONE
        )
