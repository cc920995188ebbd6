"""The national eID over OpenID Connect, against a fake provider on 127.0.0.1 (no network).

The fake implements discovery, authorize (remembers the PKCE challenge and nonce), token (checks the
client secret and the PKCE verifier, refuses a code used twice) and JWKS, and signs ID tokens with a
test RSA key. It can be told to misbehave: sign with another key, or return another nonce.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from diwan.accounts.middleware import SESSION_EPOCH
from diwan.accounts.models import User, VerificationLevel
from diwan.audit.models import Event
from tests.accounts.citizen_support import HOME, make_citizen

pytestmark = pytest.mark.django_db

CLIENT_ID = "diwan-test"
CLIENT_SECRET = "test-client-secret"
START = "/en/account/eid/start/"
SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "eid-1"}, private=True)
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "eid-1"}, private=True)  # same kid, wrong key


class FakeEid:
    def __init__(self) -> None:
        self.grants: dict[str, dict[str, str]] = {}
        self.used: set[str] = set()
        self.mode = "good"
        self.signing_key = SIGNING_KEY
        self.published = [SIGNING_KEY]  # the key set at /jwks
        self.jwks_fetches = 0
        self.claims: dict[str, Any] = {
            "sub": "eid-subject-42",
            "national_id": "198812345678",
            "name#ar": "سارة محمود عبد الله",
            "name#en": "Sara Mahmoud Abdullah",
            "phone_number": "+9647512345678",
            "phone_number_verified": True,
        }
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(
                        200,
                        {
                            "issuer": fake.issuer,
                            "authorization_endpoint": f"{fake.issuer}/authorize",
                            "token_endpoint": f"{fake.issuer}/token",
                            "jwks_uri": f"{fake.issuer}/jwks",
                            "response_types_supported": ["code"],
                            "code_challenge_methods_supported": ["S256"],
                        },
                    )
                elif url.path == "/jwks":
                    fake.jwks_fetches += 1
                    self._json(200, KeySet(fake.published).as_dict(private=False))
                elif url.path == "/authorize":
                    params = dict(urllib.parse.parse_qsl(url.query))
                    assert params["response_type"] == "code"
                    assert params["code_challenge_method"] == "S256"
                    assert params["client_id"] == CLIENT_ID
                    code = secrets.token_urlsafe(16)
                    fake.grants[code] = params
                    target = (
                        params["redirect_uri"]
                        + "?"
                        + urllib.parse.urlencode({"code": code, "state": params["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._json(401, {"error": "invalid_client"})
                    return
                code = form.get("code", "")
                grant = fake.grants.get(code)
                if grant is None or code in fake.used:
                    self._json(400, {"error": "invalid_grant"})
                    return
                fake.used.add(code)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                if challenge != grant["code_challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
                    self._json(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                claims = {
                    **fake.claims,
                    "iss": fake.issuer,
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": "not-the-nonce" if fake.mode == "wrong_nonce" else grant["nonce"],
                }
                key = OTHER_KEY if fake.mode == "bad_signature" else fake.signing_key
                token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
                self._json(200, {"access_token": "at", "token_type": "Bearer", "id_token": token})

        return Handler

    def authorize(self, url: str) -> str:
        """Follow the browser to the provider's authorize endpoint; return the callback URL it sends back."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(url, timeout=5).close()
        except urllib.error.HTTPError as answer:
            location = answer.headers["Location"]
            answer.close()
            return str(location)
        raise AssertionError("the fake provider did not redirect")


@pytest.fixture
def fake_eid(settings: Any) -> Iterator[FakeEid]:
    fake = FakeEid()
    fake.thread.start()
    settings.DIWAN_OIDC = {
        "issuer": fake.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "",
    }
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        fake.thread.join(timeout=5)


def start(client: Client, fake: FakeEid) -> str:
    response = client.post(START)
    assert response.status_code == 302, response.content.decode()[:1000]
    location = response["Location"]
    assert location.startswith(f"{fake.issuer}/authorize?")
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    callback = fake.authorize(location)
    split = urllib.parse.urlsplit(callback)
    assert split.path == "/en/account/eid/callback/"
    return f"{split.path}?{split.query}"


def test_sign_in_page_offers_the_eid_only_when_configured(client: Client, settings: Any) -> None:
    settings.DIWAN_OIDC = {"issuer": "", "client_id": "", "client_secret": "", "redirect_uri": ""}
    assert "eid/start" not in client.get("/en/account/sign-in/").content.decode()
    assert client.post(START).status_code == 404


def test_full_eid_flow_creates_a_verified_citizen(client: Client, fake_eid: FakeEid) -> None:
    assert "eid/start" in client.get("/en/account/sign-in/").content.decode()
    callback = start(client, fake_eid)
    response = client.get(callback)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == HOME
    user = User.objects.get(national_id_index__isnull=False)
    assert user.verification_level == VerificationLevel.NATIONAL_EID
    assert user.national_id == "198812345678"
    assert user.full_name_ar == "سارة محمود عبد الله"
    assert user.full_name_latin == "Sara Mahmoud Abdullah"
    assert user.phone == "+9647512345678"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_EPOCH] == user.session_epoch
    assert Event.objects.filter(event_type="accounts.citizen.eid_verified", actor_id=user.pk).exists()
    assert client.get(HOME).status_code == 200


def test_eid_raises_an_existing_account_by_national_id(client: Client, fake_eid: FakeEid) -> None:
    citizen = make_citizen(phone="+9647801112233", national_id="198812345678")
    response = client.get(start(client, fake_eid))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.verification_level == VerificationLevel.NATIONAL_EID
    assert citizen.phone == "+9647801112233"  # kept; the eID phone does not overwrite it
    assert User.objects.count() == 1


def _refused(client: Client, response: Any, reason: str) -> None:
    assert response.status_code == 400
    assert "The national eID sign-in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 0
    assert Event.objects.filter(event_type="accounts.citizen.sign_in_failed", details__reason=reason).exists()


def test_wrong_state_is_refused(client: Client, fake_eid: FakeEid) -> None:
    callback = start(client, fake_eid)
    forged = callback.replace("state=", "state=x")
    _refused(client, client.get(forged), "state_mismatch")


def test_callback_from_another_browser_is_refused(client: Client, fake_eid: FakeEid) -> None:
    callback = start(client, fake_eid)
    victim = Client()
    response = victim.get(callback)  # login CSRF: the victim's session never started this sign-in
    assert response.status_code == 400
    assert "_auth_user_id" not in victim.session


def test_wrong_nonce_is_refused(client: Client, fake_eid: FakeEid) -> None:
    fake_eid.mode = "wrong_nonce"
    _refused(client, client.get(start(client, fake_eid)), "nonce_mismatch")


def test_bad_signature_is_refused(client: Client, fake_eid: FakeEid) -> None:
    fake_eid.mode = "bad_signature"
    _refused(client, client.get(start(client, fake_eid)), "bad_signature")


def test_replayed_callback_and_replayed_code_are_refused(client: Client, fake_eid: FakeEid) -> None:
    callback = start(client, fake_eid)
    assert client.get(callback).status_code == 302
    client.post("/en/account/sign-out/")
    # the same callback again: its state was used up
    again = client.get(callback)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session
    # a fresh sign-in (new state) that smuggles in the old code: the provider refuses the reused code
    fresh = start(Client(), fake_eid)  # opens a grant we will not use
    attacker = Client()
    location = attacker.post(START)["Location"]
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["state"]
    old_code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"]
    response = attacker.get(
        "/en/account/eid/callback/?" + urllib.parse.urlencode({"code": old_code, "state": state})
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in attacker.session
    assert Event.objects.filter(
        event_type="accounts.citizen.sign_in_failed", details__reason="provider_error"
    ).exists()
    assert fresh  # unused grant


def test_pkce_verifier_is_required_by_the_token_exchange(client: Client, fake_eid: FakeEid) -> None:
    callback = start(client, fake_eid)
    session = client.session
    pending = session["diwan_oidc_pending"]
    pending["verifier"] = "x" * 64  # not the verifier whose challenge the provider holds
    session["diwan_oidc_pending"] = pending
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_key_set_is_read_once_and_again_when_the_provider_rotates_its_keys(
    fake_eid: FakeEid,
) -> None:
    for _ in range(2):
        client = Client()
        assert client.get(start(client, fake_eid)).status_code == 302
    assert fake_eid.jwks_fetches == 1  # kept between sign-ins
    rotated = RSAKey.generate_key(2048, parameters={"kid": "eid-2"}, private=True)
    fake_eid.signing_key = rotated
    fake_eid.published = [rotated, SIGNING_KEY]
    client = Client()
    assert client.get(start(client, fake_eid)).status_code == 302  # an unknown key: read again, once
    assert fake_eid.jwks_fetches == 2


def test_forged_tokens_do_not_make_every_sign_in_a_key_set_fetch(client: Client, fake_eid: FakeEid) -> None:
    fake_eid.mode = "bad_signature"
    _refused(client, client.get(start(client, fake_eid)), "bad_signature")
    fetched = fake_eid.jwks_fetches
    for _ in range(3):
        other = Client()
        assert other.get(start(other, fake_eid)).status_code == 400
    assert fake_eid.jwks_fetches == fetched  # at most one forced read a minute
