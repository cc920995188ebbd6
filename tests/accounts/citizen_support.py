"""Helpers for the citizen sign-in tests: walk the journey through HTTP, read codes from the outbox."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from diwan.accounts.models import User
from diwan.notifications.models import Message

SIGN_IN = "/en/account/sign-in/"
CODE = "/en/account/sign-in/code/"
PROFILE = "/en/account/sign-in/profile/"
HOME = "/en/me/"

PROFILE_DATA = {
    "full_name_ar": "زينب علي حسين",
    "full_name_ckb": "زەینەب عەلی حسێن",
    "full_name_latin": "Zainab Ali Hussein",
    "national_id": "١٩٩٠٠١٢٣٤٥٦٧",
    "governorate": "BGD",
    "email": "",
}


def latest_code(phone: str) -> str:
    message = Message.objects.filter(recipient=phone, template="accounts.sign_in_code").order_by("-id")[0]
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)


def request_code(client: Client, phone: str = "0770 123 4567", **extra: Any) -> Any:
    return client.post(SIGN_IN, {"phone": phone}, **extra)


def sign_up(client: Client, phone: str = "0770 123 4567", **profile: str) -> User:
    """The whole first-time journey; returns the new citizen."""
    response = request_code(client, phone)
    assert response.status_code == 302, response.content.decode()[:2000]
    e164 = client.session["diwan_signin_phone"]
    response = client.post(CODE, {"code": latest_code(e164)})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    response = client.post(PROFILE, {**PROFILE_DATA, **profile})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == HOME
    return User.objects.get(phone=e164)


def make_citizen(phone: str = "+9647801112233", national_id: str = "199500000001", **extra: Any) -> User:
    user = User(kind="citizen", phone=phone, full_name_ar="أحمد كريم جاسم", governorate="BSR", **extra)
    user.set_national_id(national_id)
    user.set_unusable_password()
    user.save()
    return user
