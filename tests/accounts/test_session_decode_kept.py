"""The session read keeps what it decoded by the exact stored text (diwan.accounts.sessions): a text is
still verified the first time, a changed or forged text is verified again, each load gets its own dict,
and a new SECRET_KEY verifies everything again."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from diwan.accounts import sessions
from diwan.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_each_load_gets_its_own_data() -> None:
    key = _saved(_auth_user_id="7", diwan_epoch=3)
    first = SessionStore(key).load()
    first["_auth_user_id"] = "8"  # a request changing its own session
    first["planted"] = True
    assert SessionStore(key).load() == {"_auth_user_id": "7", "diwan_epoch": 3}


def test_forged_text_is_refused_after_the_genuine_one_was_kept() -> None:
    key = _saved(_auth_user_id="7")
    assert SessionStore(key).load() == {"_auth_user_id": "7"}  # verified and kept
    genuine = Session.objects.get(session_key=key).session_data
    forged = SessionStore().encode({"_auth_user_id": "1"})[:-3] + "AAA"  # signature broken
    Session.objects.filter(session_key=key).update(session_data=forged)
    assert SessionStore(key).load() == {}
    Session.objects.filter(session_key=key).update(session_data=genuine[:-1])  # truncated
    assert SessionStore(key).load() == {}


def test_a_new_secret_key_verifies_kept_text_again() -> None:
    key = _saved(_auth_user_id="7")
    assert SessionStore(key).load() == {"_auth_user_id": "7"}
    assert sessions._DECODED
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40):
        assert SessionStore(key).load() == {}  # signed with the old key only


def test_data_with_nested_values_is_decoded_every_time() -> None:
    key = _saved(_auth_user_id="7", recent=[1, 2])
    first = SessionStore(key).load()
    first["recent"].append(3)
    assert SessionStore(key).load()["recent"] == [1, 2]
