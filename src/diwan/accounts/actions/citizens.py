"""Citizen accounts: sign-in codes, registration, the national eID, sign-out (ARCHITECTURE §5.1).

Each function is keyword-only, validates first, writes inside a transaction and records its audit event
in that transaction. Refusals that must leave a trace (wrong code, throttling, duplicate national ID)
commit their audit event *before* the error is raised, so the trace survives the refused request.
The session itself (django.contrib.auth.login) is the view's job: actions never see a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from diwan.accounts import throttles
from diwan.accounts.events import AccountEvent
from diwan.accounts.identity import IdentityRefused, VerifiedIdentity, registry
from diwan.accounts.models import NATIONAL_ID_CONTEXT, User, UserKind, VerificationLevel
from diwan.accounts.validators import (
    clean_arabic_name,
    clean_kurdish_name,
    clean_latin_name,
    normalise_national_id,
    normalise_phone,
)
from diwan.audit.actions import record_event
from diwan.core.crypto import blind_index
from diwan.core.errors import Conflict, RateLimited, ValidationFailed
from diwan.core.governorates import Governorate
from diwan.notifications.actions import message_queue
from diwan.notifications.models import Medium

# Sign-in code requests allowed per window, shared by every process through the cache (the database
# cache by default, Redis at scale). Per phone: stops SMS bombing of one person. Per IP: stops one
# client from walking through many phone numbers.
PHONE_LIMIT, PHONE_WINDOW = 3, 15 * 60
IP_LIMIT, IP_WINDOW = 10, 60 * 60


def mask_phone(phone: str) -> str:
    """+9647701234567 -> +964770****567: enough to tell numbers apart in the audit log."""
    return phone[:7] + "****" + phone[-3:] if len(phone) > 10 else "****"


def _throttle_key(scope: str, value: str) -> str:
    digest = salted_hmac("diwan.accounts.throttle", f"{scope}\x00{value}", algorithm="sha256").hexdigest()
    return f"diwan:signin:{scope}:{digest[:40]}"


def _record(**kwargs: object) -> None:
    """Record an audit event in its own committed transaction (used just before raising a refusal)."""
    with transaction.atomic():
        record_event(**kwargs)  # type: ignore[arg-type]


def citizen_code_request(*, phone: str, ip: str | None, language: str = "ar") -> str:
    """Send a sign-in code to `phone` (as typed; normalised here). Returns the E.164 number.

    The answer is the same whether or not the number belongs to an account: nothing here tells the
    caller who is registered. Raises ValidationFailed (bad number) or RateLimited (HTTP 429)."""
    phone = normalise_phone(phone)
    phone_key = _throttle_key("phone", phone)
    ip_key = _throttle_key("ip", ip or "unknown")
    user = User.objects.filter(phone=phone).first()
    provider = registry.code_provider()
    if provider is None:
        raise ValidationFailed(_("Sign-in with a phone number is switched off."), field="phone")
    # Counted before deciding (throttles.hit is atomic): requests that arrive together cannot all slip
    # under the limit. A refused request counts too; the window does not move.
    scope = ""
    if throttles.hit(phone_key, PHONE_WINDOW) > PHONE_LIMIT:
        scope = "phone"
    elif throttles.hit(ip_key, IP_WINDOW) > IP_LIMIT:
        scope = "ip"
    if scope:
        _record(
            event_type=AccountEvent.CITIZEN_CODE_THROTTLED,
            data_subject=user,
            details={"phone": mask_phone(phone), "scope": scope},
        )
        raise RateLimited(
            _("Too many codes were asked for. Wait 15 minutes, then ask for a new code.")
            if scope == "phone"
            else _("Too many codes were asked for from this connection. Wait an hour and try again."),
            field="phone",
            code=f"throttled_{scope}",
        )
    with transaction.atomic():
        issued = provider.issue(phone=phone, ip=ip, language=language, user=user)
        record_event(
            event_type=AccountEvent.CITIZEN_CODE_REQUESTED,
            data_subject=user,
            objects={"one_time_code": issued.pk},
            details={"phone": mask_phone(phone), "provider": provider.name},
        )
    return phone


@dataclass(frozen=True)
class CodeOutcome:
    """A checked code: `user` is the citizen to sign in, or None when the phone has no account yet
    (the caller then asks for the profile and calls citizen_register)."""

    phone: str
    user: User | None


def citizen_code_verify(*, phone: str, code: str) -> CodeOutcome:
    phone = normalise_phone(phone)
    provider = registry.code_provider()
    if provider is None:
        raise ValidationFailed(_("Sign-in with a phone number is switched off."), field="code")
    user = User.objects.filter(phone=phone).first()
    try:
        identity = provider.check(phone=phone, code=code)
    except IdentityRefused as refusal:
        _record(
            event_type=AccountEvent.CITIZEN_CODE_REJECTED,
            data_subject=user,
            details={"phone": mask_phone(phone), "reason": refusal.code},
        )
        raise
    if user is None:
        return CodeOutcome(phone=identity.phone, user=None)
    if user.kind != UserKind.CITIZEN or not user.is_active:
        _record(
            event_type=AccountEvent.CITIZEN_SIGN_IN_FAILED,
            actor=user,
            data_subject=user,
            details={"method": provider.name, "reason": "not_an_active_citizen"},
        )
        raise ValidationFailed(
            _("This phone number cannot be used to sign in here. Staff sign in on the office page."),
            field="code",
            code="not_citizen",
        )
    with transaction.atomic():
        record_event(
            event_type=AccountEvent.CITIZEN_SIGNED_IN,
            actor=user,
            data_subject=user,
            details={"method": provider.name},
        )
    return CodeOutcome(phone=phone, user=user)


def _national_id_taken(national_id: str, *, exclude: int | None = None) -> bool:
    index = blind_index(national_id, context=NATIONAL_ID_CONTEXT)
    found = User.objects.filter(kind=UserKind.CITIZEN, national_id_index=index)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


def _duplicate_national_id() -> ValidationFailed:
    # Said only to someone who has just proved they hold a phone, at the throttled rate of sign-in
    # codes: the least a person needs to understand why they cannot register.
    return ValidationFailed(
        _(
            "This national ID number is already registered to another account. If it is yours, sign in "
            "with the phone number you registered, or with the national eID."
        ),
        field="national_id",
        code="duplicate",
    )


def citizen_register(
    *,
    phone: str,
    full_name_ar: str,
    national_id: str,
    governorate: str,
    full_name_ckb: str = "",
    full_name_latin: str = "",
    email: str = "",
    language: str = "ar",
    is_test_data: bool = False,
) -> User:
    """Create a citizen whose phone was just verified by a code. All input is validated before anything
    is written; a refused registration writes nothing but its audit event."""
    phone = normalise_phone(phone)
    full_name_ar = clean_arabic_name(full_name_ar)
    full_name_ckb = clean_kurdish_name(full_name_ckb)
    full_name_latin = clean_latin_name(full_name_latin)
    national_id = normalise_national_id(national_id)
    if governorate not in Governorate.values:
        raise ValidationFailed(_("Choose your governorate."), field="governorate", code="required")
    email = clean_email(email)
    if User.objects.filter(phone=phone).exists():
        raise Conflict(_("This phone number already has an account. Sign in instead."), field="phone")
    if _national_id_taken(national_id):
        _record(
            event_type=AccountEvent.CITIZEN_REGISTRATION_REFUSED,
            details={"phone": mask_phone(phone), "reason": "duplicate_national_id"},
        )
        raise _duplicate_national_id()
    try:
        with transaction.atomic():
            user = User(
                kind=UserKind.CITIZEN,
                phone=phone,
                full_name_ar=full_name_ar,
                full_name_ckb=full_name_ckb,
                full_name_latin=full_name_latin,
                governorate=governorate,
                email=email,
                verification_level=VerificationLevel.PHONE,
                is_test_data=is_test_data,
            )
            user.set_national_id(national_id)
            user.set_unusable_password()
            user.save(force_insert=True)
            record_event(
                event_type=AccountEvent.CITIZEN_REGISTERED,
                actor=user,
                data_subject=user,
                objects={"user": user.pk},
                details={"method": "phone_code", "governorate": governorate},
            )
            record_event(
                event_type=AccountEvent.CITIZEN_SIGNED_IN,
                actor=user,
                data_subject=user,
                details={"method": "phone_code", "first_time": True},
            )
            if email:
                message_queue(
                    actor=user,
                    medium=Medium.EMAIL,
                    recipient=email,
                    template="accounts.welcome",
                    context={"name": full_name_ar},
                    language=language,
                    user=user,
                )
    except IntegrityError as exc:  # a parallel registration won the race for the phone or the ID
        if _national_id_taken(national_id):
            raise _duplicate_national_id() from exc
        raise Conflict(
            _("This phone number already has an account. Sign in instead."), field="phone"
        ) from exc
    return user


def clean_email(value: str) -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Enter an e-mail address like name@example.com, or leave it empty."), field="email"
        ) from exc
    return email


def citizen_sign_in_with_identity(*, identity: VerifiedIdentity) -> User:
    """Sign in (and, the first time, register) a citizen vouched for by a redirect provider such as the
    national eID. The national ID number is the key: an existing account is found by its blind index and
    raised to the provider's verification level."""
    if not identity.national_id:
        raise ValidationFailed(_("The identity provider did not give a national ID number."))
    index = blind_index(identity.national_id, context=NATIONAL_ID_CONTEXT)
    try:
        with transaction.atomic():
            user = (
                User.objects.select_for_update()
                .filter(kind=UserKind.CITIZEN, national_id_index=index)
                .first()
            )
            if user is not None and (user.kind != UserKind.CITIZEN or not user.is_active):
                refused = user
            else:
                refused = None
                created = user is None
                if user is None:
                    user = User(kind=UserKind.CITIZEN, verification_level=identity.verification_level)
                    user.set_national_id(identity.national_id)
                    user.set_unusable_password()
                raised = identity.verification_level > user.verification_level
                user.verification_level = max(user.verification_level, identity.verification_level)
                user.full_name_ar = user.full_name_ar or identity.full_name_ar
                user.full_name_latin = user.full_name_latin or identity.full_name_latin
                if (
                    identity.phone
                    and not user.phone
                    and not User.objects.filter(phone=identity.phone).exists()
                ):
                    user.phone = identity.phone
                user.save()
                if created:
                    record_event(
                        event_type=AccountEvent.CITIZEN_REGISTERED,
                        actor=user,
                        data_subject=user,
                        objects={"user": user.pk},
                        details={"method": identity.provider},
                    )
                if created or raised:
                    record_event(
                        event_type=AccountEvent.CITIZEN_EID_VERIFIED,
                        actor=user,
                        data_subject=user,
                        details={"provider": identity.provider, "level": int(user.verification_level)},
                    )
                record_event(
                    event_type=AccountEvent.CITIZEN_SIGNED_IN,
                    actor=user,
                    data_subject=user,
                    details={"method": identity.provider},
                )
    except IntegrityError as exc:
        raise Conflict(_("Your account changed while you were signing in. Please try again.")) from exc
    if refused is not None:
        _record(
            event_type=AccountEvent.CITIZEN_SIGN_IN_FAILED,
            actor=refused,
            data_subject=refused,
            details={"method": identity.provider, "reason": "not_an_active_citizen"},
        )
        raise ValidationFailed(_("This identity cannot be used to sign in here."), code="not_citizen")
    return user


def citizen_sign_in_refused(*, provider: str, reason: str) -> None:
    """Record that a redirect provider's sign-in was refused (bad state, nonce, signature, replay…)."""
    _record(
        event_type=AccountEvent.CITIZEN_SIGN_IN_FAILED,
        details={"method": provider, "reason": reason},
    )


def citizen_sign_out(*, user: User) -> None:
    """Record the sign-out; the view then ends the session (django.contrib.auth.logout)."""
    with transaction.atomic():
        record_event(event_type=AccountEvent.CITIZEN_SIGNED_OUT, actor=user, data_subject=user)
