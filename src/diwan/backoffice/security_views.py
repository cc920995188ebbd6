"""A staff member's own account security: recent sign-ins, change password, new authenticator app,
sign out everywhere. Every page needs completed MFA (ANY_STAFF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diwan.accounts import mfa
from diwan.accounts.actions.staff import (
    staff_password_change,
    staff_reauthenticate,
    staff_sign_out_everywhere,
    totp_replace,
)
from diwan.accounts.middleware import SESSION_EPOCH
from diwan.accounts.models import User
from diwan.accounts.staff_selectors import own_recent_sign_ins, totp_device_of
from diwan.backoffice.forms_signin import CodeForm, ConfirmPasswordForm, PasswordChangeForm
from diwan.core import clock
from diwan.core.access import ANY_STAFF, policy
from diwan.core.errors import DiwanError, RateLimited

PENDING_TOTP = "diwan_pending_totp"
PENDING_TOTP_SINCE = "diwan_pending_totp_since"
PENDING_TOTP_SECONDS = 10 * 60


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _locked_out(request: HttpRequest, error: DiwanError) -> HttpResponseBase:
    logout(request)
    messages.error(request, str(error.message))
    return redirect("accounts:staff-sign-in")


@policy(ANY_STAFF)
def index(request: HttpRequest) -> HttpResponseBase:
    user = _me(request)
    context = {
        "device": totp_device_of(user),
        "events": own_recent_sign_ins(user),
        "password_changed_at": user.password_changed_at,
    }
    return render(request, "backoffice/security/index.html", context)


@policy(ANY_STAFF)
def change_password(request: HttpRequest) -> HttpResponseBase:
    user = _me(request)
    status = 200
    if request.method == "POST":
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                staff_password_change(
                    actor=user,
                    user=user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except RateLimited as error:
                return _locked_out(request, error)
            except DiwanError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
                status = error.status
            else:
                # This session stays signed in; every other one ends on its next request.
                update_session_auth_hash(request, user)
                request.session[SESSION_EPOCH] = user.session_epoch
                messages.success(
                    request, _("Your password is changed. You were signed out on your other devices.")
                )
                return redirect("backoffice:security")
        else:
            status = 400
    else:
        form = PasswordChangeForm()
    return render(request, "backoffice/security/password.html", {"form": form}, status=status)


@policy(ANY_STAFF)
def authenticator(request: HttpRequest) -> HttpResponseBase:
    """Move to a new authenticator app: confirm the password, scan the new code, confirm a code from it.
    The old app keeps working until the new one is confirmed."""
    user = _me(request)
    secret = request.session.get(PENDING_TOTP)
    since = int(request.session.get(PENDING_TOTP_SINCE, 0))
    if secret and int(clock.now().timestamp()) - since > PENDING_TOTP_SECONDS:
        request.session.pop(PENDING_TOTP, None)
        secret = None
    status = 200
    if secret is None:
        if request.method == "POST":
            password_form = ConfirmPasswordForm(request.POST)
            if password_form.is_valid():
                try:
                    staff_reauthenticate(user=user, password=password_form.cleaned_data["current_password"])
                except RateLimited as error:
                    return _locked_out(request, error)
                except DiwanError as error:
                    password_form.add_error("current_password", str(error.message))
                    status = error.status
                else:
                    request.session[PENDING_TOTP] = mfa.new_secret()
                    request.session[PENDING_TOTP_SINCE] = int(clock.now().timestamp())
                    return redirect("backoffice:security-authenticator")
            else:
                status = 400
        else:
            password_form = ConfirmPasswordForm()
        return render(
            request,
            "backoffice/security/authenticator_password.html",
            {"form": password_form},
            status=status,
        )
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                totp_replace(actor=user, user=user, secret=secret, code=form.cleaned_data["code"])
            except RateLimited as error:
                return _locked_out(request, error)
            except DiwanError as error:
                form.add_error("code", str(error.message))
                status = error.status
            else:
                request.session.pop(PENDING_TOTP, None)
                request.session.pop(PENDING_TOTP_SINCE, None)
                messages.success(
                    request, _("Your new authenticator app is set up. The old one no longer works.")
                )
                return redirect("backoffice:security")
        else:
            status = 400
    else:
        form = CodeForm()
    uri = mfa.provisioning_uri(secret, account=user.username or str(user.pk))
    context = {
        "form": form,
        "qr_data_uri": mfa.qr_data_uri(uri),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "backoffice/security/authenticator.html", context, status=status)


@require_POST
@policy(ANY_STAFF)
def sign_out_everywhere(request: HttpRequest) -> HttpResponseBase:
    user = _me(request)
    staff_sign_out_everywhere(actor=user, user=user)
    logout(request)
    messages.success(request, _("You are signed out on every device, this one too."))
    return redirect("accounts:staff-sign-in")
