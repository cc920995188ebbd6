"""Staff accounts: creation, password, TOTP enrolment, sign-in steps, lockout and "sign out everywhere".

Every function here is the only way to make its change (ARCHITECTURE §5.1): keyword-only, inside a
transaction, validating first, and recording its audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from diwan.accounts import mfa, throttles
from diwan.accounts.events import AccountEvent
from diwan.accounts.models import TOTPDevice, User, UserKind
from diwan.accounts.signin_statements import claim_step, confirmed_device_of, staff_by_username
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
            if User.objects.filter(kind=UserKind.STAFF, national_id_index=user.national_id_index).exists():
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


def _reset_failures(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins = 0
        user.locked_until = None


# --- sign-in ------------------------------------------------------------------------------------------

# Per-IP throttle (shared cache, so every worker process sees it): at most IP_MAX_FAILURES failed
# password or code attempts from one address per IP_WINDOW_SECONDS, whatever the usernames.
IP_MAX_FAILURES = 30
IP_WINDOW_SECONDS = 15 * 60
_WRONG_CREDENTIALS = _("The username or password is not right.")


def _ip_key(ip: str | None) -> str:
    return f"diwan:staff-sign-in:ip:{ip or 'unknown'}"


def _refuse_if_ip_throttled(ip: str | None) -> None:
    if throttles.count(_ip_key(ip)) >= IP_MAX_FAILURES:
        raise RateLimited(
            _("Too many failed sign-in attempts from this network. Wait %(minutes)d minutes and try again.")
            % {"minutes": IP_WINDOW_SECONDS // 60},
            code="ip_throttled",
        )


def _count_ip_failure(ip: str | None) -> None:
    # Atomic, in a window that does not move (diwan.accounts.throttles). Checked before the password and
    # counted after it, as the account's failures are: requests sent together can all be checked
    # (docs/staff-sign-in.md, "Known limit", says what counting first cost).
    throttles.hit(_ip_key(ip), IP_WINDOW_SECONDS)


def staff_check_password(*, username: str, password: str, ip: str | None = None) -> User:
    """First sign-in step. Returns the staff user if the password is right and the account is usable;
    raises ValidationFailed (one message for unknown user and wrong password) or RateLimited.

    A correct password whose hash uses other parameters (Django's default Argon2, PBKDF2) is re-hashed
    with the OWASP Argon2id parameters. Failures count towards the account lockout; the failure counter
    is only cleared when the second factor succeeds too, so the password step cannot reset it.
    """
    _refuse_if_ip_throttled(ip)
    username = username.strip()
    # With the authenticator device: the next page depends on it. A fixed statement (signin_statements).
    user = staff_by_username(username) if username else None
    if user is None or not user.is_active:
        # The same Argon2 work as a real check, so response time does not reveal which usernames exist.
        User().set_password(password)
        _count_ip_failure(ip)
        with transaction.atomic():
            record_event(
                event_type=AccountEvent.STAFF_SIGN_IN_FAILED,
                details={"factor": "password", "reason": "unknown_or_inactive", "username": username[:150]},
            )
        raise ValidationFailed(_WRONG_CREDENTIALS, code="wrong_credentials")
    _refuse_if_locked(user)
    old_hash = user.password
    if not user.check_password(password):  # re-hashes and saves on success when parameters changed
        _count_ip_failure(ip)
        locked = _register_failure(user, factor="password")
        if locked:
            _refuse_if_locked(user)
        raise ValidationFailed(_WRONG_CREDENTIALS, code="wrong_credentials")
    if user.password != old_hash:
        with transaction.atomic():
            record_event(
                event_type=AccountEvent.STAFF_PASSWORD_UPGRADED,
                actor=user,
                objects={"user": user.pk},
                details={"from": old_hash.split("$", 1)[0], "to": user.password.split("$", 1)[0]},
            )
    return user


def has_confirmed_totp(user: User) -> bool:
    try:
        device = user.totp_device  # loaded with the user by staff_check_password, else one query
    except TOTPDevice.DoesNotExist:
        return False
    return device.confirmed_at is not None


def staff_check_totp(*, user: User, code: str, ip: str | None = None) -> TOTPDevice:
    """Second sign-in step: a code from the confirmed authenticator. Each time step is accepted once
    (replay refused, also between two concurrent requests); wrong codes count towards the lockout and
    the per-IP throttle (which is checked at the password step)."""
    _refuse_if_locked(user)
    device = confirmed_device_of(user)
    if device is None:
        raise ValidationFailed(_("Set up your authenticator app first."), field="code", code="no_device")
    step = mfa.matching_step(device.secret, code, last_used_step=device.last_used_step)
    claimed = False
    if step is not None:
        # One transaction claims the time step (conditional UPDATE: of two concurrent requests with the
        # same code only one matches) and records the sign-in.
        with transaction.atomic():
            claimed = claim_step(device, step)
            if claimed:
                device.last_used_step = step
                staff_sign_in_complete(user=user, method="totp")
    if not claimed:
        _count_ip_failure(ip)
        locked = _register_failure(user, factor="totp")
        if locked:
            _refuse_if_locked(user)
        raise ValidationFailed(
            _("That code is not right or was already used. Enter the 6-digit code your app shows now."),
            field="code",
        )
    return device


def staff_sign_in_complete(*, user: User, method: str) -> None:
    """Both factors passed: clear the failure counter and record the sign-in."""
    # Inside staff_check_totp's transaction a savepoint would only add two statements: an error here
    # propagates and rolls the whole transaction back either way.
    with transaction.atomic(savepoint=False):
        _reset_failures(user)  # last_login was set by django.contrib.auth.login at the password step
        record_event(
            event_type=AccountEvent.STAFF_SIGNED_IN,
            actor=user,
            objects={"user": user.pk},
            details={"second_factor": method},
        )


def staff_unlock(*, actor: User, user: User) -> None:
    """An administrator lifts a lockout before it runs out."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        record_event(
            event_type=AccountEvent.STAFF_UNLOCKED, actor=actor, objects={"user": user.pk}, details={}
        )


# --- security settings --------------------------------------------------------------------------------


def staff_password_change(*, actor: User, user: User, current_password: str, new_password: str) -> User:
    """Change a password after re-checking the current one. Other sessions end (the epoch moves on);
    the caller keeps its own session by storing the new epoch."""
    _refuse_if_locked(user)
    if not user.check_password(current_password):
        _register_failure(user, factor="password_change")
        raise ValidationFailed(
            _("Your current password is not right."), field="current_password", code="wrong_password"
        )
    if new_password == current_password:
        raise ValidationFailed(
            _("Choose a password you have not used here before."), field="new_password", code="same"
        )
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(str(m) for m in exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = clock.now()
        user.session_epoch += 1
        user.save(update_fields=["password", "password_changed_at", "session_epoch"])
        record_event(
            event_type=AccountEvent.STAFF_PASSWORD_CHANGED,
            actor=actor,
            objects={"user": user.pk},
            details={"other_sessions_ended": True},
        )
    return user


def staff_sign_out_everywhere(*, actor: User, user: User) -> int:
    """End every session of `user` (each dies on its next request, see accounts.middleware).
    Returns the new session epoch."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        record_event(
            event_type=AccountEvent.STAFF_SIGNED_OUT_EVERYWHERE,
            actor=actor,
            objects={"user": user.pk},
            details={"session_epoch": user.session_epoch},
        )
    return user.session_epoch


def totp_replace(*, actor: User, user: User, secret: str, code: str) -> TOTPDevice:
    """Move a signed-in staff member to a new authenticator: the old one keeps working until a code from
    the new secret proves the new app is set up; then the new device replaces it, confirmed."""
    _refuse_if_locked(user)
    try:
        secret = mfa.normalise_secret(secret)
    except ValueError as exc:
        raise ValidationFailed(_("This is not a valid authenticator secret."), field="code") from exc
    step = mfa.matching_step(secret, code, last_used_step=0)
    if step is None:
        _register_failure(user, factor="totp_enrolment")
        raise ValidationFailed(
            _("That code is not right. Enter the 6-digit code your app shows now."), field="code"
        )
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).delete()[0] > 0
        device = TOTPDevice.objects.create(
            user=user, secret=secret, confirmed_at=clock.now(), last_used_step=step
        )
        record_event(
            event_type=AccountEvent.MFA_RESET if replaced else AccountEvent.MFA_ENROLLED,
            actor=actor,
            objects={"user": user.pk, "totp_device": device.pk},
            details={"by": "self" if actor.pk == user.pk else "administrator"},
        )
    return device


def totp_reset(*, actor: User, user: User) -> None:
    """An administrator removes a lost authenticator: the person enrols a new one at next sign-in, and
    their current sessions end."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        record_event(
            event_type=AccountEvent.MFA_RESET,
            actor=actor,
            objects={"user": user.pk},
            details={"by": "administrator", "device_removed": True},
        )


def staff_reauthenticate(*, user: User, password: str) -> None:
    """Re-check the password before a sensitive change; a wrong one counts towards the lockout."""
    _refuse_if_locked(user)
    if not user.check_password(password):
        _register_failure(user, factor="password_reauthentication")
        raise ValidationFailed(
            _("Your current password is not right."), field="current_password", code="wrong_password"
        )
