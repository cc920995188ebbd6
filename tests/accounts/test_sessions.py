"""Sign-in writes the session once, still gives a new key, and kills the old one at once."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from diwan.accounts.sessions import SessionStore
from tests.accounts.citizen_support import sign_up

pytestmark = pytest.mark.django_db


def test_cycle_key_defers_the_new_row_and_deletes_the_old_one() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    old_key = store.session_key
    assert Session.objects.filter(session_key=old_key).exists()

    store.cycle_key()
    assert not Session.objects.filter(session_key=old_key).exists()  # a fixated key dies at once
    assert store.session_key is None
    store.save()
    assert store.session_key not in (None, old_key)
    assert SessionStore(store.session_key)["answer"] == 42


def test_signed_in_session_survives_the_next_request() -> None:
    client = Client()
    sign_up(client)  # the real phone + code journey, which cycles the session key
    assert client.get("/en/me/").status_code == 200
    assert Session.objects.count() == 1
