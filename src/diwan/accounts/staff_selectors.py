"""Checked reads about a staff member's own account security (ARCHITECTURE §5.2)."""

from __future__ import annotations

from django.db.models import QuerySet

from diwan.accounts.events import AccountEvent
from diwan.accounts.models import TOTPDevice, User
from diwan.audit.models import Event

SIGN_IN_EVENTS = (
    AccountEvent.STAFF_SIGNED_IN,
    AccountEvent.STAFF_SIGN_IN_FAILED,
    AccountEvent.STAFF_LOCKED,
    AccountEvent.MFA_FAILED,
    AccountEvent.MFA_ENROLLED,
    AccountEvent.MFA_RESET,
    AccountEvent.STAFF_PASSWORD_CHANGED,
    AccountEvent.STAFF_SIGNED_OUT_EVERYWHERE,
)


def own_recent_sign_ins(user: User, *, limit: int = 20) -> QuerySet[Event]:
    """The user's own recent sign-in and account-security events, newest first (only their own)."""
    return Event.objects.filter(
        objects_ref__user=user.pk, event_type__in=[str(e) for e in SIGN_IN_EVENTS]
    ).order_by("-occurred_at", "-id")[:limit]


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user).first()
