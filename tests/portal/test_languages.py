"""The application pages in Arabic (default), Central Kurdish and English, with the right direction."""

from __future__ import annotations

import pytest
from django.test import Client

from diwan.applications.models import Application
from tests.portal.support import fill_in, start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(client: Client, officer: object) -> tuple[Application, Application]:
    sent = start(client)
    fill_in(client, sent)
    submit(client, sent)
    return start(client), sent


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("ckb", "rtl"), ("en", "ltr")])
def test_pages_render_in_each_language(
    client: Client, pair: tuple[Application, Application], language: str, direction: str
) -> None:
    draft, sent = pair
    base = f"/{language}/me/applications/"
    urls = [
        base,
        f"{base}start/good-conduct-certificate/",
        f"{base}{draft.pk}/page/applicant/",
        f"{base}{draft.pk}/page/purpose/",
        f"{base}{draft.pk}/check/",
        f"{base}{draft.pk}/delete/",
        f"{base}{sent.pk}/",
        f"{base}{sent.pk}/submitted/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}">' in response.content.decode(), url
    title = {
        "ar": "شهادة حسن السيرة والسلوك",
        "ckb": "بڕوانامەی ڕەفتاری باش",
        "en": "Certificate of good conduct",
    }
    assert title[language] in client.get(f"{base}{sent.pk}/").content.decode()
