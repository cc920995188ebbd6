from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from diwan.core.access import PUBLIC, policy


@policy(PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sign_in.html")


@policy(PUBLIC)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("public:home")
