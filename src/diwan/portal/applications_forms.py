"""Small forms of the citizen's application pages that are not built from a service definition (those are
`diwan.applications.forms.page_form`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diwan.portal.forms import DiwanForm

MESSAGE_MAX_LENGTH = 5000  # casework.actions.message_post refuses longer


class MessageForm(DiwanForm):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_("The office handling your application reads it. Do not share passwords or codes."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": "5"}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Keep it under %(limit_value)d characters (you wrote %(show_value)d)."),
        },
    )
    attachment = forms.FileField(
        label=_("Attach a document (optional)"),
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png"}),
        error_messages={"empty": _("The file you chose is empty. Choose the file again.")},
    )
