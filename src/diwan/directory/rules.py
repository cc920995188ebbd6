"""The directory's rules, as functions the actions call before they write. Each raises a translated
PermissionDenied / ValidationFailed; tests/directory/test_rules.py has one refusal test per rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diwan.core import clock
from diwan.core.errors import PermissionDenied, ValidationFailed
from diwan.core.i18n import LANGUAGES, is_complete
from diwan.directory.models import ROLE_REQUIRES_KIND, Agency, AgencyKind, Membership
from diwan.directory.roles import Role
from diwan.directory.selectors import administers, is_coordination_admin, membership_valid_at


def require_administers(actor: Any, agency: Agency) -> None:
    """Agency administrators manage only their own agency; coordination administrators manage every
    agency except the judiciary, which administers itself."""
    if not administers(actor, agency):
        if agency.is_judiciary:
            raise PermissionDenied(
                _("The judiciary administers itself: only its own administrators can change it."),
                code="judiciary",
            )
        raise PermissionDenied(_("You can only manage your own agency."), code="other_agency")


def require_coordination_admin(actor: Any) -> None:
    if not is_coordination_admin(actor):
        raise PermissionDenied(
            _("Only coordination administrators can create agencies."), code="not_coordination_admin"
        )


def require_kind_allowed_for_creation(actor: Any, kind: str) -> None:
    if kind not in AgencyKind.values:
        raise ValidationFailed(_("Choose a kind of agency from the list."), field="kind")
    if kind == AgencyKind.JUDICIARY and actor is not None:
        raise PermissionDenied(
            _("No government administrator can create a judicial authority."), code="judiciary"
        )


def require_role_fits_agency(role: str, agency: Agency) -> None:
    """Judges only in the judiciary, law-enforcement officers only in law-enforcement agencies,
    coordination administrators only in the coordination body; nobody is appointed 'citizen'."""
    if role not in {r.value for r in Role} or role == Role.CITIZEN:
        raise ValidationFailed(_("Choose a role from the list."), field="role")
    required = ROLE_REQUIRES_KIND.get(role)
    if required is not None and agency.kind != required:
        if role == Role.JUDGE:
            message = _("Judge positions exist only in the judiciary.")
        elif role == Role.LAW_ENFORCEMENT_OFFICER:
            message = _("Law enforcement positions exist only in law enforcement agencies.")
        else:
            message = _("Coordination administrator positions exist only in the coordination body.")
        raise ValidationFailed(message, field="role", code="role_kind")


def require_not_self(actor: Any, user: Any) -> None:
    if actor is not None and getattr(actor, "pk", None) == getattr(user, "pk", None):
        raise PermissionDenied(
            _("You cannot grant a role to yourself: ask another administrator."), code="self_grant"
        )


def require_active_staff(user: Any, field: str) -> None:
    if user is None or getattr(user, "kind", None) != "staff" or not user.is_active:
        raise ValidationFailed(_("There is no active staff member with this username."), field=field)


def require_separation_of_powers(user: Any, agency: Agency) -> None:
    """A sitting judge holds no government position, and a government official is not made a judge
    while still in office (checked over current and future memberships)."""
    now = clock.now()
    open_memberships = Membership.objects.filter(user=user).filter(
        membership_valid_at(now) | Q(valid_from__gt=now)
    )
    if agency.is_judiciary:
        clash = open_memberships.exclude(position__office__agency__kind=AgencyKind.JUDICIARY).exists()
    else:
        clash = open_memberships.filter(position__office__agency__kind=AgencyKind.JUDICIARY).exists()
    if clash:
        raise PermissionDenied(
            _("This person holds a position in the judiciary and in government at once: not allowed."),
            code="separation_of_powers",
        )


def require_complete_text(text: Any, field: str) -> dict[str, str]:
    if not isinstance(text, dict) or not is_complete(text):
        raise ValidationFailed(_("Enter the name in Arabic, Kurdish and English."), field=field)
    return {code: str(text[code]).strip()[:300] for code in LANGUAGES}
