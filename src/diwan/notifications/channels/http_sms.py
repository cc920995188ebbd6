"""SMS through an HTTP gateway: POST a JSON body to DIWAN_SMS_GATEWAY_URL with a bearer token.

Gateways differ in the field names they want, so the body is a JSON template (DIWAN_SMS_GATEWAY_BODY):
the placeholders {to}, {to_national}, {text} and {reference} are replaced inside string values *after*
the template is parsed, so a message text can never break out of its JSON string.

2xx: delivered (an "id" or "message_id" in a JSON answer is kept as the provider reference).
429, 5xx, timeouts and network errors: temporary, retried with back-off. Other 4xx: permanent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from diwan.notifications.channels import Delivered, Outgoing, PermanentFailure, TemporaryFailure

DEFAULT_BODY_TEMPLATE = '{"to": "{to}", "text": "{text}", "reference": "{reference}"}'
TIMEOUT_SECONDS = 10


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, replacement in values.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


def build_body(template: str, message: Outgoing) -> bytes:
    try:
        parsed = json.loads(template or DEFAULT_BODY_TEMPLATE)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured("DIWAN_SMS_GATEWAY_BODY is not valid JSON") from exc
    values = {
        "to": message.recipient,
        "to_national": "0" + message.recipient[4:] if message.recipient.startswith("+964") else "",
        "text": message.body,
        "reference": f"diwan-{message.message_id}",
    }
    return json.dumps(_fill(parsed, values), ensure_ascii=False).encode()


class HttpSmsChannel:
    name = "http_sms"
    delivers_outside = True

    def __init__(self) -> None:
        self.url: str = settings.DIWAN_SMS_GATEWAY_URL
        self.token: str = settings.DIWAN_SMS_GATEWAY_TOKEN
        self.template: str = getattr(settings, "DIWAN_SMS_GATEWAY_BODY", "") or DEFAULT_BODY_TEMPLATE
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                "DIWAN_SMS_GATEWAY_URL must be an http(s) URL for the http_sms channel"
            )

    def deliver(self, message: Outgoing) -> Delivered:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=build_body(self.template, message),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "User-Agent": "Diwan notifications",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 429 or exc.code >= 500:
                raise TemporaryFailure(f"SMS gateway answered {exc.code}") from exc
            raise PermanentFailure(f"SMS gateway refused the message ({exc.code})") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemporaryFailure(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        reference = ""
        try:
            answer = json.loads(raw or b"{}")
            if isinstance(answer, dict):
                reference = str(answer.get("id") or answer.get("message_id") or "")[:200]
        except ValueError:
            reference = ""
        return Delivered(provider_reference=reference)
