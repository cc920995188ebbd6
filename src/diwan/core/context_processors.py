from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from diwan.core.access import is_citizen, is_staff_with_mfa


def diwan(request: HttpRequest) -> dict[str, Any]:
    """Who is signed in, for the public pages' navigation and the demo notice. (The layouts take the
    language, its direction and the language list from constant tags: core/templatetags/diwan_layout.py.)"""
    # A request refused before the authentication middleware (a Host outside ALLOWED_HOSTS) has no user;
    # its error page is rendered all the same.
    # Callables, which the template calls only if a page asks (the public layout does; most pages don't).
    if not hasattr(request, "user"):
        return {"diwan_is_citizen": False, "diwan_is_staff": False, "diwan_demo": settings.DIWAN_DEMO_ALLOWED}
    return {
        "diwan_is_citizen": partial(is_citizen, request.user),
        "diwan_is_staff": partial(is_staff_with_mfa, request),
        "diwan_demo": settings.DIWAN_DEMO_ALLOWED,
    }
