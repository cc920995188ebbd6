"""The demo outbox: the latest notifications, so a demo user can read their sign-in code.

DEMO_ONLY admits nobody when DIWAN_DEMO_ALLOWED is false (production), so the page is refused there
even for staff; the messages themselves stay in the database and in `diwan outbox`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from diwan.accounts.validators import display_phone, normalise_phone
from diwan.core.access import DEMO_ONLY, policy
from diwan.core.caching import never_cache
from diwan.core.errors import ValidationFailed
from diwan.notifications.selectors import recent_messages


@policy(DEMO_ONLY)
@never_cache
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("phone", "").strip()[:40]
    recipient = ""
    error = ""
    if typed:
        try:
            recipient = normalise_phone(typed)
        except ValidationFailed as exc:
            error = str(exc.message)
    messages = list(recent_messages(limit=20, recipient=recipient or None)) if not error else []
    response = render(
        request,
        "public/demo_outbox.html",
        {
            "outbox": [(message, display_phone(message.recipient)) for message in messages],
            "phone": typed,
            "phone_error": error,
        },
        status=400 if error else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
