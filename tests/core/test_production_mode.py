"""Production mode, started for real in a subprocess (settings are read once, at start-up).

- DIWAN_MODE=production refuses to start with a missing, short or demo secret, and names the variable;
- with real secrets it starts, passes `check --deploy` without errors, and answers with the security
  headers on: HSTS, the Content-Security-Policy without 'unsafe-inline', frame-deny, referrer policy,
  secure (and HttpOnly) cookies, and plain-HTTP requests redirected to HTTPS;
- log lines are JSON (python-json-logger) in production.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_NAMES = ["DIWAN_SECRET_KEY", "DIWAN_FIELD_KEYS", "DIWAN_BLIND_INDEX_KEY", "DIWAN_SIGNING_KEY"]
REFUSAL = "is missing or is the public demo value; production refuses to start"


def _b64(size: int = 32) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode()


def real_secrets() -> dict[str, str]:
    return {
        "DIWAN_SECRET_KEY": secrets.token_urlsafe(64),
        "DIWAN_FIELD_KEYS": f"prod1:{_b64()}",
        "DIWAN_BLIND_INDEX_KEY": _b64(),
        "DIWAN_SIGNING_KEY": _b64(),
    }


def demo_secrets() -> dict[str, str]:
    return {
        "DIWAN_SECRET_KEY": settings.DEMO_SECRET_KEY,
        "DIWAN_FIELD_KEYS": settings.DEMO_FIELD_KEYS,
        "DIWAN_BLIND_INDEX_KEY": settings.DEMO_BLIND_INDEX_KEY,
        "DIWAN_SIGNING_KEY": settings.DEMO_SIGNING_KEY,
    }


def start(tmp_path: Path, script: str, **variables: str | None) -> subprocess.CompletedProcess[str]:
    """Runs `script` in a fresh Python with DIWAN_MODE=production and the given variables (None: unset)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DIWAN_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DIWAN_MODE": "production",
            "DIWAN_DATA_DIR": str(tmp_path),
        }
    )
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


SETUP = "import django; django.setup(); print('started')"


def test_production_refuses_to_start_with_the_demo_secrets(tmp_path: Path) -> None:
    done = start(tmp_path, SETUP)  # nothing set: every secret falls back to its public demo value
    assert done.returncode != 0
    assert "started" not in done.stdout
    assert f"DIWAN_SECRET_KEY {REFUSAL}" in done.stderr


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_production_refuses_each_demo_secret(tmp_path: Path, name: str) -> None:
    variables = real_secrets() | {name: demo_secrets()[name]}
    done = start(tmp_path, SETUP, **variables)
    assert done.returncode != 0
    assert f"{name} {REFUSAL}" in done.stderr


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_production_refuses_a_missing_secret(tmp_path: Path, name: str) -> None:
    variables = real_secrets() | {name: ""}
    done = start(tmp_path, SETUP, **variables)
    assert done.returncode != 0
    assert f"{name} {REFUSAL}" in done.stderr


def test_production_refuses_the_demo_key_kept_in_a_rotated_key_ring(tmp_path: Path) -> None:
    variables = real_secrets()
    variables["DIWAN_FIELD_KEYS"] = f"{variables['DIWAN_FIELD_KEYS']},{settings.DEMO_FIELD_KEYS}"
    done = start(tmp_path, SETUP, **variables)
    assert done.returncode != 0
    assert f"DIWAN_FIELD_KEYS {REFUSAL}" in done.stderr


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    done = start(tmp_path, SETUP, **(real_secrets() | {"DIWAN_SECRET_KEY": "x" * 49}))
    assert done.returncode != 0
    assert "DIWAN_SECRET_KEY must be at least 50 characters in production" in done.stderr


def test_production_starts_with_real_secrets_and_passes_the_deploy_checks(tmp_path: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='ERROR')\n"
        "print('started')\n"
    )
    done = start(tmp_path, script, **real_secrets())
    assert done.returncode == 0, done.stderr
    assert "started" in done.stdout


# Serves real requests through the WSGI stack with production settings: migrates a throw-away SQLite
# database, collects the static files into the temporary folder, then prints what it saw as JSON.
REQUESTS = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

call_command("migrate", verbosity=0)
with override_settings(STATIC_ROOT=settings.DIWAN_DATA_PATH / "static"):
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client(SERVER_NAME="localhost")
    home = client.get("/ar/", secure=True)
    sign_in = client.get("/ar/account/sign-in/", secure=True)
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"}, secure=True)
    language_link = client.get("/i18n/setlang/", {"language": "ckb", "next": "/ckb/"}, secure=True)
    plain = client.get("/ar/")
    health = client.get("/healthz")
    missing = client.get("/ar/no-such-page/", secure=True)
    stranger = Client(SERVER_NAME="attacker.example", raise_request_exception=False)
    bad_host = stranger.get("/ar/", secure=True)

def cookies(response):
    return {
        name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
        for name, m in response.cookies.items()
    }

print(json.dumps({
    "home": {"status": home.status_code, "headers": dict(home.headers), "cookies": cookies(home)},
    "sign_in": {"status": sign_in.status_code, "cookies": cookies(sign_in)},
    "language": {"status": language.status_code, "cookies": cookies(language)},
    "language_link": {"status": language_link.status_code, "cookies": cookies(language_link)},
    "plain": {"status": plain.status_code, "location": plain.headers.get("Location", "")},
    "health": health.status_code,
    "missing": missing.status_code,
    "bad_host": {"status": bad_host.status_code, "body": bad_host.content.decode()},
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "debug": settings.DEBUG,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp_path = tmp_path_factory.mktemp("production")
    done = start(tmp_path, REQUESTS, **real_secrets())
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    seen["stderr"] = done.stderr
    return seen


def test_production_serves_the_home_page_with_debug_off(production: dict[str, Any]) -> None:
    assert production["home"]["status"] == 200
    assert production["debug"] is False
    assert production["health"] == 200  # health checks stay reachable over plain HTTP for the balancer


def test_production_answers_an_unknown_host_with_the_translated_400_page(production: dict[str, Any]) -> None:
    """A Host header outside ALLOWED_HOSTS is refused before the authentication middleware runs: the error
    page must not need request.user."""
    assert production["bad_host"]["status"] == 400
    assert 'lang="ar"' in production["bad_host"]["body"]


def test_production_sends_hsts(production: dict[str, Any]) -> None:
    hsts = production["home"]["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_production_sends_a_csp_without_unsafe_inline(production: dict[str, Any]) -> None:
    csp = production["home"]["headers"]["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_production_sends_frame_deny_nosniff_and_referrer_policy(production: dict[str, Any]) -> None:
    headers = production["home"]["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_production_cookies_are_secure(production: dict[str, Any]) -> None:
    csrf = production["sign_in"]["cookies"]["csrftoken"]  # a page with a form sets it
    assert csrf["secure"]
    assert csrf["httponly"]
    for switched in ("language", "language_link"):  # the switch's form and its links
        language = production[switched]["cookies"][settings.LANGUAGE_COOKIE_NAME]
        assert language["secure"]
        assert language["httponly"]
    assert production["session_cookie_secure"] is True
    assert production["session_cookie_httponly"] is True


def test_production_redirects_plain_http_to_https(production: dict[str, Any]) -> None:
    assert production["plain"]["status"] == 301
    assert production["plain"]["location"].startswith("https://")


def test_production_log_lines_are_json(production: dict[str, Any]) -> None:
    # The 404 above is logged by django.request; in production the console handler writes JSON.
    lines = [line for line in production["stderr"].splitlines() if "no-such-page" in line]
    assert lines, production["stderr"]
    record = json.loads(lines[0])
    assert record["level"] == "WARNING"
    assert record["logger"] == "django.request"
    assert "no-such-page" in record["message"]
    assert {"time", "request_id"} <= record.keys()
    assert production["missing"] == 404
