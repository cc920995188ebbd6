"""The layouts' `{% constant %}` sections (diwan.core.templatetags.diwan_layout) never carry what belongs
to one request into another: each page's forms hold a CSRF token of its own client, the language form
returns to its own page, the navigation shows who is signed in, and every language keeps its own text,
direction and working language switch."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _does_token_match  # the check CsrfViewMiddleware applies
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def test_each_page_carries_its_own_csrf_token_and_path_and_nav(client: Client) -> None:
    """The citizen's page and an anonymous visitor's page, one after the other, several times: each form
    holds a token of its own client's CSRF cookie, the language form returns to its own page, and the
    public navigation shows who is signed in."""
    anonymous = Client()
    pages = [
        (client, "/en/me/applications/", "Sign out"),
        (anonymous, "/en/services/", "Sign in"),
        (client, "/en/services/", "My account"),
        (anonymous, "/en/", "Sign in"),
        (client, "/en/me/", "Sign out"),
    ]
    seen_tokens: dict[int, set[str]] = {}
    for _ in range(2):
        for who, path, shown in pages:
            response = who.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            secret = who.cookies["csrftoken"].value
            tokens = _tokens(html)
            assert tokens, path
            assert all(_does_token_match(token, secret) for token in tokens), path
            seen_tokens.setdefault(id(who), set()).update(tokens)
            assert f'<input type="hidden" name="next" value="{path}">' in html
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
    # The other two languages are buttons of a form that works without JavaScript.
    others = [code for code in ("ar", "ckb", "en") if code != language]
    for code in others:
        assert f'name="language" value="{code}" lang="{code}"' in html
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    if language != "en":
        assert "Skip to main content" not in html  # no English text kept from an English page
