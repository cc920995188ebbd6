"""Citizen sign-in forms. Fields are checked with the same validators the actions use, so the page can
show every problem at once; the actions check again (they are the one write path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from diwan.accounts.actions.citizens import clean_email
from diwan.accounts.identity.phone_code import clean_code
from diwan.accounts.validators import (
    clean_arabic_name,
    clean_kurdish_name,
    clean_latin_name,
    normalise_national_id,
    normalise_phone,
)
from diwan.core.errors import DiwanError
from diwan.core.governorates import Governorate


def _checked(check: Callable[[str], str], value: Any) -> str:
    try:
        return check(str(value or ""))
    except DiwanError as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from exc


class DiwanForm(forms.Form):
    """Adds aria-describedby to each field that has a hint or an error (core/includes/field.html ids)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                hint = f"id_{name}-hint " if self.fields[name].help_text else ""
                widget.attrs["aria-describedby"] = f"{hint}id_{name}-error"
                widget.attrs["aria-invalid"] = "true"

    def add_action_error(self, error: DiwanError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, forms.ValidationError(str(error.message), code=error.code))


class PhoneForm(DiwanForm):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        help_text=_("We will send a sign-in code to this number. For example 0770 123 4567."),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        return _checked(normalise_phone, self.cleaned_data.get("phone"))


class CodeForm(DiwanForm):
    code = forms.CharField(
        label=_("Sign-in code"),
        help_text=_("The 6-digit code in the text message we sent you. It works for 5 minutes."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9٠-٩۰-۹ ]*",
                "class": "code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        return _checked(clean_code, self.cleaned_data.get("code"))


class ProfileForm(DiwanForm):
    full_name_ar = forms.CharField(
        label=_("Full name in Arabic letters"),
        help_text=_(
            "Your name, your father's name and your grandfather's name, as on your national ID card."
        ),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "rtl", "lang": "ar"}),
    )
    full_name_ckb = forms.CharField(
        label=_("Full name in Kurdish (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ckb"}),
    )
    full_name_latin = forms.CharField(
        label=_("Full name in Latin letters (optional)"),
        help_text=_("As in your passport, for example Ali Hassan Kadhim."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en", "autocomplete": "off"}),
    )
    national_id = forms.CharField(
        label=_("National ID number"),
        help_text=_("The 12-digit number on your national ID card."),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "code"}),
    )
    governorate = forms.ChoiceField(
        label=_("Governorate where you live"),
        choices=[("", _("Choose your governorate")), *Governorate.choices],
    )
    email = forms.CharField(
        label=_("E-mail address (optional)"),
        help_text=_("We only use it to tell you about your applications."),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )

    def clean_full_name_ar(self) -> str:
        return _checked(clean_arabic_name, self.cleaned_data.get("full_name_ar"))

    def clean_full_name_ckb(self) -> str:
        return _checked(clean_kurdish_name, self.cleaned_data.get("full_name_ckb"))

    def clean_full_name_latin(self) -> str:
        return _checked(clean_latin_name, self.cleaned_data.get("full_name_latin"))

    def clean_national_id(self) -> str:
        return _checked(normalise_national_id, self.cleaned_data.get("national_id"))

    def clean_email(self) -> str:
        return _checked(clean_email, self.cleaned_data.get("email"))
