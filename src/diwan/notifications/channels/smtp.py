"""E-mail through Django's default mailer (Django 6.1 MAILERS: settings.MAILERS["default"])."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from diwan.notifications.channels import Delivered, Outgoing, PermanentFailure, TemporaryFailure


class SmtpChannel:
    name = "smtp"
    delivers_outside = True

    def deliver(self, message: Outgoing) -> Delivered:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"X-Diwan-Message": str(message.message_id)},
        )
        try:
            sent = email.send(using="default")
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise PermanentFailure(f"refused by the mail server: {type(exc).__name__}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"mail server unavailable: {type(exc).__name__}") from exc
        if not sent:
            raise TemporaryFailure("the mailer sent nothing")
        return Delivered(provider_reference=f"smtp-{message.message_id}")
