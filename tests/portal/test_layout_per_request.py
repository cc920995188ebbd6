"""The layouts' `{% constant %}` sections (diwan.core.templatetags.diwan_layout) never carry what belongs
to one request into another: each page's language links lead to that page, the navigation shows who is
signed in, a form a page has holds a CSRF token of its own client, and every language keeps its own text,
direction and working language switch. The layouts themselves hold no form, so a page without one draws
no CSRF token and sends no CSRF cookie."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.middleware.csrf import _does_token_match  # the check CsrfViewMiddleware applies
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SWITCH = re.compile(r'href="/i18n/setlang/\?language=(\w+)&amp;next=([^"]+)"')


def _tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def test_each_page_carries_its_own_path_and_nav_and_no_token_of_another(client: Client) -> None:
    """The citizen's pages and an anonymous visitor's pages, one after the other, several times: the
    language links lead to the same page in the other languages, the navigation shows who is signed in,
    the forms a page has hold a token of its own client's CSRF cookie, and pages without a form of their
    own carry no token and set no CSRF cookie."""
    anonymous = Client()
    pages = [
        (client, "/en/me/applications/", "Sign out", False),
        (anonymous, "/en/services/?q=passport", "Sign in", False),
        (client, "/en/services/", "My account", False),
        (anonymous, "/en/account/sign-in/", "Sign in", True),
        (client, "/en/account/sign-out/", "Sign out of Diwan", True),
        (anonymous, "/en/", "Sign in", False),
        (client, "/en/me/", "Sign out", False),
    ]
    seen_tokens: dict[int, set[str]] = {}
    for _ in range(2):
        for who, path, shown, has_form in pages:
            response = who.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            links = {code: unquote(target) for code, target in SWITCH.findall(html)}
            rest = path.removeprefix("/en/")
            assert links == {"ar": f"/ar/{rest}", "ckb": f"/ckb/{rest}"}, path
            tokens = _tokens(html)
            if has_form:
                secret = who.cookies["csrftoken"].value
                assert tokens, path
                assert all(_does_token_match(token, secret) for token in tokens), path
                seen_tokens.setdefault(id(who), set()).update(tokens)
            else:
                assert not tokens, path
                assert "csrftoken" not in response.cookies, path
            assert shown in html
            if who is anonymous:
                assert "Sign out" not in html
                assert "My account" not in html
    assert not seen_tokens[id(client)] & seen_tokens[id(anonymous)]


@pytest.mark.parametrize(
    ("language", "direction", "skip"),
    [("ar", "rtl", "skip-link"), ("ckb", "rtl", "skip-link"), ("en", "ltr", "Skip to main content")],
)
def test_the_layout_in_each_language_after_the_others(
    client: Client, language: str, direction: str, skip: str
) -> None:
    for other in ("ar", "ckb", "en"):
        client.get(f"/{other}/me/applications/")
    html = client.get(f"/{language}/me/applications/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert skip in html
    assert f'<span class="lang-current" aria-current="true" lang="{language}">' in html
    # The other two languages are links (no JavaScript, no form) to this page in that language.
    others = [code for code in ("ar", "ckb", "en") if code != language]
    for code in others:
        link = f'href="/i18n/setlang/?language={code}&amp;next=/{code}/me/applications/" lang="{code}"'
        assert link in html
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    if language != "en":
        assert "Skip to main content" not in html  # no English text kept from an English page
