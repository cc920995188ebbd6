"""The citizen's own pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.accounts.selectors import access_citizen_for, national_id_hint
from diwan.accounts.validators import display_phone
from diwan.core.access import CITIZEN, policy
from diwan.core.caching import never_cache


@policy(CITIZEN)
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    account = access_citizen_for(request.user, request.user.pk)
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "phone": display_phone(account.phone or ""),
            "national_id_hint": national_id_hint(account),
        },
    )
