"""Citizen sign-in: phone number + one-time code (then, the first time, a short profile), and the
national eID over OpenID Connect. Thin: parse the form, call an action, render or redirect."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diwan.accounts.actions import citizens
from diwan.accounts.identity import IdentityRefused, registry
from diwan.accounts.middleware import SESSION_EPOCH
from diwan.accounts.models import User
from diwan.accounts.validators import display_phone
from diwan.core.access import PUBLIC, is_citizen, is_staff_with_mfa, policy
from diwan.core.caching import never_cache
from diwan.core.errors import DiwanError
from diwan.core.middleware import client_ip
from diwan.portal.forms import CodeForm, PhoneForm, ProfileForm

# Session keys of the sign-in journey (removed once signed in).
PENDING_PHONE = "diwan_signin_phone"
VERIFIED_PHONE = "diwan_signin_verified"
NEXT_URL = "diwan_signin_next"
# After the code, the citizen has this long to fill in the profile.
PROFILE_SECONDS = 15 * 60
BACKEND = "diwan.accounts.backends.DiwanBackend"


def _language() -> str:
    return (get_language() or "ar").split("-")[0]


def _remember_next(request: HttpRequest) -> None:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_URL] = target


def _sign_in(request: HttpRequest, user: User) -> HttpResponse:
    target = request.session.get(NEXT_URL) or reverse("portal:home")
    login(request, user, backend=BACKEND)  # new session key: no session fixation
    request.session[SESSION_EPOCH] = user.session_epoch
    for key in (PENDING_PHONE, VERIFIED_PHONE, NEXT_URL):
        request.session.pop(key, None)
    return redirect(target)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_citizen(request.user):
        return redirect("portal:home")
    _remember_next(request)
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                phone = citizens.citizen_code_request(
                    phone=form.cleaned_data["phone"], ip=client_ip(request), language=_language()
                )
            except DiwanError as exc:
                form.add_action_error(exc)
                status = exc.status
            else:
                request.session[PENDING_PHONE] = phone
                request.session.pop(VERIFIED_PHONE, None)
                return redirect("accounts:sign-in-code")
    return _render(
        request,
        "portal/sign_in.html",
        {"form": form, "eid_providers": registry.redirect_providers()},
        status=status,
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(PENDING_PHONE)
    if not phone:
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST if request.method == "POST" and "resend" not in request.POST else None)
    status = 200
    resent = False
    if request.method == "POST" and "resend" in request.POST:
        try:
            citizens.citizen_code_request(phone=phone, ip=client_ip(request), language=_language())
            resent = True
        except DiwanError as exc:
            form = CodeForm(None)
            status = exc.status
            return _render(
                request,
                "portal/sign_in_code.html",
                {"form": form, "phone": display_phone(phone), "resend_error": exc.message},
                status=status,
            )
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = citizens.citizen_code_verify(phone=phone, code=form.cleaned_data["code"])
            except DiwanError as exc:
                form.add_action_error(exc)
                status = exc.status
            else:
                if outcome.user is not None:
                    return _sign_in(request, outcome.user)
                request.session[VERIFIED_PHONE] = {"phone": outcome.phone, "at": int(time.time())}
                return redirect("accounts:sign-in-profile")
    return _render(
        request,
        "portal/sign_in_code.html",
        {"form": form, "phone": display_phone(phone), "resent": resent},
        status=status,
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_profile(request: HttpRequest) -> HttpResponse:
    verified = request.session.get(VERIFIED_PHONE)
    if not isinstance(verified, dict) or time.time() - verified.get("at", 0) > PROFILE_SECONDS:
        request.session.pop(VERIFIED_PHONE, None)
        return redirect("accounts:sign-in")
    form = ProfileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = citizens.citizen_register(
                    phone=verified["phone"], language=_language(), **form.cleaned_data
                )
            except DiwanError as exc:
                form.add_action_error(exc)
                status = exc.status
            else:
                return _sign_in(request, user)
    return _render(
        request,
        "portal/sign_in_profile.html",
        {"form": form, "phone": display_phone(verified["phone"])},
        status=status,
    )


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:eid-callback"))


@policy(PUBLIC)
@never_cache
@require_POST
def eid_start(request: HttpRequest) -> HttpResponse:
    provider = registry.redirect_provider("national_eid")
    if provider is None:
        raise Http404
    try:
        url = provider.authorization_url(session=request.session, redirect_uri=_callback_uri(request))
    except IdentityRefused as refusal:
        citizens.citizen_sign_in_refused(provider=provider.name, reason=refusal.code)
        return _eid_error(request, status=502)
    return redirect(url)


def _eid_error(request: HttpRequest, *, status: int = 400) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": _("The national eID sign-in did not work"),
            "message": _("Nothing was changed. Go back to the sign-in page and try again."),
        },
        status=status,
    )


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET"])
def eid_callback(request: HttpRequest) -> HttpResponse:
    provider = registry.redirect_provider("national_eid")
    if provider is None:
        raise Http404
    try:
        identity = provider.complete(session=request.session, params=request.GET.dict())
    except IdentityRefused as refusal:
        citizens.citizen_sign_in_refused(provider=provider.name, reason=refusal.code)
        return _eid_error(request)
    try:
        user = citizens.citizen_sign_in_with_identity(identity=identity)
    except DiwanError:
        return _eid_error(request, status=403)
    return _sign_in(request, user)


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm: the layouts link here, since a link needs no CSRF token in every page (a
    sign-out must still be a POST with one, or any other site could sign people out). POST signs out."""
    user = request.user
    if request.method == "GET":
        if not user.is_authenticated:
            return redirect("public:home")
        if is_citizen(user):
            back = reverse("portal:home")
        elif is_staff_with_mfa(request):
            back = reverse("backoffice:home")
        else:
            back = reverse("public:home")
        return render(request, "portal/sign_out.html", {"back_url": back})
    if is_citizen(user) and isinstance(user, User):
        citizens.citizen_sign_out(user=user)
    logout(request)
    return redirect("public:home")
