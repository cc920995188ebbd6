from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.core.access import PUBLIC, policy


@policy(PUBLIC)
def checkpoints(request: HttpRequest) -> HttpResponse:
    return render(request, "public/audit_checkpoints.html", {"checkpoints": []})
