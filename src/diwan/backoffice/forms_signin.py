"""Forms for staff sign-in and the staff security settings. They only parse input; the rules live in
diwan.accounts.actions.staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diwan.accounts.passwords import MAX_LENGTH, MIN_LENGTH


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=MAX_LENGTH * 4,  # the validator gives the clear message; this only caps the request
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "dir": "ltr"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "dir": "ltr",
                "class": "mono code",
            }
        ),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=MAX_LENGTH * 4,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "dir": "ltr"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=MAX_LENGTH * 4,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=MAX_LENGTH * 4,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the active language (a lazy string with % would freeze at import).
        self.fields["new_password"].help_text = gettext(
            "At least %(min)d characters; a passphrase of several words works well. "
            "Do not use your name or a common password. No other rules."
        ) % {"min": MIN_LENGTH}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password_again") is not None
            and data["new_password"] != data["new_password_again"]
        ):
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return data


class ConfirmPasswordForm(forms.Form):
    """Re-authentication before a sensitive change (new authenticator)."""

    current_password = forms.CharField(
        label=_("Current password"),
        max_length=MAX_LENGTH * 4,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "dir": "ltr"}),
    )
