"""Default-deny access policies for every view (ARCHITECTURE §5.3).

Every view declares who it admits with `@policy(...)` (functions) or a `policy` class attribute
(class-based views). `AccessPolicyMiddleware` refuses any view without one, so a forgotten declaration
fails closed at run time, and tests/core/test_access_policies.py fails on it before it ships.
API operations declare theirs through `diwan.api.security` (same policies, per operation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Set in the session by the staff sign-in once the TOTP step succeeds; staff pages need it.
MFA_SESSION_KEY = "diwan_mfa_verified_at"
POLICY_ATTRIBUTE = "diwan_policy"

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def is_citizen(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "kind", None) == "citizen" and user.is_active)


def is_staff_with_mfa(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and getattr(user, "kind", None) == "staff"
        and user.is_active
        and request.session.get(MFA_SESSION_KEY)
    )


def roles_of(request: HttpRequest) -> frozenset[str]:
    """The active roles of the signed-in staff member, cached on the request."""
    cached: frozenset[str] | None = getattr(request, "_diwan_roles", None)
    if cached is None:
        from diwan.directory.roles import active_roles

        cached = frozenset(active_roles(request.user)) if is_staff_with_mfa(request) else frozenset()
        request._diwan_roles = cached  # type: ignore[attr-defined]
    return cached


@dataclass(frozen=True)
class Policy:
    """Who may use a view. `kind` is public, citizen, staff, mfa_pending, superuser or demo."""

    kind: str
    roles: frozenset[str] = field(default_factory=frozenset)
    description: str = ""

    def admits(self, request: HttpRequest) -> bool:
        user = request.user
        match self.kind:
            case "public":
                return True
            case "citizen":
                return is_citizen(user)
            case "staff":
                if not is_staff_with_mfa(request):
                    return False
                return not self.roles or bool(self.roles & roles_of(request))
            case "mfa_pending":
                return bool(user.is_authenticated and getattr(user, "kind", None) == "staff")
            case "superuser":
                return is_staff_with_mfa(request) and bool(getattr(user, "is_superuser", False))
            case "demo":
                return bool(settings.DIWAN_DEMO_ALLOWED)
        return False

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if self.kind == "demo":  # demo helpers do not exist in production: not found, not "sign in"
            raise Http404
        staff_only = self.kind in {"staff", "superuser", "mfa_pending"}
        if not request.user.is_authenticated:
            login = "accounts:staff-sign-in" if staff_only else settings.LOGIN_URL
            return redirect_to_login(request.get_full_path(), reverse(login))
        if (
            staff_only
            and getattr(request.user, "kind", None) == "staff"
            and not request.session.get(MFA_SESSION_KEY)
        ):
            return redirect("accounts:staff-mfa")
        return TemplateResponse(
            request,
            "core/error.html",
            {
                "title": _("You cannot open this page"),
                "message": _("Your account does not have the role this page needs."),
            },
            status=403,
        )


PUBLIC = Policy("public", description="anyone, signed in or not")
CITIZEN = Policy("citizen", description="a signed-in citizen")
ANY_STAFF = Policy("staff", description="staff with completed MFA")
MFA_PENDING = Policy("mfa_pending", description="staff who passed the password step")
SUPERUSER = Policy("superuser", description="platform superuser with completed MFA")
DEMO_ONLY = Policy("demo", description="only outside production (demo helpers)")


def staff(*roles: str | Iterable[str]) -> Policy:
    flat: set[str] = set()
    for role in roles:
        flat.update([role] if isinstance(role, str) else role)
    return Policy(
        "staff", frozenset(str(r) for r in flat), description=f"staff with MFA and a role in {sorted(flat)}"
    )


def policy(declared: Policy) -> Callable[[ViewT], ViewT]:
    def decorate(view: ViewT) -> ViewT:
        setattr(view, POLICY_ATTRIBUTE, declared)
        return view

    return decorate


def policy_of(view: Any) -> Policy | None:
    found = getattr(view, POLICY_ATTRIBUTE, None)
    if found is None and hasattr(view, "view_class"):
        found = getattr(view.view_class, POLICY_ATTRIBUTE, None)
    if found is None and (getattr(view, "__module__", "") or "").startswith("ninja."):
        found = API_PER_OPERATION
    return found


# The API checks its policy per operation (diwan.api.security); the URL only routes to it.
API_PER_OPERATION = Policy("public", description="per-operation policy in diwan.api.security")
# Django's admin checks is_superuser itself; we also demand MFA (see AccessPolicyMiddleware).
ADMIN_SITE = SUPERUSER


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        declared = policy_of(view_func)
        if declared is None and (getattr(view_func, "__module__", "") or "").startswith(
            "django.contrib.admin"
        ):
            declared = ADMIN_SITE
        if declared is None and getattr(view_func, "admin_site", None) is not None:
            declared = ADMIN_SITE
        if declared is None:
            return TemplateResponse(
                request,
                "core/error.html",
                {"title": _("You cannot open this page"), "message": _("This page is not available.")},
                status=403,
            )
        if declared.admits(request):
            return None
        return declared.refuse(request)
