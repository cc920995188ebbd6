"""Channel plugins: how a queued message leaves Diwan (ARCHITECTURE §5.4).

`channel_for(medium)` returns the plugin chosen by setting: DIWAN_SMS_CHANNEL (demo or http_sms) and
DIWAN_EMAIL_CHANNEL (demo or smtp). A dotted path to a class implementing `Channel` also works, so a
ministry can plug in its own gateway without changing Diwan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Outgoing:
    """What a channel needs to deliver one message (no model instance: plugins stay decoupled)."""

    message_id: int
    recipient: str
    subject: str
    body: str
    language: str


@dataclass(frozen=True)
class Delivered:
    provider_reference: str = ""


class DeliveryError(Exception):
    """Delivery failed. `temporary` failures are retried with back-off, permanent ones are not."""

    temporary = True


class TemporaryFailure(DeliveryError):
    temporary = True


class PermanentFailure(DeliveryError):
    temporary = False


@runtime_checkable
class Channel(Protocol):
    name: str
    # True when the channel really sends (the demo channel only keeps the outbox row).
    delivers_outside: bool

    def deliver(self, message: Outgoing) -> Delivered: ...


BUILT_IN: dict[str, str] = {
    "demo": "diwan.notifications.channels.demo.DemoChannel",
    "http_sms": "diwan.notifications.channels.http_sms.HttpSmsChannel",
    "smtp": "diwan.notifications.channels.smtp.SmtpChannel",
}
ALLOWED_FOR = {"sms": {"demo", "http_sms"}, "email": {"demo", "smtp"}}


def channel_name_for(medium: str) -> str:
    if medium == "sms":
        return str(settings.DIWAN_SMS_CHANNEL)
    if medium == "email":
        return str(settings.DIWAN_EMAIL_CHANNEL)
    raise ImproperlyConfigured(f"no channel setting for medium {medium!r}")


def load_channel(name: str, medium: str) -> Channel:
    if name in BUILT_IN:
        if name not in ALLOWED_FOR.get(medium, set()):
            raise ImproperlyConfigured(f"channel {name!r} cannot send {medium} messages")
        path = BUILT_IN[name]
    elif "." in name:
        path = name
    else:
        raise ImproperlyConfigured(f"unknown notification channel {name!r}; use {sorted(BUILT_IN)}")
    channel = import_string(path)()
    if not isinstance(channel, Channel):
        raise ImproperlyConfigured(f"{path} does not implement the notification Channel interface")
    return channel


def channel_for(medium: str) -> Channel:
    return load_channel(channel_name_for(medium), medium)
