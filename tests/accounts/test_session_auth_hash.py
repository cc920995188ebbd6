"""The session auth hash (Django's HMAC of the password field, compared on every signed-in request) is kept
per password hash and secret: it is exactly Django's value, and a new password or another SECRET_KEY gives
another one, so changing a password or rotating the key still signs the other sessions out."""

from __future__ import annotations

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client, override_settings

from diwan.accounts.models import User
from tests.accounts.citizen_support import make_citizen
from tests.portal.support import sign_in_citizen

pytestmark = pytest.mark.django_db

PAGE = "/en/me/"


def test_it_is_djangos_value_for_the_secret_and_each_fallback() -> None:
    user = User(password="argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)
    with override_settings(SECRET_KEY="new-" + "k" * 60, SECRET_KEY_FALLBACKS=["old-" + "k" * 60]):
        assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)
        assert list(user.get_session_auth_fallback_hash()) == [
            AbstractBaseUser._get_session_auth_hash(user, secret="old-" + "k" * 60)
        ]


def test_another_password_or_secret_is_another_hash() -> None:
    user = User(password="argon2$first")
    first = user.get_session_auth_hash()
    user.password = "argon2$second"
    assert user.get_session_auth_hash() != first
    user.password = "argon2$first"
    assert user.get_session_auth_hash() == first
    with override_settings(SECRET_KEY="rotated-" + "k" * 60):
        assert user.get_session_auth_hash() != first


def test_a_password_change_still_ends_the_other_sessions() -> None:
    citizen = make_citizen()
    client = sign_in_citizen(Client(), citizen)
    assert client.get(PAGE).status_code == 200
    citizen.set_password("a long new passphrase for this test")
    citizen.save(update_fields=["password"])
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_a_rotated_secret_key_without_fallback_ends_the_sessions() -> None:
    citizen = make_citizen()
    client = sign_in_citizen(Client(), citizen)
    assert client.get(PAGE).status_code == 200
    with override_settings(SECRET_KEY="rotated-" + "k" * 60, SECRET_KEY_FALLBACKS=[]):
        response = client.get(PAGE)
    assert response.status_code == 302
