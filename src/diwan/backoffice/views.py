"""The staff back office home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.core.access import ANY_STAFF, policy, roles_of


@policy(ANY_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html", {"roles": sorted(roles_of(request))})
