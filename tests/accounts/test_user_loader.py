"""The signed-in user read by fixed SQL (accounts.user_loader) is the user the ORM would return, and the
backend still refuses an inactive one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client, RequestFactory

from diwan.accounts.backends import DiwanBackend
from diwan.accounts.models import User
from diwan.accounts.user_loader import load_user
from tests.accounts.citizen_support import make_citizen
from tests.portal.support import sign_in_citizen

pytestmark = pytest.mark.django_db


def test_every_field_is_what_the_orm_reads() -> None:
    citizen = make_citizen()
    loaded = load_user(citizen.pk)
    by_orm = User.objects.get(pk=citizen.pk)
    assert loaded is not None
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(by_orm, field.attname), field.name
    assert loaded.national_id == "199500000001"  # decrypted, as the ORM's converters do
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def test_an_unknown_id_is_nobody() -> None:
    assert load_user(987654321) is None
    assert DiwanBackend().get_user(987654321) is None


def test_an_inactive_user_is_refused_and_their_session_is_anonymous() -> None:
    citizen = make_citizen()
    client = sign_in_citizen(Client(), citizen)
    assert DiwanBackend().get_user(citizen.pk) == citizen
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert DiwanBackend().get_user(citizen.pk) is None
    request = RequestFactory().get("/")
    request.session = client.session
    assert not get_user(request).is_authenticated
