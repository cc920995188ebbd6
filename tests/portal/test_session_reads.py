"""The session read of every signed-in page (diwan.accounts.sessions.SessionStore.load, fixed SQL instead of
the ORM) keeps Django's rules: only an unexpired row of that key counts, its data must carry a valid
signature, and a key with no such row is forgotten, so nothing is ever saved under a key the client chose
(session fixation). Sign out everywhere still ends a citizen's other sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.utils import timezone

from diwan.accounts.models import User
from diwan.accounts.sessions import SessionStore
from tests.portal.support import BASE

pytestmark = pytest.mark.django_db

SIGN_IN = "/en/account/sign-in/"


def _signed_in_key(client: Client) -> str:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(BASE).status_code == 200
    return key


def _is_sent_to_sign_in(client: Client) -> bool:
    response = client.get(BASE)
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_a_stored_session_is_read(client: Client, citizen: User) -> None:
    key = _signed_in_key(client)
    store = SessionStore(key)
    assert store.load()["_auth_user_id"] == str(citizen.pk)
    assert store.session_key == key


def test_an_expired_session_is_not_read_and_its_key_is_forgotten(client: Client) -> None:
    key = _signed_in_key(client)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _is_sent_to_sign_in(client)
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_a_session_expiring_later_is_still_read(client: Client) -> None:
    key = _signed_in_key(client)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=30))
    assert not _is_sent_to_sign_in(client)


def test_a_key_the_client_made_up_is_never_saved(services: None) -> None:
    chosen = "attackerchosenkey0123456789abcdef"
    store = SessionStore(chosen)
    assert store.load() == {}
    store["planted"] = True
    store.save()
    assert store.session_key not in (None, chosen)
    assert not Session.objects.filter(session_key=chosen).exists()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = chosen
    assert _is_sent_to_sign_in(client)


def test_tampered_session_data_is_not_trusted(client: Client, citizen: User) -> None:
    key = _signed_in_key(client)
    forged = SessionStore().encode({"_auth_user_id": str(citizen.pk)})[:-3] + "AAA"  # signature broken
    Session.objects.filter(session_key=key).update(session_data=forged)
    assert SessionStore(key).load() == {}
    assert _is_sent_to_sign_in(client)


def test_a_deleted_session_signs_out_at_once(client: Client) -> None:
    key = _signed_in_key(client)
    Session.objects.filter(session_key=key).delete()
    assert _is_sent_to_sign_in(client)


def test_sign_out_everywhere_ends_a_citizens_other_sessions(client: Client, citizen: User) -> None:
    _signed_in_key(client)
    User.objects.filter(pk=citizen.pk).update(session_epoch=F("session_epoch") + 1)
    assert _is_sent_to_sign_in(client)
