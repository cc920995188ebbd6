"""Forms of the staff casework pages. They only parse input; diwan.casework.actions decides (and checks
again: assignee, separation of duties, conflict of interest, the page's revision).

Every form that acts on a file is rendered with the application's revision in a hidden input named
`revision` (outside the form class, from the page being shown), so a page re-shown after a refusal always
carries the revision the official is now looking at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from diwan.core.i18n import pick

REASON_MAX = 2000
TEXTAREA = {"rows": "4"}


def _text(
    label: Any, *, required: bool = True, help_text: Any = "", max_length: int = REASON_MAX
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs=TEXTAREA),
        strip=True,
    )


class ApproveForm(forms.Form):
    note = _text(
        _("Note (optional)"),
        required=False,
        help_text=_("Shown in the file's timeline. Leave it empty if there is nothing to add."),
    )


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason for refusing"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the reason for refusing."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    text = _text(
        _("Explain the decision"),
        help_text=_("The citizen reads this. Say what is wrong and what they can do."),
    )

    def __init__(self, *args: Any, reasons: Iterable[Mapping[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [(r["code"], pick(r["text"])) for r in reasons]  # type: ignore[attr-defined]
        self.fields["text"].error_messages["required"] = _("Explain the decision; the citizen will read it.")


class ReturnForm(forms.Form):
    # The field is named "fields" as the action's refusals name it; declared in __init__ because a
    # class attribute of that name would hide the form's own `fields`.
    message = _text(
        _("Message to the citizen"),
        help_text=_("Say what is wrong and how to correct it. The clock stops until they send it back."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "fields": forms.MultipleChoiceField(
                label=_("Answers the citizen must correct"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Mark at least one answer the citizen must correct."),
                    "invalid_choice": _("Mark answers of this application's form only."),
                },
            ),
            **self.fields,
        }
        self.fields["message"].error_messages["required"] = _("Write what the citizen must correct.")


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extra working days"),
        min_value=1,
        max_value=30,
        help_text=_("Between 1 and 30. A file can be extended once."),
        widget=forms.NumberInput(attrs={"class": "code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of extra working days."),
            "invalid": _("Enter the number of days in digits, like 5."),
            "min_value": _("An extension is between 1 and 30 working days."),
            "max_value": _("An extension is between 1 and 30 working days."),
        },
    )
    reason = _text(_("Reason for the extension"), help_text=_("The citizen reads this."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Write the reason for the extension.")


class EscalateForm(forms.Form):
    reason = _text(
        _("Why the supervisor must step in"),
        help_text=_("For example: a document another office must send, or a case the rules do not cover."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Write why you escalate the file.")


class AnswerForm(forms.Form):
    answer = _text(_("Your office's answer"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = _("Write your office's answer.")


ROTATION = ""


class ReassignForm(forms.Form):
    to_user = forms.ChoiceField(
        label=_("Give the file to"),
        required=False,
        help_text=_("Only officials who may take this file are listed."),
        error_messages={"invalid_choice": _("Choose an official from the list.")},
    )
    reason = _text(_("Reason for reassigning"), help_text=_("Kept in the file and in the audit log."))

    def __init__(self, *args: Any, candidates: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [  # type: ignore[attr-defined]
            (ROTATION, _("The next official by rotation")),
            *((str(user.pk), user.full_name_ar) for user in candidates),
        ]
        self.fields["reason"].error_messages["required"] = _("Write why you reassign the file.")

    def to_user_id(self) -> int | None:
        chosen = self.cleaned_data.get("to_user") or ROTATION
        return None if chosen == ROTATION else int(chosen)


class MessageForm(forms.Form):
    body = _text(_("Your message to the citizen"), max_length=5000)
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Write your message.")


class BreakGlassForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        help_text=_("As the citizen or the other office gave it, for example ABCD-1234-X."),
        widget=forms.TextInput(
            attrs={"class": "code", "dir": "ltr", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the file's tracking number.")},
    )
    reason = _text(
        _("Why you must open this file"),
        help_text=_("At least 15 characters. Your agency's integrity office reads every opening."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Explain why you must open this file.")


class ReviewForm(forms.Form):
    note = _text(
        _("Your finding"),
        help_text=_("Was the opening justified? What follows? Kept with the opening and audited."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("Write your finding.")


RELATIONS = [
    ("spouse", _("Spouse")),
    ("parent", _("Parent")),
    ("child", _("Son or daughter")),
    ("sibling", _("Brother or sister")),
    ("grandparent", _("Grandparent")),
    ("grandchild", _("Grandchild")),
    ("in_law", _("Relative by marriage")),
    ("other", _("Other close relative")),
]


class RelativeForm(forms.Form):
    national_id = forms.CharField(
        label=_("Your relative's national ID number"),
        max_length=40,
        help_text=_("12 digits, as on their unified national card."),
        widget=forms.TextInput(
            attrs={"class": "code", "dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={"required": _("Enter your relative's national ID number.")},
    )
    relation = forms.ChoiceField(
        label=_("How you are related"),
        choices=[("", _("Choose")), *RELATIONS],
        error_messages={
            "required": _("Say how you are related."),
            "invalid_choice": _("Choose how you are related from the list."),
        },
    )
