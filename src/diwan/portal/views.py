"""The citizen's own pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.core.access import CITIZEN, policy


@policy(CITIZEN)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")
