from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi

from diwan.core.access import is_citizen, is_staff_with_mfa


def diwan(request: HttpRequest) -> dict[str, Any]:
    # A request refused before the authentication middleware (a Host outside ALLOWED_HOSTS) has no user;
    # its error page is rendered all the same.
    has_user = hasattr(request, "user")
    return {
        "diwan_languages": settings.LANGUAGES,
        "diwan_language": get_language(),
        "diwan_dir": "rtl" if get_language_bidi() else "ltr",
        "diwan_is_citizen": has_user and is_citizen(request.user),
        "diwan_is_staff": has_user and is_staff_with_mfa(request),
        "diwan_demo": settings.DIWAN_DEMO_ALLOWED,
    }
