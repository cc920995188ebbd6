from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.core.access import MFA_PENDING, PUBLIC, policy


@policy(PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/sign_in.html")


@policy(MFA_PENDING)
def verify_mfa(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/sign_in.html")
