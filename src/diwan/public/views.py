"""Anonymous pages: the home page and the language switch."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from diwan.core.access import PUBLIC, policy
from diwan.core.caching import never_cache


@policy(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


@policy(PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch. GET is what the layouts' links call (`?language=ckb&next=/ckb/me/`): it keeps
    the choice in the language cookie and goes to `next`, the same page in that language. POST is
    Django's own view (a form with `language` and `next`).

    Django keeps its view POST-only so that a link elsewhere cannot change how the site is shown. Here the
    page's language is in its address: the cookie decides only what the bare address and the API answer
    in, so another site linking here can change nothing a person would not see and change back at once;
    and a link needs no CSRF token in every page's layout. An unknown language or a `next` outside this
    site changes nothing: the visitor goes to the home page of the language (or of the site)."""
    if request.method == "POST":
        return django_set_language(request)
    code = request.GET.get("language", "")
    if code not in {known for known, _name in settings.LANGUAGES}:
        return HttpResponseRedirect("/")
    next_url = request.GET.get("next", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        with translation.override(code):
            next_url = reverse("public:home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Any, settings.LANGUAGE_COOKIE_SAMESITE),  # "Lax" (config/settings.py)
    )
    return response
