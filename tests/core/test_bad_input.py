"""Bad input anywhere: a clear translated message, a 4xx status, nothing written, never a stack trace."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from diwan.accounts.models import OneTimeCode, User

pytestmark = pytest.mark.django_db


def test_oversized_request_is_refused_in_the_visitors_language(settings: Any) -> None:
    client = Client()
    body = {"phone": "07701234567", "padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.post("/ar/account/sign-in/", body)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="ar"' in page
    assert "Traceback" not in page
    assert OneTimeCode.objects.count() == 0


def test_csrf_failure_page_is_translated() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ckb/account/sign-in/", {"phone": "07701234567"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="ckb"' in page
    assert "Your form has expired" not in page  # the Kurdish text is shown, not the English msgid
    assert OneTimeCode.objects.count() == 0


def test_unknown_page_is_a_translated_404() -> None:
    response = Client().get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_malformed_api_input_is_a_json_4xx() -> None:
    response = Client().get("/api/v1/audit/proofs/inclusion", {"seq": "not-a-number", "tree_size": "x"})
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert User.objects.count() == 0
