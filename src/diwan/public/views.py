"""Anonymous pages: the home page and the language switch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from diwan.core.access import PUBLIC, policy


@policy(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


@policy(PUBLIC)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)
