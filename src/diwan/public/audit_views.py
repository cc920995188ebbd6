"""Public audit pages: the published checkpoints and the key that signs them (docs/audit.md)."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.audit import selectors
from diwan.core import crypto
from diwan.core.access import PUBLIC, policy


@policy(PUBLIC)
def checkpoints(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/audit_checkpoints.html",
        {
            "checkpoints": [selectors.published(c) for c in selectors.latest_checkpoints(20)],
            "public_key": base64.b64encode(crypto.platform_public_key_bytes()).decode(),
        },
    )
