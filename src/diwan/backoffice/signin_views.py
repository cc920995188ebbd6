"""Staff sign-in: username + password, then a TOTP code (or, the first time, authenticator enrolment).

Only after the TOTP step is `MFA_SESSION_KEY` set in the session; every staff page and staff API
operation requires it (diwan.core.access). The password step alone only admits the MFA_PENDING pages
below, and only for a few minutes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from diwan.accounts import mfa
from diwan.accounts.actions.staff import (
    has_confirmed_totp,
    staff_check_password,
    staff_check_totp,
    staff_sign_in_complete,
    totp_confirm,
    totp_enrol,
)
from diwan.accounts.middleware import SESSION_EPOCH, SESSION_SEEN, SESSION_STARTED
from diwan.accounts.models import User
from diwan.accounts.staff_selectors import totp_device_of
from diwan.backoffice.forms_signin import CodeForm, SignInForm
from diwan.core import clock
from diwan.core.access import MFA_PENDING, MFA_SESSION_KEY, PUBLIC, is_staff_with_mfa, policy
from diwan.core.errors import DiwanError, RateLimited
from diwan.core.middleware import client_ip

PENDING_SINCE = "diwan_mfa_pending_since"
NEXT_URL = "diwan_staff_next"
# The password step is good for this long; then the person starts again.
PENDING_SECONDS = 5 * 60
BACKEND = "diwan.accounts.backends.DiwanBackend"


def _now() -> int:
    return int(clock.now().timestamp())


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _start_session(request: HttpRequest, user: User) -> None:
    login(request, user, backend=BACKEND)  # new session key: no fixation
    now = _now()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    request.session[SESSION_EPOCH] = user.session_epoch
    request.session[PENDING_SINCE] = now


def _finish_sign_in(request: HttpRequest, user: User) -> HttpResponse:
    """`user` is request.user, loaded from the database in this request: its session_epoch is current."""
    next_url = request.session.pop(NEXT_URL, None)
    request.session.pop(PENDING_SINCE, None)
    # No second key rotation here: login() at the password step already gave this session a new,
    # server-chosen key, so there is no attacker-chosen key to fixate (and it saves four queries per
    # sign-in, see bench/login.py).
    now = _now()
    request.session[MFA_SESSION_KEY] = now
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    request.session[SESSION_EPOCH] = user.session_epoch
    return redirect(_safe_next(request, next_url) or reverse("backoffice:home"))


def _pending_user(request: HttpRequest) -> User | HttpResponse:
    """The staff member half-way through sign-in, or a response that restarts the sign-in."""
    if is_staff_with_mfa(request):
        return redirect("backoffice:home")
    since = request.session.get(PENDING_SINCE)
    if since is None or _now() - int(since) > PENDING_SECONDS:
        logout(request)
        messages.warning(request, _("Your sign-in took too long. Sign in again."))
        return redirect("accounts:staff-sign-in")
    user = request.user
    assert isinstance(user, User)
    return user


def _abandon(request: HttpRequest, error: DiwanError) -> HttpResponse:
    """Locked or throttled half-way: end the half-signed-in session and say why on the sign-in page."""
    logout(request)
    context = {"form": SignInForm(), "page_error": str(error.message)}
    return render(request, "backoffice/sign_in.html", context, status=error.status)


@policy(PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponseBase:
    if is_staff_with_mfa(request):
        return redirect("backoffice:home")
    status = 200
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            try:
                user = staff_check_password(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=client_ip(request),
                )
            except DiwanError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
                _start_session(request, user)
                if next_url:
                    request.session[NEXT_URL] = next_url
                return redirect(
                    "accounts:staff-mfa" if has_confirmed_totp(user) else "accounts:staff-mfa-enrol"
                )
        else:
            status = 400
    else:
        form = SignInForm()
    context: dict[str, Any] = {"form": form, "next": _safe_next(request, request.GET.get("next")) or ""}
    return render(request, "backoffice/sign_in.html", context, status=status)


@policy(MFA_PENDING)
def verify_mfa(request: HttpRequest) -> HttpResponseBase:
    user = _pending_user(request)
    if isinstance(user, HttpResponse):
        return user
    if request.method != "POST" and not has_confirmed_totp(user):
        return redirect("accounts:staff-mfa-enrol")
    status = 200
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                staff_check_totp(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
            except RateLimited as error:
                return _abandon(request, error)
            except DiwanError as error:
                if error.code == "no_device":
                    return redirect("accounts:staff-mfa-enrol")
                form.add_error("code", str(error.message))
                status = error.status
            else:
                return _finish_sign_in(request, user)
        else:
            status = 400
    else:
        form = CodeForm()
    return render(request, "backoffice/mfa_verify.html", {"form": form}, status=status)


@policy(MFA_PENDING)
def enrol_mfa(request: HttpRequest) -> HttpResponseBase:
    """First sign-in: set up the authenticator app. Never offered once one is confirmed (otherwise a
    stolen password alone could replace the second factor)."""
    user = _pending_user(request)
    if isinstance(user, HttpResponse):
        return user
    if has_confirmed_totp(user):
        return redirect("accounts:staff-mfa")
    device = totp_device_of(user) or totp_enrol(actor=user, user=user)
    status = 200
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                totp_confirm(actor=user, user=user, code=form.cleaned_data["code"])
            except RateLimited as error:
                return _abandon(request, error)
            except DiwanError as error:
                form.add_error("code", str(error.message))
                status = error.status
            else:
                staff_sign_in_complete(user=user, method="totp_enrolment")
                messages.success(request, _("Your authenticator app is set up."))
                return _finish_sign_in(request, user)
        else:
            status = 400
    else:
        form = CodeForm()
    uri = mfa.provisioning_uri(device.secret, account=user.username or str(user.pk))
    context = {
        "form": form,
        "qr_data_uri": mfa.qr_data_uri(uri),
        "secret_groups": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
    }
    return render(request, "backoffice/mfa_enrol.html", context, status=status)
