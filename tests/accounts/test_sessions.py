"""Sign-in writes the session once, still gives a new key, and kills the old one at once; the fixed-SQL
save keeps Django's rules (a deleted session is not recreated, a taken key is never reused)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
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


def test_saving_a_session_that_was_deleted_does_not_bring_it_back() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()  # signed out elsewhere meanwhile
    store["answer"] = 43
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


def test_a_new_key_that_is_taken_is_refused_and_create_draws_another(monkeypatch: pytest.MonkeyPatch) -> None:
    first = SessionStore()
    first["owner"] = "first"
    first.save()
    taken = first.session_key
    assert taken is not None

    second = SessionStore()
    second._session_key = taken  # the key a new session must never take over
    second["owner"] = "second"
    with pytest.raises(CreateError):
        second.save(must_create=True)
    assert SessionStore(taken)["owner"] == "first"

    keys = iter([taken, "b" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    third = SessionStore()
    third["owner"] = "third"
    third.save()
    assert third.session_key == "b" * 32
    assert SessionStore(taken)["owner"] == "first"
    assert SessionStore("b" * 32)["owner"] == "third"


def test_a_saved_session_keeps_its_expiry() -> None:
    store = SessionStore()
    store.set_expiry(3600)
    store["answer"] = 42
    store.save()
    row = Session.objects.get(session_key=store.session_key)
    assert abs((row.expire_date - store.get_expiry_date()).total_seconds()) < 5
    assert SessionStore(store.session_key)["answer"] == 42
