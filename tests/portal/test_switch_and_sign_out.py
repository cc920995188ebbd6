"""The layouts link to the language switch and to sign-out (links, not forms).

Language: following a link keeps the choice in the language cookie and goes to the same page in that
language; it never leads off the site (an open redirect) and ignores a language Diwan does not have.
Sign-out: the link only asks to confirm; signing out is still a POST with a CSRF token."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from diwan.accounts.models import User
from tests.api.support import sign_in_official
from tests.portal.support import make_official, sign_in_citizen

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def test_a_language_link_goes_to_the_same_page_and_is_remembered(client: Client) -> None:
    html = client.get("/en/services/?q=جواز سفر&page=1").content.decode()
    link = unescape(re.search(r'href="(/i18n/setlang/\?language=ckb&amp;[^"]+)"', html).group(1))  # type: ignore[union-attr]
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"/ckb/services/?q={quote('جواز سفر')}&page=1"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ckb"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # The bare address now answers in the chosen language.
    assert client.get("/")["Location"].startswith("/ckb/")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/ckb/", "/\\evil.example", "http:/evil.example", "ckb/", ""],
)
def test_a_link_never_leads_off_the_site(client: Client, target: str) -> None:
    response = client.get(SWITCH, {"language": "ckb", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/ckb/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ckb"


def test_an_unknown_language_changes_nothing(client: Client) -> None:
    response = client.get(SWITCH, {"language": "fr", "next": "/fr/services/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_form_still_works(client: Client) -> None:
    response = client.post(SWITCH, {"language": "en", "next": "/ar/services/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/services/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_sign_out_link_only_asks(client: Client, citizen: User) -> None:
    page = client.get("/en/me/applications/").content.decode()
    assert 'href="/en/account/sign-out/"' in page
    response = client.get("/en/account/sign-out/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post" action="/en/account/sign-out/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/en/me/"' in html  # back without signing out
    assert client.get("/en/me/applications/").status_code == 200  # still signed in


def test_signing_out_needs_the_csrf_token(citizen: User) -> None:
    browser = sign_in_citizen(Client(enforce_csrf_checks=True), citizen)
    assert browser.post("/en/account/sign-out/").status_code == 403
    assert browser.get("/en/me/applications/").status_code == 200
    page = browser.get("/en/account/sign-out/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert browser.post("/en/account/sign-out/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert browser.get("/en/me/applications/").status_code == 302


def test_without_a_session_the_sign_out_page_goes_home() -> None:
    response = Client().get("/ar/account/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_staff_go_back_to_the_office(services: None) -> None:
    official = sign_in_official(Client(), make_official("case_officer"))
    assert 'href="/en/account/sign-out/"' in official.get("/en/office/").content.decode()
    html = official.get("/en/account/sign-out/").content.decode()
    assert 'href="/en/office/"' in html
