from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.django_db
def test_healthz_and_readyz_answer_json(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_security_headers(client: Any) -> None:
    response = client.get("/ar/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("ckb", "rtl"), ("en", "ltr")])
def test_html_lang_and_dir(client: Any, language: str, direction: str) -> None:
    body = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in body
