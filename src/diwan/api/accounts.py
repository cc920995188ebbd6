"""GET /api/v1/me: the signed-in citizen's own account. No operation here takes another person's id."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from diwan.accounts.selectors import access_citizen_for, national_id_hint
from diwan.api.security import api_policy
from diwan.core.access import CITIZEN

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    full_name_ar: str
    full_name_ckb: str
    full_name_latin: str
    phone: str | None
    email: str
    governorate: str
    verification_level: int
    national_id_hint: str


@router.get("", response=MeOut, summary="The signed-in citizen's account", url_name="me")
@api_policy(CITIZEN)
def me(request: HttpRequest) -> MeOut:
    user = access_citizen_for(request.user, request.user.pk)
    return MeOut(
        id=user.pk,
        full_name_ar=user.full_name_ar,
        full_name_ckb=user.full_name_ckb,
        full_name_latin=user.full_name_latin,
        phone=user.phone,
        email=user.email,
        governorate=user.governorate,
        verification_level=int(user.verification_level),
        national_id_hint=national_id_hint(user),
    )
