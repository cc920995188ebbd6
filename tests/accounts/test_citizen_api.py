"""GET /api/v1/me: a citizen sees their own account and nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client

from diwan.accounts.models import User
from tests.accounts.citizen_support import make_citizen, sign_up

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_me_returns_only_the_signed_in_citizen(client: Client) -> None:
    other = make_citizen(phone="+9647801112233", national_id="199500000001")
    mine = sign_up(client)
    response = client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == mine.pk
    assert body["phone"] == "+9647701234567"
    assert body["full_name_ar"] == "زينب علي حسين"
    assert body["national_id_hint"].endswith("4567")
    assert "national_id" not in body  # the full number never leaves through the API
    text = response.content.decode()
    assert str(other.phone) not in text
    assert "أحمد كريم جاسم" not in text
    # no parameter reaches another citizen: an id in the query string is ignored
    assert client.get(f"{ME}?id={other.pk}").json()["id"] == mine.pk


def test_me_needs_a_signed_in_citizen(client: Client) -> None:
    assert client.get(ME).status_code == 401
    staff = User.objects.create_user("omar.staff", kind="staff", full_name_ar="عمر")
    client.force_login(staff, backend="diwan.accounts.backends.DiwanBackend")
    assert client.get(ME).status_code == 403


def test_inactive_citizen_is_refused(client: Client) -> None:
    citizen = make_citizen()
    client.force_login(citizen, backend="diwan.accounts.backends.DiwanBackend")
    session = client.session
    session["diwan_epoch"] = citizen.session_epoch
    session.save()
    assert client.get(ME).status_code == 200
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert client.get(ME).status_code in {401, 403}
