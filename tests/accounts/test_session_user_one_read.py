"""A signed-in request reads its session and its user in one statement once this worker knows whose the
session is (diwan.accounts.sessions, the joined read; accounts.user_loader.offer). The joined row is used
only for the user the verified session data names, never outlives its request, and every check made on
the user (active, auth hash, sign out everywhere) still sees the row read in that request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.functional import LazyObject, SimpleLazyObject

from diwan.accounts import sessions, user_loader
from diwan.accounts.middleware import StaffSessionMiddleware
from diwan.accounts.models import User
from diwan.accounts.sessions import SessionStore
from tests.accounts.citizen_support import make_citizen
from tests.portal.support import sign_in_citizen

pytestmark = pytest.mark.django_db

PAGE = "/en/me/"


def _user_reads(client: Client, user: User) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    statements = [query["sql"] for query in captured.captured_queries]
    loader = user_loader._sql("default").replace("%s", str(user.pk))  # user_loader's own statement
    return response.status_code, [sql for sql in statements if "django_session" in sql or sql == loader]


def _is_signed_out(client: Client) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_second_request_reads_session_and_user_in_one_statement() -> None:
    citizen = make_citizen()
    client = sign_in_citizen(Client(), citizen)
    status, first = _user_reads(client, citizen)
    assert status == 200
    assert len(first) == 2  # not known yet: session, then user
    status, second = _user_reads(client, citizen)
    assert status == 200
    assert len(second) == 1
    assert "django_session" in second[0]
    assert "accounts_user" in second[0]
    assert user_loader._offers.__dict__.get("row") is None  # taken, or forgotten with the request


def test_a_hint_naming_another_user_is_not_used() -> None:
    citizen = make_citizen()
    other = make_citizen(phone="+9647809998877", national_id="199500000002")
    client = sign_in_citizen(Client(), citizen)
    assert client.get(PAGE).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    sessions._USER_OF[key] = (str(other.pk), other.pk)  # as if the hint were wrong
    store = SessionStore(key)
    assert store.load()["_auth_user_id"] == str(citizen.pk)
    assert user_loader._offers.__dict__.get("row") is None  # the other user's row was read, never offered
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == citizen.pk


def test_an_offer_is_only_taken_for_its_own_user_and_database() -> None:
    citizen = make_citizen()
    other = make_citizen(phone="+9647809998877", national_id="199500000002")
    store = SessionStore()
    store["_auth_user_id"] = str(citizen.pk)
    store.save()
    SessionStore(store.session_key).load()  # learns whose it is
    SessionStore(store.session_key).load()  # joined read: offers the citizen's row
    loaded = user_loader.load_user(other.pk)
    assert loaded is not None
    assert loaded.pk == other.pk
    assert user_loader._offers.__dict__.get("row") is None  # one offer, taken or dropped once


@pytest.mark.parametrize("change", ["epoch", "inactive", "password", "deleted"])
def test_the_joined_read_still_signs_out(change: str) -> None:
    citizen = make_citizen()
    client = sign_in_citizen(Client(), citizen)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # the joined read is in use
    users = User.objects.filter(pk=citizen.pk)
    if change == "epoch":
        users.update(session_epoch=citizen.session_epoch + 1)
    elif change == "inactive":
        users.update(is_active=False)
    elif change == "password":
        citizen.set_password("a new password that changes the auth hash")
        users.update(password=citizen.password)
    else:
        citizen.delete()
    assert _is_signed_out(client)


def test_after_the_middleware_the_request_holds_the_user_itself() -> None:
    """The lazy user of AuthenticationMiddleware is replaced by what it read (diwan.accounts.middleware),
    for a citizen and for an anonymous visitor alike."""
    seen: list[object] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.user)
        return HttpResponse()

    citizen = make_citizen()
    for client, expected in ((sign_in_citizen(Client(), citizen), citizen), (Client(), AnonymousUser())):
        request = client.get(PAGE).wsgi_request
        request.user = SimpleLazyObject(lambda user=request.user: user)  # as AuthenticationMiddleware sets it
        StaffSessionMiddleware(view)(request)
        assert not isinstance(seen[-1], LazyObject)
        assert seen[-1] == expected
