from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from diwan.api.security import api_policy
from diwan.core.access import PUBLIC

router = Router(tags=["health"])


class Health(Schema):
    status: str


@router.get("", response=Health, summary="Process is up")
@api_policy(PUBLIC)
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
