"""Staff accounts: creation, password, TOTP enrolment, sign-in steps, lockout and "sign out everywhere".

Every function here is the only way to make its change (ARCHITECTURE §5.1): keyword-only, inside a
transaction, validating first, and recording its audit event in the same transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from diwan.accounts import mfa
from diwan.accounts.events import AccountEvent
from diwan.accounts.models import TOTPDevice, User, UserKind
from diwan.audit.actions import record_event
from diwan.core import clock
from diwan.core.errors import RateLimited, ValidationFailed

USERNAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,149}$")
NATIONAL_ID_SHAPE = re.compile(r"^[0-9]{12}$")

# Lockout (NIST SP 800-63B-4 §3.2.2 rate limiting): after this many consecutive failures of either
# factor the account refuses sign-in for LOCKOUT_MINUTES.
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15


def _check_password_rules(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(str(m) for m in exc.messages), field="password", code="password"
        ) from exc


def staff_create(
    *,
    actor: User | None,
    username: str,
    full_name_ar: str,
    password: str,
    email: str = "",
    national_id: str = "",
    full_name_ckb: str = "",
    full_name_latin: str = "",
    is_test_data: bool = False,
) -> User:
    """Create a staff account with a password that meets the NIST rules. Roles come from directory
    memberships; the TOTP authenticator is enrolled at first sign-in (or with `totp_enrol`)."""
    username = username.strip()
    full_name_ar = full_name_ar.strip()
    if not USERNAME_SHAPE.match(username):
        raise ValidationFailed(
            _("A username has 3 to 150 letters, digits, dots, hyphens or underscores."), field="username"
        )
    if not full_name_ar:
        raise ValidationFailed(_("Enter the full name in Arabic script."), field="full_name_ar")
    national_id = national_id.strip()
    if national_id and not NATIONAL_ID_SHAPE.match(national_id):
        raise ValidationFailed(_("A national ID number has 12 digits."), field="national_id")
    user = User(
        kind=UserKind.STAFF,
        username=username,
        full_name_ar=full_name_ar,
        full_name_ckb=full_name_ckb.strip(),
        full_name_latin=full_name_latin.strip(),
        email=email.strip(),
        is_test_data=is_test_data,
    )
    _check_password_rules(password, user)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationFailed(_("This username is already taken."), field="username", code="taken")
        if national_id:
            user.set_national_id(national_id)
            if User.objects.filter(national_id_index=user.national_id_index).exists():
                raise ValidationFailed(
                    _("Another account already has this national ID number."), field="national_id"
                )
        user.set_password(password)
        user.password_changed_at = clock.now()
        user.save(force_insert=True)
        record_event(
            event_type=AccountEvent.STAFF_CREATED,
            actor=actor,
            objects={"user": user.pk},
            details={"username": username, "is_test_data": is_test_data},
        )
    return user


def totp_enrol(*, actor: User | None, user: User, secret: str | None = None) -> TOTPDevice:
    """Give `user` a new, unconfirmed authenticator secret (replacing any previous device).

    The device only counts once `totp_confirm` has checked a code from it. `secret` lets a trusted
    loader (demo data) fix the secret; otherwise a random 160-bit one is made.
    """
    if user.kind != UserKind.STAFF:
        raise ValidationFailed(_("Only staff accounts use an authenticator app."))
    try:
        secret = mfa.normalise_secret(secret) if secret is not None else mfa.new_secret()
    except ValueError as exc:
        raise ValidationFailed(_("This is not a valid authenticator secret."), field="secret") from exc
    with transaction.atomic():
        previous = TOTPDevice.objects.filter(user=user).first()
        replaced = previous is not None and previous.confirmed_at is not None
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, secret=secret)
        record_event(
            event_type=AccountEvent.MFA_RESET if replaced else AccountEvent.MFA_ENROLMENT_STARTED,
            actor=actor,
            objects={"user": user.pk, "totp_device": device.pk},
            details={"replaced_confirmed_device": replaced},
        )
    return device


def totp_confirm(*, actor: User | None, user: User, code: str) -> TOTPDevice:
    """Confirm the enrolled authenticator with a current code from it. A wrong code counts as a failed
    sign-in attempt (lockout); the code's time step is remembered so it cannot be replayed."""
    _refuse_if_locked(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        raise ValidationFailed(_("Set up your authenticator app first."), field="code", code="no_device")
    if device.confirmed_at is not None:
        raise ValidationFailed(_("This authenticator is already set up."), field="code", code="confirmed")
    step = mfa.matching_step(device.secret, code, last_used_step=device.last_used_step)
    if step is None:
        _register_failure(user, factor="totp_enrolment")
        raise ValidationFailed(
            _("That code is not right. Enter the 6-digit code your app shows now."), field="code"
        )
    with transaction.atomic():
        device.confirmed_at = clock.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        record_event(
            event_type=AccountEvent.MFA_ENROLLED,
            actor=actor,
            objects={"user": user.pk, "totp_device": device.pk},
        )
    return device


# --- lockout -----------------------------------------------------------------------------------------


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > clock.now()


def _refuse_if_locked(user: User) -> None:
    if is_locked(user):
        raise RateLimited(
            _(
                "This account is locked for %(minutes)d minutes after too many failed attempts. "
                "Try again later or ask your agency administrator."
            )
            % {"minutes": LOCKOUT_MINUTES},
            code="locked",
        )


def _register_failure(user: User, *, factor: str, details: dict[str, Any] | None = None) -> bool:
    """Count one failed attempt (own transaction, so it survives the caller's error); lock on the fifth.
    Returns True if this failure locked the account."""
    import datetime as dt

    from django.db.models import F

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        locked = user.failed_logins >= MAX_FAILURES
        record_event(
            event_type=AccountEvent.MFA_FAILED
            if factor.startswith("totp")
            else AccountEvent.STAFF_SIGN_IN_FAILED,
            actor=user,
            objects={"user": user.pk},
            details={"factor": factor, "consecutive_failures": user.failed_logins, **(details or {})},
        )
        if locked:
            user.locked_until = clock.now() + dt.timedelta(minutes=LOCKOUT_MINUTES)
            user.failed_logins = 0
            User.objects.filter(pk=user.pk).update(locked_until=user.locked_until, failed_logins=0)
            record_event(
                event_type=AccountEvent.STAFF_LOCKED,
                actor=user,
                objects={"user": user.pk},
                details={"minutes": LOCKOUT_MINUTES, "factor": factor},
            )
    return locked
