"""`never_cache` for Diwan's views: Django's decorator with its headers written as constants.

Django's `never_cache` formats the current time for `Expires` and parses and rebuilds `Cache-Control`
twice on every response: 3.5 % of the CPU of a signed-in citizen's "My applications" (py-spy,
bench/casework.py). The headers a fresh response gets here say the same to every cache: `Cache-Control`
with the same five directives, and an `Expires` date in the past (RFC 9111 §5.3: any date not in the
future means "already stale"; Django writes "now"). A response that already carries either header is
given Django's own treatment, which merges with what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"

View = Callable[..., HttpResponseBase]


def never_cache[V: View](view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        headers = response.headers
        if "Cache-Control" in headers or "Expires" in headers:
            add_never_cache_headers(response)
        else:
            headers["Expires"] = EXPIRED
            headers["Cache-Control"] = NEVER_CACHE
        return response

    return wrapper  # type: ignore[return-value]
