"""Forms of the directory pages. They only parse input; diwan.directory.actions decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diwan.core.governorates import Governorate
from diwan.directory.models import ROLE_REQUIRES_KIND, Agency, AgencyKind, Office, Position
from diwan.directory.roles import ROLE_LABELS, Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Whole sentences per language (not "%(what)s in Arabic"): translators need them whole.
NAME_LABELS = {"ar": _("Name in Arabic"), "ckb": _("Name in Kurdish (Sorani)"), "en": _("Name in English")}
TITLE_LABELS = {
    "ar": _("Title in Arabic"),
    "ckb": _("Title in Kurdish (Sorani)"),
    "en": _("Title in English"),
}


def _text_fields(labels: dict[str, Any]) -> list[forms.CharField]:
    return [
        forms.CharField(
            label=label,
            max_length=300,
            widget=forms.TextInput(attrs={"dir": "ltr" if code == "en" else "rtl", "lang": code}),
        )
        for code, label in labels.items()
    ]


CODE_HELP = _("Short Latin identifier, e.g. MOI-PASS-BSR: letters, digits and hyphens.")


class AgencyForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=CODE_HELP)
    name_ar, name_ckb, name_en = _text_fields(NAME_LABELS)
    kind = forms.ChoiceField(
        label=_("Kind of agency"),
        # The judiciary is not created by a government administrator (diwan.directory.rules).
        choices=[(k, label) for k, label in AgencyKind.choices if k != AgencyKind.JUDICIARY],
    )
    parent = forms.ChoiceField(label=_("Part of (optional)"), required=False)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies}
        _choices(self, "parent").choices = [("", _("None: a top-level agency"))] + [
            (a.code, f"{a.label} ({a.code})") for a in agencies
        ]

    def translated(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"name_{code}"].strip() for code in ("ar", "ckb", "en")}

    def parent_agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data.get("parent") or "")


class OfficeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=CODE_HELP)
    name_ar, name_ckb, name_en = _text_fields(NAME_LABELS)
    governorate = forms.ChoiceField(label=_("Governorate"), choices=Governorate.choices)
    parent = forms.TypedChoiceField(
        label=_("Part of (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offices = {o.pk: o for o in offices}
        _choices(self, "parent").choices = [("", _("None: a top-level office"))] + [
            (o.pk, f"{o.label} ({o.code})") for o in offices
        ]

    def translated(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"name_{code}"].strip() for code in ("ar", "ckb", "en")}

    def parent_office(self) -> Office | None:
        parent_id = self.cleaned_data.get("parent")
        return self.offices.get(parent_id) if parent_id is not None else None


def roles_for(agency: Agency) -> list[tuple[str, Any]]:
    """The roles a position in this agency may carry (the same rule the action enforces)."""
    return [
        (role.value, ROLE_LABELS[role])
        for role in Role
        if role != Role.CITIZEN and ROLE_REQUIRES_KIND.get(role, agency.kind) == agency.kind
    ]


class PositionForm(forms.Form):
    title_ar, title_ckb, title_en = _text_fields(TITLE_LABELS)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "role").choices = roles_for(agency)

    def translated(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"title_{code}"].strip() for code in ("ar", "ckb", "en")}


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def end_of(day: dt.date) -> dt.datetime:
    """'Valid until 31 May' means through the whole of 31 May."""
    return start_of(day + dt.timedelta(days=1))


def optional(convert: Any, day: dt.date | None) -> dt.datetime | None:
    return convert(day) if day is not None else None


class MembershipForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the staff member"), max_length=150, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    valid_from = forms.DateField(
        label=_("From (optional)"), required=False, widget=DATE_WIDGET, help_text=_("Empty: from now.")
    )
    valid_to = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The last day the role is held. Empty: until the membership is ended."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must be after the start date."))
        return data


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class DelegationForm(forms.Form):
    delegator = forms.TypedChoiceField(label=_("Who is away"), coerce=int)
    delegate = forms.CharField(
        label=_("Username of the person acting for them"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    valid_from = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    valid_to = forms.DateField(label=_("Until"), widget=DATE_WIDGET, help_text=_("At most 180 days."))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, position: Position, holders: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.position = position
        self.holders = {u.pk: u for u in holders}
        _choices(self, "delegator").choices = [(u.pk, f"{u.full_name_ar} ({u.username})") for u in holders]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must be after the start date."))
        return data
